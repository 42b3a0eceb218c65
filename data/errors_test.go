package data

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// messageCall is a place that builds a message in Thai and in English
// from one set of arguments.
type messageCall struct {
	kind            string // Errorf, Messages, Sentencef or tr
	pos             token.Position
	thai, english   ast.Expr
	args            []ast.Expr // the arguments both formats take
	argsKnown       bool       // false after args... : their number is not in the source
	thaiArgs        []ast.Expr // Messages: the Thai format's own arguments
	thaiArgsLiteral bool
}

// moduleFiles parses every Go file of the module (tests included).
func moduleFiles(t *testing.T) (*token.FileSet, []*ast.File) {
	t.Helper()
	fset := token.NewFileSet()
	var files []*ast.File
	root := ".." // the module's root, above data
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		t.Fatalf("module root not found: %v", err)
	}
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && path != root && (strings.HasPrefix(d.Name(), ".") || d.Name() == "testdata" || d.Name() == "vendor") {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		files = append(files, f)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < 100 {
		t.Fatalf("only %d Go files found under %s", len(files), root)
	}
	return fset, files
}

// constructor names the function a call is to, if it is data.Errorf,
// data.Messages or data.Sentencef (without "data." inside package data).
func constructor(f *ast.File, call *ast.CallExpr) string {
	switch fn := call.Fun.(type) {
	case *ast.SelectorExpr:
		if x, ok := fn.X.(*ast.Ident); ok && x.Name == "data" && (fn.Sel.Name == "Errorf" || fn.Sel.Name == "Messages" || fn.Sel.Name == "Sentencef") {
			return fn.Sel.Name
		}
		// t.tr("…", "…") in the window: a Thai and an English text that
		// fmt.Sprintf then formats with the same arguments.
		if fn.Sel.Name == "tr" && len(call.Args) == 2 {
			return "tr"
		}
	case *ast.Ident:
		if f.Name.Name == "data" && (fn.Name == "Errorf" || fn.Name == "Messages" || fn.Name == "Sentencef") {
			return fn.Name
		}
	}
	return ""
}

func messageCalls(t *testing.T) []messageCall {
	fset, files := moduleFiles(t)
	var calls []messageCall
	for _, f := range files {
		// tr calls used as fmt.Sprintf's format, with Sprintf's arguments.
		sprintfArgs := map[*ast.CallExpr]*ast.CallExpr{}
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			if sel, ok := call.Fun.(*ast.SelectorExpr); ok && sel.Sel.Name == "Sprintf" && len(call.Args) > 0 {
				if inner, ok := call.Args[0].(*ast.CallExpr); ok && constructor(f, inner) == "tr" {
					sprintfArgs[inner] = call
				}
			}
			return true
		})
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			mc := messageCall{kind: constructor(f, call), pos: fset.Position(call.Pos()), argsKnown: !call.Ellipsis.IsValid()}
			switch mc.kind {
			case "Errorf": // Errorf(code, thai, english, args...)
				if len(call.Args) < 3 {
					return true
				}
				mc.thai, mc.english, mc.args = call.Args[1], call.Args[2], call.Args[3:]
			case "Sentencef": // Sentencef(thai, english, args...)
				if len(call.Args) < 2 {
					return true
				}
				mc.thai, mc.english, mc.args = call.Args[0], call.Args[1], call.Args[2:]
			case "Messages": // Messages(code, thai, []any{…}, english, args...)
				if len(call.Args) < 4 {
					return true
				}
				mc.thai, mc.english, mc.args = call.Args[1], call.Args[3], call.Args[4:]
				switch a := call.Args[2].(type) {
				case *ast.CompositeLit:
					mc.thaiArgs, mc.thaiArgsLiteral = a.Elts, true
				case *ast.Ident: // nil: a Thai text without arguments
					mc.thaiArgsLiteral = a.Name == "nil"
				}
			case "tr":
				// Only literal pairs are messages; tr(a, b) of variables is
				// checked where a and b are written.
				if _, ok := call.Args[0].(*ast.BasicLit); !ok {
					return true
				}
				mc.thai, mc.english = call.Args[0], call.Args[1]
				if outer, ok := sprintfArgs[call]; ok {
					mc.args, mc.argsKnown = outer.Args[1:], !outer.Ellipsis.IsValid()
				} else {
					mc.argsKnown = true // not formatted: it must have no verbs
				}
			default:
				return true
			}
			calls = append(calls, mc)
			return true
		})
	}
	return calls
}

// constantString evaluates a string literal or a sum of them.
func constantString(e ast.Expr) (string, bool) {
	switch e := e.(type) {
	case *ast.BasicLit:
		if e.Kind != token.STRING {
			return "", false
		}
		s, err := strconv.Unquote(e.Value)
		return s, err == nil
	case *ast.ParenExpr:
		return constantString(e.X)
	case *ast.BinaryExpr:
		if e.Op != token.ADD {
			return "", false
		}
		a, ok1 := constantString(e.X)
		b, ok2 := constantString(e.Y)
		return a + b, ok1 && ok2
	}
	return "", false
}

