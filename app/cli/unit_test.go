package cli_test

import (
	"path/filepath"
	"strings"
	"testing"
)

// qmdesk unit add|list|edit|remove keeps the municipalities, refusing in
// Thai a tambon outside the province and a tambon fully in two units.
func TestUnitCommands(t *testing.T) {
	db := filepath.Join(t.TempDir(), "qm.db")
	if r := qmdesk(t, "init", "--province", "41", "--db", db); r.code != 0 {
		t.Fatalf("init: %+v", r)
	}
	if r := qmdesk(t, "unit", "--db", db); r.code != 0 || !strings.Contains(r.stdout, "ยังไม่มีเทศบาล") {
		t.Fatalf("empty list: %+v", r)
	}
	if r := qmdesk(t, "unit", "add", "--name", "เทศบาลนครอุดรธานี", "--type", "นคร", "--tambon", "หมากแข้ง", "--partly", "410102", "--db", db); r.code != 0 {
		t.Fatalf("add: %+v", r)
	}
	r := qmdesk(t, "unit", "list", "--db", db)
	if r.code != 0 || !strings.Contains(r.stdout, "เทศบาลนครอุดรธานี") || !strings.Contains(r.stdout, "ต.หมากแข้ง อ.เมืองอุดรธานี") {
		t.Fatalf("list: %+v", r)
	}
	if r := qmdesk(t, "unit", "add", "--name", "เทศบาลเมืองอื่น", "--type", "เมือง", "--tambon", "หมากแข้ง", "--db", db); r.code != 1 || !strings.Contains(r.stderr, "ทั้งตำบลแล้ว") {
		t.Errorf("a tambon fully in two units: %+v", r)
	}
	if r := qmdesk(t, "unit", "add", "--name", "เทศบาลเมืองอื่น", "--type", "เมือง", "--tambon", "100101", "--db", db); r.code != 1 || !strings.Contains(r.stderr, "ไม่พบตำบล") {
		t.Errorf("a tambon of Bangkok: %+v", r)
	}
	if r := qmdesk(t, "unit", "add", "--name", "x", "--type", "อบต", "--tambon", "หมากแข้ง", "--db", db); r.code != 2 {
		t.Errorf("a wrong type: %+v", r)
	}
	if r := qmdesk(t, "unit", "edit", "เทศบาลนคร อุดรธานี", "--type", "เมือง", "--db", db); r.code != 0 {
		t.Fatalf("edit: %+v", r)
	}
	if r := qmdesk(t, "unit", "--db", db); !strings.Contains(r.stdout, "เทศบาลเมือง") {
		t.Errorf("after edit: %+v", r)
	}
	if r := qmdesk(t, "unit", "remove", "ไม่มี", "--db", db); r.code != 1 {
		t.Errorf("remove unknown: %+v", r)
	}
	if r := qmdesk(t, "unit", "remove", "เทศบาลนครอุดรธานี", "--db", db); r.code != 0 {
		t.Fatalf("remove: %+v", r)
	}
	if r := qmdesk(t, "unit", "--db", db); !strings.Contains(r.stdout, "ยังไม่มีเทศบาล") {
		t.Errorf("after remove: %+v", r)
	}
	if r := qmdesk(t, "check", "--db", db); r.code != 0 {
		t.Errorf("check: %+v", r)
	}
}
