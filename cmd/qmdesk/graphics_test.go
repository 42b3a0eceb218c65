package main

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// A display without OpenGL (an X server without GLX, as a basic display
// driver or a remote session gives): the program says so and ends, and the
// database is free for the next start, instead of running on without a
// window and holding it.
func TestNoOpenGLEndsWithAMessage(t *testing.T) {
	xvfb, err := exec.LookPath("Xvfb")
	if err != nil {
		t.Skip("Xvfb is not installed")
	}
	rd, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	x := exec.Command(xvfb, "-displayfd", "3", "-extension", "GLX", "-nolisten", "tcp", "-screen", "0", "1024x768x24")
	x.ExtraFiles = []*os.File{w}
	if err := x.Start(); err != nil {
		t.Fatal(err)
	}
	w.Close()
	defer func() { x.Process.Kill(); x.Wait() }()
	number := make(chan string, 1)
	go func() {
		line, _ := bufio.NewReader(rd).ReadString('\n')
		number <- strings.TrimSpace(line)
	}()
	var display string
	select {
	case n := <-number:
		display = ":" + n
	case <-time.After(20 * time.Second):
		t.Fatal("Xvfb did not start")
	}
	if display == ":" {
		t.Fatal("Xvfb did not start")
	}

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
