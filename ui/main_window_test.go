package ui_test

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"qmdesk/app"
	"qmdesk/assets"
	"qmdesk/data"
	"qmdesk/data/bolt"
	"qmdesk/ui"
)

func TestMainWindowShowsProgress(t *testing.T) {
	a := test.NewTempApp(t)
	s, err := bolt.Open(filepath.Join(t.TempDir(), "qm.db"), bolt.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	s.Init(ctx, "41", data.DefaultRound())
	geo, _ := assets.Geography()
	round, _ := s.Round(ctx, 1)
	today := data.NewDate(2024, 8, 1)
	if err := (app.Demo{Geo: geo, Province: "41", Round: round, Seed: 1, AsOf: today}).Fill(ctx, s, 100, 100, nil); err != nil {
		t.Fatal(err)
	}
	prog := &app.Progress{Store: s, Geo: geo, Now: func() time.Time { return today.Time() }}
	w := ui.NewMainWindow(a, s, prog, nil)
	if !strings.Contains(w.Title.Text, "อุดรธานี") || !strings.Contains(w.Countdown.Text, "เหลืออีก 60 วัน") || !strings.Contains(w.Totals.Text, "ครัวเรือน 100") {
		t.Errorf("window shows %q / %q / %q", w.Title.Text, w.Countdown.Text, w.Totals.Text)
	}
}

func TestMainWindowExplainsOpenError(t *testing.T) {
	a := test.NewTempApp(t)
	err := &data.Error{Code: data.ELOCKED, Message: "ฐานข้อมูลนี้เปิดอยู่", Err: errors.New("timeout")}
	w := ui.NewMainWindow(a, nil, nil, err)
	if w.Message.Text != "ฐานข้อมูลนี้เปิดอยู่" {
		t.Errorf("message = %q", w.Message.Text)
	}
}
