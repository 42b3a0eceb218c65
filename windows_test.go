package qmdesk_test

import (
	"bytes"
	"debug/pe"
	"encoding/binary"
	"encoding/xml"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode/utf16"

	"qmdesk"
)

// The Windows programs carry an icon, version information and a manifest
// (make windows embeds windows/winres.json). TestWindowsResources reads
// them back from the built files named in QMDESK_EXE (a list, as in
// PATH); make windows runs it on both right after the build.

// The sources of the resources say what the built files must hold.
func TestWindowsResourceSources(t *testing.T) {
	spec, err := os.ReadFile("windows/winres.json")
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(spec), `"CompanyName": "`+qmdesk.Publisher+`"`); n != 2 {
		t.Errorf("windows/winres.json: CompanyName %q in %d of its 2 languages", qmdesk.Publisher, n)
	}
	manifest, err := os.ReadFile("windows/qmdesk.manifest")
	if err != nil {
		t.Fatal(err)
	}
	checkManifest(t, manifest)
	nsi, err := os.ReadFile("windows/qmdesk.nsi")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(nsi), `!define PUBLISHER "`+qmdesk.Publisher+`"`) {
		t.Errorf("windows/qmdesk.nsi does not define PUBLISHER as %q", qmdesk.Publisher)
	}
}

func TestWindowsResources(t *testing.T) {
	list := os.Getenv("QMDESK_EXE")
	if list == "" {
		t.Skip("QMDESK_EXE names no built .exe (make windows sets it)")
	}
	for _, path := range filepath.SplitList(list) {
		t.Run(filepath.Base(path), func(t *testing.T) { checkExe(t, path) })
	}
}

// Resource types (winuser.h).
const (
	rtIcon      = 3
	rtGroupIcon = 14
	rtVersion   = 16
	rtManifest  = 24
)

func checkExe(t *testing.T, path string) {
	f, err := pe.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	oh, ok := f.OptionalHeader.(*pe.OptionalHeader64)
	if !ok || f.FileHeader.Machine != pe.IMAGE_FILE_MACHINE_AMD64 {
		t.Fatalf("%s is not a 64-bit Windows program", path)
	}
	// qmdesk.exe opens a window without a console; qmdesk-cli.exe is for
	// the console.
	want := uint16(pe.IMAGE_SUBSYSTEM_WINDOWS_GUI)
	if strings.Contains(filepath.Base(path), "-cli") {
		want = pe.IMAGE_SUBSYSTEM_WINDOWS_CUI
	}
	if oh.Subsystem != want {
		t.Errorf("subsystem %d, want %d", oh.Subsystem, want)
	}
	res, err := readResources(f)
	if err != nil {
		t.Fatal(err)
	}

	// The icon: one group whose images are all there, 16 to 256 pixels.
	groups := res[rtGroupIcon]
	if len(groups) == 0 {
		t.Fatal("no icon (RT_GROUP_ICON)")
	}
	for name, langs := range groups {
		for _, g := range langs {
			sizes, ids, err := iconGroup(g)
			if err != nil {
				t.Fatalf("icon %s: %v", name, err)
			}
			for _, s := range []int{16, 32, 48, 256} {
				if !slices.Contains(sizes, s) {
					t.Errorf("icon %s has no %d-pixel image: %v", name, s, sizes)
				}
			}
			for _, id := range ids {
				if len(res[rtIcon]["#"+strconv.Itoa(int(id))]) == 0 {
					t.Errorf("icon %s: image %d (RT_ICON) missing", name, id)
				}
			}
		}
	}

	// Version information: the repository's version, product and
	// publisher, in each language.
	// (one VS_VERSIONINFO per language, as Windows looks them up.)
	if len(res[rtVersion]) == 0 {
		t.Fatal("no version information (RT_VERSION)")
	}
	for name, langs := range res[rtVersion] {
		for lang, v := range langs {
			checkVersion(t, fmt.Sprintf("RT_VERSION %s/%04X", name, lang), v)
		}
	}

	checkManifest(t, only(t, res[rtManifest], "RT_MANIFEST"))
}

func checkVersion(t *testing.T, what string, v []byte) {
	t.Helper()
	fixed, tables, err := versionInfo(v)
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	if want := versionNumbers(qmdesk.Version); fixed != want {
		t.Errorf("%s: fixed file version %v, want %v", what, fixed, want)
	}
	if len(tables) == 0 {
		t.Fatalf("%s: no strings", what)
	}
	for lang, kv := range tables {
		for key, want := range map[string]string{
			"ProductName": "qmdesk", "CompanyName": qmdesk.Publisher,
			"FileVersion": qmdesk.Version, "ProductVersion": qmdesk.Version,
		} {
			if kv[key] != want {
				t.Errorf("%s: %s %s = %q, want %q", what, lang, key, kv[key], want)
			}
		}
	}
}

