package main

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	bbolt "go.etcd.io/bbolt"
)

// A display without OpenGL (an X server without GLX, as a basic display
// driver or a remote session gives): the program says so and ends, and the
// database is free for the next start, instead of running on without a
// window and holding it.
func TestNoOpenGLEndsWithAMessage(t *testing.T) {
	display := startXvfb(t, "-extension", "GLX")

	dir := t.TempDir()
	db := filepath.Join(dir, "qm.db")
	if r := qmdesk(t, nil, "init", "--province", "41", "--db", db); r.code != 0 {
		t.Fatalf("init: %d %s", r.code, r.stderr)
	}
	done := make(chan result, 1)
	go func() { done <- qmdesk(t, []string{"DISPLAY=" + display, "WAYLAND_DISPLAY="}, "--db", db) }()
	select {
	case r := <-done:
		if r.code != 1 || !strings.Contains(r.stderr, "ไม่รองรับ OpenGL 2.1") || !strings.Contains(r.stderr, "cannot open the window") {
			t.Errorf("window without OpenGL: exit %d\n%s", r.code, r.stderr)
		}
	case <-time.After(60 * time.Second):
		t.Fatal("the program still runs a minute after it could not open its window")
	}
	if log, err := os.ReadFile(filepath.Join(dir, "qmdesk-errors.log")); err != nil || !strings.Contains(string(log), "no OpenGL 2.1") {
		t.Errorf("error log: %v %q", err, log)
	}
	if r := qmdesk(t, nil, "check", "--db", db); r.code != 0 {
		t.Errorf("the database after the refused window: exit %d %s", r.code, r.stderr)
	}
}

func TestLastLine(t *testing.T) {
	for in, want := range map[string]string{
		"2026/12/01 02:27:28 PlatformError: WGL: Failed to set pixel format for dummy context: Invalid window handle. \n": "PlatformError: WGL: Failed to set pixel format for dummy context: Invalid window handle.",
		"first\nsecond\n\n": "second",
		"":                  "",
	} {
		if got := lastLine(in); got != want {
			t.Errorf("lastLine(%q) = %q, want %q", in, got, want)
		}
	}
}

// startXvfb starts an X server for the test (args: its options) and
// returns its display; the test is skipped where Xvfb is not installed.
func startXvfb(t *testing.T, args ...string) string {
	t.Helper()
	xvfb, err := exec.LookPath("Xvfb")
	if err != nil {
		t.Skip("Xvfb is not installed")
	}
	rd, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	x := exec.Command(xvfb, append([]string{"-displayfd", "3", "-nolisten", "tcp", "-screen", "0", "1280x720x24"}, args...)...)
	x.ExtraFiles = []*os.File{w}
	if err := x.Start(); err != nil {
		t.Fatal(err)
	}
	w.Close()
	t.Cleanup(func() { x.Process.Kill(); x.Wait() })
	number := make(chan string, 1)
	go func() {
		line, _ := bufio.NewReader(rd).ReadString('\n')
		number <- strings.TrimSpace(line)
	}()
	select {
	case n := <-number:
		if n == "" {
			t.Fatal("Xvfb did not start")
		}
		return ":" + n
	case <-time.After(20 * time.Second):
		t.Fatal("Xvfb did not start")
	}
	return ""
}

