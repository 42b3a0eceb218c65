//go:build unix

package cli_test

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestImportRefusesPipesAndDevices: the command line neither hangs on a
// named pipe nor reads the zero device forever; it refuses them (exit 4).
func TestImportRefusesPipesAndDevices(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "qm.db")
	qmdesk(t, "init", "--province", "41", "--db", db)
	pipe := filepath.Join(dir, "pipe.xlsx")
	if err := syscall.Mkfifo(pipe, 0o600); err != nil {
		t.Fatal(err)
	}
	zero := filepath.Join(dir, "zero.xlsx")
	os.Symlink("/dev/zero", zero)
	r := qmdesk(t, "import", "--dry-run", pipe, zero, "--db", db)
	if r.code != 4 || strings.Count(r.stdout, "เป็นอุปกรณ์หรือท่อของระบบ ไม่ใช่ไฟล์") != 2 {
		t.Errorf("exit %d: %s", r.code, r.stdout)
	}
}