// only is the one resource of a type.
func only(t *testing.T, names map[string]map[uint32][]byte, what string) []byte {
	t.Helper()
	var found [][]byte
	for _, langs := range names {
		for _, b := range langs {
			found = append(found, b)
		}
	}
	if len(found) != 1 {
		t.Fatalf("%s: %d resources, want 1", what, len(found))
	}
	return found[0]
}

// checkManifest checks what the manifest asks of Windows: run as the user,
// Windows 10 and 11, per-monitor DPI (v2), the UTF-8 code page.
func checkManifest(t *testing.T, manifest []byte) {
	t.Helper()
	found := map[string]string{}
	d := xml.NewDecoder(bytes.NewReader(manifest))
	var stack []string
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("manifest: %v", err)
		}
		switch x := tok.(type) {
		case xml.StartElement:
			stack = append(stack, x.Name.Local)
			for _, a := range x.Attr {
				found[x.Name.Local+"@"+a.Name.Local] += a.Value + ";"
			}
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if len(stack) > 0 {
				found[stack[len(stack)-1]] += strings.TrimSpace(string(x))
			}
		}
	}
	if !strings.Contains(found["dpiAwareness"], "PerMonitorV2") {
		t.Errorf("manifest: dpiAwareness %q, want PerMonitorV2", found["dpiAwareness"])
	}
	if !strings.Contains(strings.ToLower(found["supportedOS@Id"]), "{8e0f7a12-bfb3-4fe8-b9a5-48fd50a15a9a}") {
		t.Errorf("manifest: supportedOS %q does not name Windows 10", found["supportedOS@Id"])
	}
	if found["activeCodePage"] != "UTF-8" {
		t.Errorf("manifest: activeCodePage %q, want UTF-8", found["activeCodePage"])
	}
	if found["requestedExecutionLevel@level"] != "asInvoker;" {
		t.Errorf("manifest: execution level %q, want asInvoker", found["requestedExecutionLevel@level"])
	}
}

// readResources reads a PE file's resource tree: type, then name ("#12"
// or a string), then language, to the resource's bytes.
func readResources(f *pe.File) (map[uint32]map[string]map[uint32][]byte, error) {
	oh := f.OptionalHeader.(*pe.OptionalHeader64)
	dir := oh.DataDirectory[pe.IMAGE_DIRECTORY_ENTRY_RESOURCE]
	if dir.VirtualAddress == 0 {
		return nil, fmt.Errorf("no resources")
	}
	var sec *pe.Section
	for _, s := range f.Sections {
		if dir.VirtualAddress >= s.VirtualAddress && dir.VirtualAddress < s.VirtualAddress+s.VirtualSize {
			sec = s
		}
	}
	if sec == nil {
		return nil, fmt.Errorf("the resource directory is in no section")
	}
	b, err := sec.Data()
	if err != nil {
		return nil, err
	}
	root := b[dir.VirtualAddress-sec.VirtualAddress:]
	at := func(rva, size uint32) ([]byte, error) {
		o := int64(rva) - int64(sec.VirtualAddress)
		if o < 0 || o+int64(size) > int64(len(b)) {
			return nil, fmt.Errorf("resource data outside its section")
		}
		return b[o : o+int64(size)], nil
	}
	type entry struct {
		id   uint32
		name string
		off  uint32
	}
	entries := func(off uint32) ([]entry, error) {
		if int(off)+16 > len(root) {
			return nil, fmt.Errorf("resource directory outside its section")
		}
		n := int(binary.LittleEndian.Uint16(root[off+12:])) + int(binary.LittleEndian.Uint16(root[off+14:]))
		var es []entry
		for i := 0; i < n; i++ {
			p := int(off) + 16 + 8*i
			if p+8 > len(root) {
				return nil, fmt.Errorf("resource directory outside its section")
			}
			e := entry{id: binary.LittleEndian.Uint32(root[p:]), off: binary.LittleEndian.Uint32(root[p+4:])}
			if e.id&0x80000000 != 0 {
				s := int(e.id &^ 0x80000000)
				if s+2 > len(root) {
					return nil, fmt.Errorf("resource name outside its section")
				}
				l := int(binary.LittleEndian.Uint16(root[s:]))
				if s+2+2*l > len(root) {
					return nil, fmt.Errorf("resource name outside its section")
				}
				e.name = utf16String(root[s+2 : s+2+2*l])
			} else {
				e.name = "#" + strconv.Itoa(int(e.id))
			}
			es = append(es, e)
		}
		return es, nil
	}
	out := map[uint32]map[string]map[uint32][]byte{}
	types, err := entries(0)
	if err != nil {
		return nil, err
	}
	for _, ty := range types {
		names, err := entries(ty.off &^ 0x80000000)
		if err != nil {
			return nil, err
		}
		out[ty.id] = map[string]map[uint32][]byte{}
		for _, nm := range names {
			langs, err := entries(nm.off &^ 0x80000000)
			if err != nil {
				return nil, err
			}
			out[ty.id][nm.name] = map[uint32][]byte{}
			for _, l := range langs {
				d := l.off
				if d&0x80000000 != 0 || int(d)+16 > len(root) {
					return nil, fmt.Errorf("resource %d/%s: not a data entry", ty.id, nm.name)
				}
				data, err := at(binary.LittleEndian.Uint32(root[d:]), binary.LittleEndian.Uint32(root[d+4:]))
				if err != nil {
					return nil, err
				}
				out[ty.id][nm.name][l.id] = data
			}
		}
	}
	return out, nil
}

