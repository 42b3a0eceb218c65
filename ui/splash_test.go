package ui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"qmdesk/data"
)

// The small window says which database is being opened, then what the
// wait is once the open tells it, in the clerk's language.
func TestSplashSaysWhatTheOpenIsDoing(t *testing.T) {
	a := test.NewTempApp(t)
	s := NewSplash(a, "/data/qm.db")
	if got := s.label.Text; !strings.Contains(got, "กำลังเปิดฐานข้อมูล /data/qm.db") {
		t.Errorf("splash: %q", got)
	}
	s.Upgrading(data.Sentence{Thai: "กำลังปรับ", English: "upgrading"})
	if got := s.label.Text; got != "กำลังปรับ" {
		t.Errorf("splash during the upgrade: %q", got)
	}

	a.Preferences().SetString(prefLanguage, "en")
	s = NewSplash(a, "/data/qm.db")
	s.Upgrading(data.Sentence{Thai: "กำลังปรับ", English: "upgrading"})
	if got := s.label.Text; !strings.HasPrefix(got, "upgrading") || s.Window.Title() != "qmdesk — opening the database" {
		t.Errorf("splash in English: %q %q", got, s.Window.Title())
	}
}