// The window as a clerk opens it, on a display that can draw it (Xvfb with
// GLX), on today's date with no overrides: it stays open, lists the
// province's households, holds the database while open and leaves it
// sound when the session ends.
func TestWindowOpensOnADisplay(t *testing.T) {
	display := startXvfb(t)
	dir := t.TempDir()
	db := filepath.Join(dir, "qm.db")
	if r := qmdesk(t, nil, "demo", "--province", "41", "--households", "120", "--db", db); r.code != 0 {
		t.Fatalf("demo: %d %s", r.code, r.stderr)
	}
	cmd := clerkCommand([]string{"DISPLAY=" + display, "WAYLAND_DISPLAY=", "QMDESK_TRACE=1"}, "--db", db)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	lines := make(chan string, 100)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
		exited <- cmd.Wait()
	}()
	var seen []string
	ready := false
	for deadline := time.After(90 * time.Second); !ready; {
		select {
		case l, ok := <-lines:
			if !ok {
				t.Fatalf("the program ended instead of showing its window (%v):\n%s", <-exited, strings.Join(seen, "\n"))
			}
			seen = append(seen, l)
			ready = strings.Contains(l, "search of 0 characters: 120 of 120 households listed")
		case <-deadline:
			cmd.Process.Kill()
			t.Fatalf("no household list after 90 s:\n%s", strings.Join(seen, "\n"))
		}
	}
	// It is a window on the display, named for the program.
	if xwininfo, err := exec.LookPath("xwininfo"); err == nil {
		out, _ := exec.Command(xwininfo, "-root", "-tree", "-display", display).CombinedOutput()
		if !strings.Contains(string(out), `"qmdesk`) {
			t.Errorf("no qmdesk window on the display:\n%s", out)
		}
	}
	// A command meanwhile finds the database held by the window.
	if r := qmdesk(t, nil, "import", "--db", db, filepath.Join(dir, "none.xlsx")); r.code == 0 || !strings.Contains(r.stderr, "กำลังถูกใช้โดยโปรแกรม qmdesk อีกตัวหนึ่ง") {
		t.Errorf("import while the window is open: exit %d %s", r.code, r.stderr)
	}
	cmd.Process.Signal(os.Interrupt)
	select {
	case <-exited:
	case <-time.After(30 * time.Second):
		cmd.Process.Kill()
		<-exited
	}
	if r := qmdesk(t, nil, "check", "--db", db); r.code != 0 {
		t.Errorf("the database after the window: exit %d %s", r.code, r.stderr)
	}
}

// A start whose open of the database takes more than a moment (here: the
// file is held by another program, which the open waits for before it
// refuses) shows a small window saying that the database is being opened,
// and the main window replaces it, saying why the database could not be
// opened; without the small window nothing was on the screen meanwhile.
func TestASlowOpenShowsASmallWindowFirst(t *testing.T) {
	display := startXvfb(t)
	xwininfo, err := exec.LookPath("xwininfo")
	if err != nil {
		t.Skip("xwininfo is not installed")
	}
	windows := func() string {
		out, _ := exec.Command(xwininfo, "-root", "-tree", "-display", display).CombinedOutput()
		return string(out)
	}
	dir := t.TempDir()
	db := filepath.Join(dir, "qm.db")
	if r := qmdesk(t, nil, "init", "--province", "41", "--db", db); r.code != 0 {
		t.Fatalf("init: %d %s", r.code, r.stderr)
	}
	held, err := bbolt.Open(db, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer held.Close()
	cmd := clerkCommand([]string{"DISPLAY=" + display, "WAYLAND_DISPLAY=", "QMDESK_TRACE=1"}, "--db", db)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	lines := make(chan string, 100)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
		exited <- cmd.Wait()
	}()
	defer func() {
		cmd.Process.Signal(os.Interrupt)
		select {
		case <-exited:
		case <-time.After(30 * time.Second):
			cmd.Process.Kill()
			<-exited
		}
	}()
	var seen []string
	wait := func(what string) {
		t.Helper()
		for deadline := time.After(90 * time.Second); ; {
			select {
			case l, ok := <-lines:
				if !ok {
					t.Fatalf("the program ended before %q (%v):\n%s", what, <-exited, strings.Join(seen, "\n"))
				}
				seen = append(seen, l)
				if strings.Contains(l, what) {
					return
				}
			case <-deadline:
				t.Fatalf("no %q after 90 s:\n%s", what, strings.Join(seen, "\n"))
			}
		}
	}
	// The open waits 1.5 s for the file before it refuses: the small
	// window is on the screen meanwhile.
	wait("a small window says so")
	if out := windows(); !strings.Contains(out, `"qmdesk — กำลังเปิดฐานข้อมูล"`) {
		t.Errorf("no small window while the database opens:\n%s", out)
	}
	wait("the main window replaces the small one")
	deadline := time.Now().Add(10 * time.Second)
	for out := windows(); strings.Contains(out, "กำลังเปิดฐานข้อมูล") || !strings.Contains(out, `"qmdesk — ติดตามการแก้ไขปัญหาครัวเรือน ThaiQM"`); out = windows() {
		if time.Now().After(deadline) {
			t.Fatalf("the main window did not replace the small one:\n%s", out)
		}
		time.Sleep(100 * time.Millisecond)
	}
	select {
	case err := <-exited:
		t.Fatalf("the program ended (%v) instead of saying in its window why the database could not be opened:\n%s", err, strings.Join(seen, "\n"))
	default:
	}
}
