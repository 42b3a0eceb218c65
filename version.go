// Package qmdesk holds what the whole repository shares: the program's
// version and the names it is published under, read from FyneApp.toml,
// which the fyne tool, the Windows resources and the installer read too.
package qmdesk

import (
	_ "embed"
	"fmt"

	"github.com/BurntSushi/toml"
)

//go:embed FyneApp.toml
var fyneApp []byte

// Metadata is what FyneApp.toml says of the program.
type Metadata struct {
	Details struct {
		Name    string
		ID      string
		Version string
		Build   int
	}
}

// ReadMetadata reads FyneApp.toml's text.
func ReadMetadata(text []byte) (Metadata, error) {
	var m Metadata
	if _, err := toml.Decode(string(text), &m); err != nil {
		return m, fmt.Errorf("FyneApp.toml: %w", err)
	}
	if m.Details.Version == "" {
		return m, fmt.Errorf("FyneApp.toml: no Details.Version")
	}
	return m, nil
}

// Version is the program's version (FyneApp.toml's Details.Version),
// built into every binary whichever way it is built.
var Version = mustVersion()

func mustVersion() string {
	m, err := ReadMetadata(fyneApp)
	if err != nil {
		panic(err)
	}
	return m.Details.Version
}

// Publisher names the programme the program is published under, in the
// Windows file properties and the installer.
const Publisher = "ที่ทำการปกครองจังหวัด — โครงการ ThaiQM"
