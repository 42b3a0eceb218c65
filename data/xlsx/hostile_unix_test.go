//go:build unix

package xlsx

import (
	"path/filepath"
	"syscall"
	"testing"
)

// makeFifo makes a named pipe with a workbook's name: opening it for
// reading blocks until something writes to it.
func makeFifo(t *testing.T, dir string) string {
	path := filepath.Join(dir, "pipe.xlsx")
	if err := syscall.Mkfifo(path, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}
