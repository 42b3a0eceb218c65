// Package assets bundles into the binary what qmdesk needs at run time:
// the DOPA geography list, fonts and the icon.
package assets

import (
	"embed"
	"sync"

	"qmdesk/data"
)

//go:embed geography/provinces.json geography/districts.json geography/subdistricts.json
var geography embed.FS

var (
	geoOnce sync.Once
	geo     *data.Geography
	geoErr  error
)

// Geography returns the bundled province, amphoe and tambon list, parsed
// once.
func Geography() (*data.Geography, error) {
	geoOnce.Do(func() {
		read := func(name string) []byte {
			b, _ := geography.ReadFile("geography/" + name)
			return b
		}
		geo, geoErr = data.LoadGeography(read("provinces.json"), read("districts.json"), read("subdistricts.json"))
	})
	return geo, geoErr
}

// Thai fonts (TLWG Loma) for the window theme, charts and PDFs.
//
//go:embed fonts/Loma.ttf
var FontRegular []byte

//go:embed fonts/Loma-Bold.ttf
var FontBold []byte

// Icon is the program's icon (also named in FyneApp.toml for packaging).
//
//go:embed icon.png
var Icon []byte

// FyneThai translates Fyne's own strings (dialog buttons, the file
// chooser, entry menus) into Thai; Fyne ships no Thai of its own.
//
//go:embed translations/base.th.json
var FyneThai []byte
