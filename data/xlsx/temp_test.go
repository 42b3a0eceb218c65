package xlsx

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"
)

const holdEnv = "QMDESK_XLSX_HOLD" // "tempRoot|workbook": open it, say so, wait to be killed

func TestMain(m *testing.M) {
	if arg := os.Getenv(holdEnv); arg != "" {
		var root, path string
		fmt.Sscanf(arg, "%s %s", &root, &path)
		TempRoot = root
		Limit.XMLInMemory = 1 << 10
		if _, err := Open(path, ""); err != nil {
			fmt.Println("open:", err)
			os.Exit(1)
		}
		fmt.Println("open")
		time.Sleep(time.Minute)
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// bigSheetBook writes a workbook whose sheet excelize unpacks to a
// temporary file once XMLInMemory is lowered under its size.
func bigSheetBook(t *testing.T) string {
	path := filepath.Join(t.TempDir(), "big.xlsx")
	writeZip(t, path, oneSheet(seq(plainRow, repeat(`<row><c t="s"><v>0</v></c></row>`, 2000)), text(`<si><t>x</t></si>`)))
	return path
}

func tempFiles(t *testing.T) []string {
	t.Helper()
	var out []string
	filepath.Walk(TempRoot, func(p string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() {
			out = append(out, p)
		}
		return nil
	})
	return out
}

// TestTempFilesGoWithTheWorkbook: the unpacked sheet lives in the
// workbook's own folder while it is open and goes when it is closed, and
// when opening fails after excelize has unpacked it.
func TestTempFilesGoWithTheWorkbook(t *testing.T) {
	lowLimits(t, func(l *Limits) { l.XMLInMemory = 1 << 10 })
	path := bigSheetBook(t)
	wb, err := Open(path, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(tempFiles(t)) == 0 {
		t.Fatal("no temporary file while the big sheet is open: the test proves nothing")
	}
	wb.Rows("S", func(int, []string) error { return ErrStop })
	wb.Close()
	noTempLeft(t)

	broken := filepath.Join(t.TempDir(), "broken.xlsx")
	parts := oneSheet(seq(plainRow, repeat(`<row><c t="s"><v>0</v></c></row>`, 2000)), text(`<si><t>x</t></si>`))
	for i, p := range parts {
		if p.name == "xl/workbook.xml" {
			parts[i].body = text(`<workbook ` + ns + `><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets>`) // unclosed
		}
	}
	writeZip(t, broken, parts)
	if wb, err := Open(broken, ""); err == nil {
		wb.Close()
		t.Fatal("opened a workbook with a broken workbook.xml")
	}
	noTempLeft(t)
}

// TestKilledReaderTempIsRemovedAtNextOpen kills a process that holds a
// workbook open (its unpacked sheet on disk): the next Open, in another
// process, removes what it left; a running process's folder stays.
func TestKilledReaderTempIsRemovedAtNextOpen(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns a process")
	}
	lowLimits(t, func(*Limits) {})
	path := bigSheetBook(t)
	exe, _ := os.Executable()
	cmd := exec.Command(exe, "-test.run=^$")
	cmd.Env = append(os.Environ(), holdEnv+"="+TempRoot+" "+path)
	out, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines := bufio.NewScanner(out)
	if !lines.Scan() || lines.Text() != "open" {
		cmd.Process.Kill()
		cmd.Wait()
		t.Fatalf("child: %q", lines.Text())
	}
	// A folder of this running process, as an import in progress has.
	mine := filepath.Join(TempRoot, strconv.Itoa(os.Getpid())+"-running")
	os.MkdirAll(mine, 0o700)
	os.WriteFile(filepath.Join(mine, "excelize-1"), []byte("x"), 0o600)
	RemoveStaleTemp()
	if n := len(tempFiles(t)); n < 2 {
		t.Fatalf("%d temporary files while the child runs: its own were removed", n)
	}
	cmd.Process.Kill()
	cmd.Wait()
	RemoveStaleTemp()
	left := tempFiles(t)
	if len(left) != 1 || filepath.Dir(left[0]) != mine {
		t.Fatalf("after the kill and the next open: %v", left)
	}
}
