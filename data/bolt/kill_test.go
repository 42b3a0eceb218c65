package bolt

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"qmdesk/data"
)

const killChildEnv = "QMDESK_KILL_CHILD_DB"
const killBatch = 20000

// TestMain lets this test binary act as the child of TestKilledWriteIsAllOrNothing,
// TestKillMatrix and TestFlippedDatabases.
func TestMain(m *testing.M) {
	if path := os.Getenv(killChildEnv); path != "" {
		os.Exit(killChild(path))
	}
	if job := os.Getenv(killMatrixEnv); job != "" {
		os.Exit(killMatrixChild(job))
	}
	if path := os.Getenv(flipChildEnv); path != "" {
		os.Exit(flipChild(path))
	}
	code := m.Run()
	if sharedBase.dir != "" {
		os.RemoveAll(sharedBase.dir)
	}
	if million != nil {
		million.Close()
		os.RemoveAll(millionDir)
	}
	os.Exit(code)
}

// killChild writes one large transaction and says when it has started.
func killChild(path string) int {
	s, err := Open(path, Options{})
	if err != nil {
		fmt.Println("open:", err)
		return 1
	}
	bundles := make([]data.Bundle, killBatch)
	for i := range bundles {
		bundles[i] = data.Bundle{Household: *newHousehold(i+1, "410101"), Problems: []data.ProblemBundle{
			{Problem: data.Problem{Category: 4, SubProblem: "หนี้สิน", SurveyYear: 2565}},
			{Problem: data.Problem{Category: 2, SubProblem: "ขาดแคลนน้ำดื่ม", Urgent: true, SurveyYear: 2567}},
		}}
	}
	fmt.Println("writing")
	if err := s.Load(context.Background(), bundles); err != nil {
		fmt.Println("load:", err)
		return 1
	}
	fmt.Println("committed")
	s.Close()
	return 0
}

// TestKilledWriteIsAllOrNothing kills a child process at different moments
// of a large write and checks that the database opens, passes the check,
// and holds all of the write or none of it.
func TestKilledWriteIsAllOrNothing(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns processes")
	}
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	sawNone, sawAll := false, false
	for _, delay := range []time.Duration{0, 50 * time.Millisecond, 200 * time.Millisecond, 500 * time.Millisecond, 900 * time.Millisecond, 1500 * time.Millisecond, -1} {
		path := filepath.Join(t.TempDir(), "qm.db")
		s, err := Open(path, Options{})
		if err != nil {
			t.Fatal(err)
		}
		s.Init(context.Background(), "41", data.DefaultRound())
		s.Close()

		cmd := exec.Command(exe, "-test.run=^$")
		cmd.Env = append(os.Environ(), killChildEnv+"="+path)
		out, _ := cmd.StdoutPipe()
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		lines := bufio.NewScanner(out)
		if !lines.Scan() || lines.Text() != "writing" {
			cmd.Process.Kill()
			cmd.Wait()
			t.Fatalf("child did not start writing: %q", lines.Text())
		}
		if delay < 0 { // kill right after the commit returns
			lines.Scan()
		}
		time.Sleep(delay)
		cmd.Process.Kill()
		cmd.Wait()

		s, err = Open(path, Options{})
		if err != nil {
			t.Fatalf("delay %v: database does not open after the kill: %v", delay, err)
		}
		rep, err := s.Check(context.Background())
		s.Close()
		if err != nil || !rep.OK() {
			t.Fatalf("delay %v: check after kill: %v %v", delay, err, rep.Problems)
		}
		switch rep.Households {
		case 0:
			sawNone = true
		case killBatch:
			sawAll = true
			if rep.ProblemCount != 2*killBatch {
				t.Fatalf("delay %v: all households but %d problems", delay, rep.ProblemCount)
			}
		default:
			t.Fatalf("delay %v: a partial write survived: %d households of %d", delay, rep.Households, killBatch)
		}
	}
	t.Logf("killed before commit: %v, after commit: %v", sawNone, sawAll)
	if !sawNone || !sawAll {
		t.Error("the kills did not land on both sides of the commit: the test proved nothing")
	}
}
