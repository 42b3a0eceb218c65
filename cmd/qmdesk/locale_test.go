package main

import (
	"testing"
)

// Every command prints only its own output, whatever the locale: Debian's
// default C.UTF-8 made Fyne log three lines before each (third_party/go-locale).
func TestNoFyneLocaleNoise(t *testing.T) {
	for _, env := range [][]string{
		{"LANG=C.UTF-8", "LC_ALL=", "LC_MESSAGES="},
		{"LANG=th_TH.UTF-8", "LC_ALL=C.utf8", "LC_MESSAGES="},
		{"LANG=POSIX", "LC_ALL=", "LC_MESSAGES="},
		{"LANG=C", "LC_ALL=", "LC_MESSAGES="},
		{"LANG=th_TH.UTF-8", "LC_ALL=", "LC_MESSAGES="},
	} {
		r := qmdesk(t, env, "help")
		if r.code != 0 || r.stderr != "" {
			t.Errorf("%v: exit %d, stderr %q", env, r.code, r.stderr)
		}
	}
}
