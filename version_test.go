package qmdesk_test

import (
	"regexp"
	"testing"

	"qmdesk"
)

// FyneApp.toml's version is read, and is what Windows can hold: up to
// four numbers.
func TestVersionIsWindowsShaped(t *testing.T) {
	if !regexp.MustCompile(`^\d+(\.\d+){1,3}$`).MatchString(qmdesk.Version) {
		t.Errorf("FyneApp.toml's Version %q is not numbers separated by dots", qmdesk.Version)
	}
	m, err := qmdesk.ReadMetadata([]byte("[Details]\nVersion = \"2.3.4\"\n"))
	if err != nil || m.Details.Version != "2.3.4" {
		t.Errorf("ReadMetadata: %+v %v", m, err)
	}
	if _, err := qmdesk.ReadMetadata([]byte("[Details]\nName = \"x\"\n")); err == nil {
		t.Error("a FyneApp.toml without a version was taken")
	}
}
