package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"log"
	"os"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver"
	"github.com/go-gl/glfw/v3.3/glfw"

	"qmdesk/data"
	"qmdesk/ui"
)

// probeGraphics opens a hidden window through GLFW with the OpenGL 2.1
// context Fyne's window asks for, and closes it again: an error when this
// computer cannot draw the program's window. Without it, Fyne's window
// fails to open with only a line on the standard error, and the program
// runs on without a window, holding the database.
func probeGraphics() (err error) {
	// go-gl/glfw logs a platform error (such as "WGL: Failed to set pixel
	// format") and returns no error, or panics on some others: the logged
	// line and the panic become the error.
	var logged bytes.Buffer
	prev := log.Writer()
	log.SetOutput(io.MultiWriter(prev, &logged))
	defer log.SetOutput(prev)
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%v", r)
		}
		if line := lastLine(logged.String()); err != nil && line != "" && !strings.Contains(err.Error(), line) {
			err = fmt.Errorf("%w (%s)", err, line)
		}
	}()
	if err := glfw.Init(); err != nil {
		return err
	}
	glfw.DefaultWindowHints()
	defer glfw.DefaultWindowHints()
	glfw.WindowHint(glfw.Visible, glfw.False)
	glfw.WindowHint(glfw.ContextVersionMajor, 2)
	glfw.WindowHint(glfw.ContextVersionMinor, 1)
	win, err := glfw.CreateWindow(64, 64, "qmdesk", nil, nil)
	if err != nil {
		return err
	}
	if win == nil {
		return errors.New("no OpenGL window")
	}
	defer win.Destroy()
	major, minor := win.GetAttrib(glfw.ContextVersionMajor), win.GetAttrib(glfw.ContextVersionMinor)
	if major < 2 || major == 2 && minor < 1 {
		return fmt.Errorf("OpenGL %d.%d, 2.1 needed", major, minor)
	}
	return nil
}

// lastLine is the last line of s that is not blank, without the log's
// date and time.
func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	line := strings.TrimSpace(lines[len(lines)-1])
	if f := strings.SplitN(line, " ", 3); len(f) == 3 && strings.Count(f[0], "/") == 2 && strings.Count(f[1], ":") == 2 {
		line = f[2]
	}
	return line
}

// windowOpened tells whether Fyne made the window's native window, which
// it does on Show (before Run) or never.
func windowOpened(win fyne.Window) bool {
	nw, ok := win.(driver.NativeWindow)
	if !ok {
		return true
	}
	opened := true
	nw.RunNative(func(ctx any) {
		switch c := ctx.(type) {
		case driver.WindowsWindowContext:
			opened = c.HWND != 0
		case driver.X11WindowContext:
			opened = c.WindowHandle != 0
		case driver.WaylandWindowContext:
			opened = c.WaylandSurface != 0
		case driver.MacWindowContext:
			opened = c.NSWindow != 0
		}
	})
	return opened
}

// cannotDraw tells the clerk that the window cannot open on this computer
// and what to do (a message box on Windows; the command line prints it
// too), writes the cause to the error log of the data folder for IT, and
// returns the error the program ends with.
func cannotDraw(dataDir string, cause error) error {
	e := &data.Error{
		Code: data.EINVALID,
		Message: "คอมพิวเตอร์เครื่องนี้แสดงหน้าต่างของโปรแกรม qmdesk ไม่ได้ เพราะการแสดงผลของเครื่องไม่รองรับ OpenGL 2.1 ที่โปรแกรมใช้วาดหน้าต่าง\n\n" +
			drawAdvice(),
		English: "cannot open the window: this computer gives no OpenGL 2.1 to draw it; " + drawAdviceEnglish(),
		Err:     cause,
	}
	e.Message += "\n\nข้อมูลในฐานข้อมูลไม่ได้รับผลกระทบ"
	if dataDir != "" && os.MkdirAll(dataDir, 0o700) == nil {
		if path := ui.AppendErrorLog(dataDir, e); path != "" {
			e.Message += " รายละเอียดสำหรับฝ่ายไอทีอยู่ในไฟล์ " + path
		}
	}
	alert(e.Message)
	return e
}