// iconGroup reads a GRPICONDIR: each image's size in pixels (0 is 256)
// and its RT_ICON id.
func iconGroup(b []byte) (sizes []int, ids []uint16, err error) {
	if len(b) < 6 || binary.LittleEndian.Uint16(b[2:]) != 1 {
		return nil, nil, fmt.Errorf("not an icon group")
	}
	n := int(binary.LittleEndian.Uint16(b[4:]))
	if len(b) < 6+14*n {
		return nil, nil, fmt.Errorf("icon group cut short")
	}
	for i := 0; i < n; i++ {
		e := b[6+14*i:]
		w := int(e[0])
		if w == 0 {
			w = 256
		}
		sizes = append(sizes, w)
		ids = append(ids, binary.LittleEndian.Uint16(e[12:]))
	}
	return sizes, ids, nil
}

// versionNumbers is a version as Windows' four numbers.
func versionNumbers(v string) [4]uint16 {
	var n [4]uint16
	for i, p := range strings.SplitN(v, ".", 4) {
		x, _ := strconv.Atoi(p)
		n[i] = uint16(x)
	}
	return n
}

// versionInfo reads a VS_VERSIONINFO: the fixed file version and each
// string table (by its language and code page, "041E04B0") of keys and
// values.
func versionInfo(b []byte) (fixed [4]uint16, tables map[string]map[string]string, err error) {
	root, err := versionBlock(b)
	if err != nil {
		return fixed, nil, err
	}
	if root.key != "VS_VERSION_INFO" || len(root.value) < 52 || binary.LittleEndian.Uint32(root.value) != 0xFEEF04BD {
		return fixed, nil, fmt.Errorf("not a VS_VERSIONINFO")
	}
	ms, ls := binary.LittleEndian.Uint32(root.value[8:]), binary.LittleEndian.Uint32(root.value[12:])
	fixed = [4]uint16{uint16(ms >> 16), uint16(ms), uint16(ls >> 16), uint16(ls)}
	tables = map[string]map[string]string{}
	for _, c := range root.children {
		if c.key != "StringFileInfo" {
			continue
		}
		for _, table := range c.children {
			kv := map[string]string{}
			for _, s := range table.children {
				kv[s.key] = strings.TrimRight(utf16String(s.value), "\x00")
			}
			tables[table.key] = kv
		}
	}
	return fixed, tables, nil
}

type block struct {
	key      string
	value    []byte
	children []block
}

// versionBlock reads one block of a VS_VERSIONINFO: its length, its
// value's length (in characters when the value is text), its type, its
// key, then the value and the children, each on a 4-byte boundary.
func versionBlock(b []byte) (block, error) {
	var bl block
	if len(b) < 6 {
		return bl, fmt.Errorf("version block cut short")
	}
	length := int(binary.LittleEndian.Uint16(b))
	valueLen := int(binary.LittleEndian.Uint16(b[2:]))
	if binary.LittleEndian.Uint16(b[4:]) == 1 {
		valueLen *= 2
	}
	if length < 6 || length > len(b) {
		return bl, fmt.Errorf("version block length %d of %d bytes", length, len(b))
	}
	b = b[:length]
	p := 6
	for p+1 < len(b) && (b[p] != 0 || b[p+1] != 0) {
		p += 2
	}
	bl.key = utf16String(b[6:p])
	p = align4(p + 2)
	if p+valueLen > len(b) {
		return bl, fmt.Errorf("version block %q: value outside it", bl.key)
	}
	bl.value = b[p : p+valueLen]
	p = align4(p + valueLen)
	for p < len(b) {
		c, err := versionBlock(b[p:])
		if err != nil {
			return bl, err
		}
		bl.children = append(bl.children, c)
		p = align4(p + int(binary.LittleEndian.Uint16(b[p:])))
	}
	return bl, nil
}

func align4(n int) int { return (n + 3) &^ 3 }

func utf16String(b []byte) string {
	u := make([]uint16, len(b)/2)
	for i := range u {
		u[i] = binary.LittleEndian.Uint16(b[2*i:])
	}
	return string(utf16.Decode(u))
}
