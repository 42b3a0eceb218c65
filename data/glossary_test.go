package data_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"qmdesk/data"
)

// glossaryOnly are the words the glossary alone may write: every Thai
// form, current and old, of its terms, and a few bare words that need a
// unit or a denominator beside them.
func glossaryOnly() []string {
	var words []string
	add := func(s string) {
		// English keys ("solved") and one- or two-letter forms ("ม.")
		// are too common to tell apart; the patterns below take those.
		if utf8.RuneCountInString(s) >= 3 && strings.ContainsFunc(s, func(r rune) bool { return r >= 0x0E00 && r <= 0x0E7F }) {
			words = append(words, s)
		}
	}
	for _, t := range data.Terms() {
		if !t.Common {
			add(t.Thai)
		}
		for _, o := range t.Old {
			add(o)
		}
	}
	return append(words, "เป้าหมาย", "ร้อยละ", "ขาดน้ำดื่ม", "หน่วยงาน ", "หน่วยงาน:")
}

// glossaryPatterns are ways of naming a category by number or a village
// by its number that bypass Category.Label and WordVillageNo.
var glossaryPatterns = []*regexp.Regexp{
	regexp.MustCompile(`ด้าน(ที่)? ?(%d|%s|\d)`),
	regexp.MustCompile(`(^|[^ก-๙])ม\. ?(%|\d)`),
	regexp.MustCompile(`หมู่ (%|\d)`),
}

// TestGlossaryIsTheOnlySource reads every non-test Go file of the module
// and fails on a string literal, outside glossary.go, that writes one of
// the glossary's words itself.
func TestGlossaryIsTheOnlySource(t *testing.T) {
	words := glossaryOnly()
	root, _ := filepath.Abs("..")
	fset := token.NewFileSet()
	found := 0
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (strings.HasPrefix(d.Name(), ".") || d.Name() == "testdata" || d.Name() == "bin") {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") || filepath.Base(path) == "glossary.go" {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		ast.Inspect(f, func(n ast.Node) bool {
			lit, ok := n.(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				return true
			}
			s, err := strconv.Unquote(lit.Value)
			if err != nil {
				return true
			}
			for _, w := range words {
				if strings.Contains(s, w) {
					found++
					t.Errorf("%s:%d writes %q itself: take it from the glossary (data/glossary.go)", rel, fset.Position(lit.Pos()).Line, w)
					return true
				}
			}
			for _, re := range glossaryPatterns {
				if m := re.FindString(s); m != "" {
					found++
					t.Errorf("%s:%d writes %q: name categories with Category.Label and villages with WordVillageNo", rel, fset.Position(lit.Pos()).Line, m)
					return true
				}
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d literals outside the glossary", found)
}

// The glossary's own promises: one name per status, the Re-X-Ray results
// never in status words, short category names that are not cut names.
func TestGlossaryTerms(t *testing.T) {
	seen := map[string]string{}
	for _, s := range data.Statuses {
		seen[s.Thai()] = "status"
	}
	for r := data.ReXRaySolved; r <= data.ReXRayUnsolved; r++ {
		if k, dup := seen[r.Thai()]; dup {
			t.Errorf("Re-X-Ray %q is also a %s", r.Thai(), k)
		}
		if got, err := data.ParseReXRay(r.Thai()); err != nil || got != r {
			t.Errorf("Re-X-Ray %q reads back as %v %v", r.Thai(), got, err)
		}
		for _, old := range r.Term().Old {
			if got, err := data.ParseReXRay(old); err != nil || got != r {
				t.Errorf("an older workbook's %q reads as %v %v", old, got, err)
			}
		}
	}
	for _, s := range data.Statuses {
		for _, form := range append([]string{s.Thai()}, s.Term().Old...) {
			if got, err := data.ParseStatus(form); err != nil || got != s {
				t.Errorf("status %q reads as %v %v", form, got, err)
			}
		}
	}
	if data.WordSolvedTotal.Thai == data.Solved.Thai() {
		t.Error("the sum of solved and self-solved is named like the status")
	}
	for _, c := range data.Categories {
		short := c.ShortTerm().Thai
		if short == "" || strings.ContainsAny(short, "….") || !strings.HasPrefix(c.ShortLabel(), "ด้านที่ ") {
			t.Errorf("category %d short form %q", c, short)
		}
		if got, err := data.ParseCategory(c.Label()); err != nil || got != c {
			t.Errorf("%q reads as %v %v", c.Label(), got, err)
		}
	}
}
