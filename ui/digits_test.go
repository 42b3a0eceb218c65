package ui_test

import (
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"qmdesk/app"
	"qmdesk/data"
)

// The Thai-digits setting reaches what the clerk prints and sends from
// the window: the meeting pack and the summary workbook's titles and
// figures; the setting says where it applies.
func TestThaiDigitsReachThePackAndTheWorkbooks(t *testing.T) {
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Skip("pdftotext (poppler-utils) is not installed")
	}
	h := newHarness(t, 100)
	w := h.w
	w.MenuSettings.Action()
	if !strings.Contains(w.Settings.ThaiDigitsHint(), "เอกสารประชุม") || !strings.Contains(w.Settings.ThaiDigitsHint(), "บรรทัดคำสั่ง") {
		t.Errorf("the setting does not say where it applies: %q", w.Settings.ThaiDigitsHint())
	}
	w.Settings.ThaiDigits.SetChecked(true)
	w.ApplySettings()
	dir := t.TempDir()
	pack := filepath.Join(dir, "pack.pdf")
	w.MeetingPack(pack)
	book := filepath.Join(dir, "summary.xlsx")
	w.Export.ExportSummary(book)
	w.WaitIdle()
	out, err := exec.Command("pdftotext", "-layout", pack, "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	target := data.ASCIIToThaiDigits(w.Dashboard.Target.Value.Text)
	if text := string(out); !strings.Contains(text, target) || regexp.MustCompile(`[0-9]`).MatchString(strings.ReplaceAll(text, "Re-X-Ray", "")) {
		t.Errorf("the pack is not in Thai digits (target %s):\n%.600s", target, text)
	}
	f, err := excelize.OpenFile(book)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	title, _ := f.GetCellValue(app.SummarySheetAll, "A2")
	id, _ := f.GetCellStyle(app.SummarySheetAll, "C5")
	st, _ := f.GetStyle(id)
	if !strings.Contains(title, "๒๕๖๗") || st.CustomNumFmt == nil || !strings.HasPrefix(*st.CustomNumFmt, "[$-D00041E]") {
		t.Errorf("workbook: title %q, format %v", title, st.CustomNumFmt)
	}
}
