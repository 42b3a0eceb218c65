package main

import (
	"os"
	"path/filepath"
	"testing"

	"qmdesk/ui"
)

// The window opens the database named at start (--db or QMDESK_DB:
// pinned), else the shared database the settings chose, else the data
// folder's file, as before.
func TestChooseDatabase(t *testing.T) {
	const def = "/home/somsri/.local/share/qmdesk/qmdesk.db"
	office := ui.Server{Host: "db.office", Database: "qmdesk_41", Role: "somsri"}
	chosen := func() (ui.Server, bool) { return office, true }
	none := func() (ui.Server, bool) { return ui.Server{}, false }
	const addr = "postgres://somsri@db.office/qmdesk_41"
	for _, c := range []struct {
		name, path, env string
		chosen          func() (ui.Server, bool)
		server, file    string
		pinned          bool
	}{
		{"the default, nothing chosen", def, "", none, "", def, false},
		{"the default, the server chosen", def, "", chosen, office.DSN(), def, false},
		{"--db FILE wins over the settings", "/tmp/udon.db", "", chosen, "", "/tmp/udon.db", true},
		{"QMDESK_DB naming the default file wins too", def, def, chosen, "", def, true},
		{"--db postgres://", addr, "", none, addr, def, true},
		{"QMDESK_DB postgres://", addr, addr, chosen, addr, def, true},
	} {
		server, file, pinned := chooseDatabase(c.path, c.env, def, c.chosen)
		if server != c.server || file != c.file || pinned != c.pinned {
			t.Errorf("%s: %q %q %v, want %q %q %v", c.name, server, file, pinned, c.server, c.file, c.pinned)
		}
	}
}

// A file a move back from a server made, kept in the settings, replaces
// the data folder's file while it is there, unless a database is named
// at start.
func TestChosenFile(t *testing.T) {
	const def = "/home/somsri/.local/share/qmdesk/qmdesk.db"
	made := filepath.Join(t.TempDir(), "กลับมา.db")
	if err := os.WriteFile(made, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	gone := filepath.Join(t.TempDir(), "ลบแล้ว.db")
	for _, c := range []struct {
		name, path, env, chosen string
		wantPath, wantDefault   string
	}{
		{"nothing chosen", def, "", "", def, def},
		{"the file chosen", def, "", made, made, made},
		{"the file chosen is gone", def, "", gone, def, def},
		{"--db FILE wins", "/tmp/udon.db", "", made, "/tmp/udon.db", def},
		{"QMDESK_DB wins", def, def, made, def, def},
	} {
		p, d := chosenFile(c.path, c.env, def, c.chosen)
		if p != c.wantPath || d != c.wantDefault {
			t.Errorf("%s: %q %q, want %q %q", c.name, p, d, c.wantPath, c.wantDefault)
		}
	}
}
