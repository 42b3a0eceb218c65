package data

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// The refusal of a change based on an old read tells the clerk which
// record, who changed it, when (Thailand's time), from which workbook
// for an import, and what to do; its facts reach the window through any
// wrapping.
func TestStaleError(t *testing.T) {
	at := time.Date(2026, 12, 1, 3, 15, 42, 123456789, time.UTC) // 10:15 in Thailand
	clerk := StaleError(Stale{Entity: "problem", ID: 42, ChangedBy: "สมหญิง ใจดี", ChangedAt: at})
	if clerk.Code != ECONFLICT {
		t.Fatalf("code %q", clerk.Code)
	}
	for _, want := range []string{"ยังไม่ได้บันทึก", "ปัญหาเลขที่ 42", "สมหญิง ใจดี", "1 ธ.ค. 2569 10:15 น.", "ดูค่าปัจจุบัน"} {
		if !strings.Contains(clerk.Message, want) {
			t.Errorf("Thai %q lacks %q", clerk.Message, want)
		}
	}
	for _, want := range []string{"problem 42", "สมหญิง ใจดี", "2026-12-01 10:15"} {
		if !strings.Contains(clerk.English, want) {
			t.Errorf("English %q lacks %q", clerk.English, want)
		}
	}
	imported := StaleError(Stale{Entity: "household", ID: 7, ChangedBy: "สมใจ", ChangedAt: at, Workbook: "อำเภอเมือง.xlsx"})
	for _, want := range []string{"ครัวเรือนเลขที่ 7", "นำเข้าจาก 'อำเภอเมือง.xlsx'", "สมใจ"} {
		if !strings.Contains(imported.Message, want) {
			t.Errorf("Thai %q lacks %q", imported.Message, want)
		}
	}
	if !strings.Contains(imported.English, "household 7") || !strings.Contains(imported.English, "imported from 'อำเภอเมือง.xlsx'") {
		t.Errorf("English %q", imported.English)
	}
	if s := StaleError(Stale{Entity: "problem", ID: 1, ChangedAt: at}); !strings.Contains(s.Message, "ไม่ระบุผู้ใช้") {
		t.Errorf("no name: %q", s.Message)
	}
	s, ok := StaleOf(fmt.Errorf("saving: %w", imported))
	if !ok || s.Entity != "household" || s.ID != 7 || !s.ChangedAt.Equal(at) || s.Workbook != "อำเภอเมือง.xlsx" {
		t.Errorf("StaleOf: %+v %v", s, ok)
	}
	if _, ok := StaleOf(Errorf(ECONFLICT, "อื่น", "other")); ok {
		t.Error("another conflict taken for a stale read")
	}
	if ErrorMessage(imported) != imported.Message || ErrorCode(imported) != ECONFLICT {
		t.Errorf("explained as %q %q", ErrorMessage(imported), ErrorCode(imported))
	}
}