// verbKinds lists what each argument a format takes must be, in order:
// "s" for %s and %q, "d" for the integer verbs, "f" for floats, and so on;
// a * width or precision takes an int ("*"). ok is false for explicit
// argument indexes, which this check does not follow.
func verbKinds(format string) (kinds []string, ok bool) {
	for i := 0; i < len(format); i++ {
		if format[i] != '%' {
			continue
		}
		i++
		// flags, width, precision
		for i < len(format) && strings.IndexByte("+-# 0123456789.*[]", format[i]) >= 0 {
			switch format[i] {
			case '*':
				kinds = append(kinds, "*")
			case '[':
				return nil, false
			}
			i++
		}
		if i >= len(format) {
			return append(kinds, "%!(NOVERB)"), true
		}
		switch v := format[i]; v {
		case '%':
		case 's', 'q':
			kinds = append(kinds, "s")
		case 'd', 'b', 'o', 'O', 'c', 'U':
			kinds = append(kinds, "d")
		case 'e', 'E', 'f', 'F', 'g', 'G':
			kinds = append(kinds, "f")
		default:
			kinds = append(kinds, string(v))
		}
	}
	return kinds, true
}

func TestVerbKinds(t *testing.T) {
	for format, want := range map[string]string{
		"":                      "",
		"100%% แล้ว":            "",
		"ไฟล์ %s แถว %d":        "s d",
		"%q %v %.1f%% %5d %-*s": "s v f d * s",
		"%x %t":                 "x t",
	} {
		got, ok := verbKinds(format)
		if !ok || strings.Join(got, " ") != want {
			t.Errorf("verbKinds(%q) = %v, %v; want %q", format, got, ok, want)
		}
	}
	if _, ok := verbKinds("%[2]s %[1]s"); ok {
		t.Error("explicit indexes are not followed, so they must be refused")
	}
}

// The Thai and English texts of every message take the same arguments,
// the same number and the same kinds, as the call passes: a Thai text with
// fewer verbs shows the clerk "%!(EXTRA …)", one with more "%!s(MISSING)".
// (go vet checks the English format of data.Errorf against the arguments,
// as the format just before them, but never the Thai one.)
func TestMessageFormatsTakeTheSameArguments(t *testing.T) {
	calls := messageCalls(t)
	errorfs := 0
	for _, c := range calls {
		thai, ok1 := constantString(c.thai)
		english, ok2 := constantString(c.english)
		if !ok1 || !ok2 {
			t.Errorf("%s: the Thai and English formats must be string literals, for this check and for translators", c.pos)
			continue
		}
		tk, ok1 := verbKinds(thai)
		ek, ok2 := verbKinds(english)
		if !ok1 || !ok2 {
			t.Errorf("%s: explicit argument indexes (%%[n]) are not checked: write the arguments in order", c.pos)
			continue
		}
		if c.thaiArgsLiteral { // Messages: each text with its own arguments
			if len(tk) != len(c.thaiArgs) {
				t.Errorf("%s: the Thai text %q takes %d arguments, it is given %d", c.pos, thai, len(tk), len(c.thaiArgs))
			}
			if c.argsKnown && len(ek) != len(c.args) {
				t.Errorf("%s: the English text %q takes %d arguments, it is given %d", c.pos, english, len(ek), len(c.args))
			}
			continue
		}
		if strings.Join(tk, " ") != strings.Join(ek, " ") {
			t.Errorf("%s: the Thai text takes %v, the English %v:\n\t%q\n\t%q", c.pos, tk, ek, thai, english)
		}
		if c.argsKnown && len(tk) != len(c.args) {
			t.Errorf("%s: the Thai text takes %d arguments, it is given %d: %q", c.pos, len(tk), len(c.args), thai)
		}
		if c.argsKnown && len(ek) != len(c.args) {
			t.Errorf("%s: the English text takes %d arguments, it is given %d: %q", c.pos, len(ek), len(c.args), english)
		}
		if c.kind == "Errorf" {
			errorfs++
		}
	}
	if errorfs < 50 {
		t.Errorf("only %d data.Errorf calls found: the search is broken", errorfs)
	}
}

// Every Error written as a literal with a message for the clerk has one
// for the log too: an Error with no English logs the Thai, which IT
// support abroad and the error log's readers cannot search.
func TestErrorLiteralsHaveEnglish(t *testing.T) {
	fset, files := moduleFiles(t)
	found := 0
	for _, f := range files {
		ast.Inspect(f, func(n ast.Node) bool {
			lit, ok := n.(*ast.CompositeLit)
			if !ok || !isErrorType(f, lit.Type) {
				return true
			}
			fields := map[string]ast.Expr{}
			for _, e := range lit.Elts {
				if kv, ok := e.(*ast.KeyValueExpr); ok {
					if k, ok := kv.Key.(*ast.Ident); ok {
						fields[k.Name] = kv.Value
					}
				}
			}
			if _, ok := fields["Message"]; !ok {
				return true
			}
			found++
			english, ok := fields["English"]
			if s, isConst := constantString(english); !ok || isConst && strings.TrimSpace(s) == "" {
				t.Errorf("%s: an Error with a Message but no English", fset.Position(lit.Pos()))
			}
			return true
		})
	}
	if found < 20 {
		t.Errorf("only %d Error literals found: the search is broken", found)
	}
}

func isErrorType(f *ast.File, e ast.Expr) bool {
	switch e := e.(type) {
	case *ast.SelectorExpr:
		x, ok := e.X.(*ast.Ident)
		return ok && x.Name == "data" && e.Sel.Name == "Error"
	case *ast.Ident:
		return f.Name.Name == "data" && e.Name == "Error"
	}
	return false
}
