package main

import (
	"syscall"
	"unsafe"
)

var (
	procMessageBoxW      = user32.NewProc("MessageBoxW")
	procGetSystemMetrics = user32.NewProc("GetSystemMetrics")
)

// remoteSession tells whether the program runs in a Remote Desktop session.
func remoteSession() bool {
	const smRemoteSession = 0x1000
	r, _, _ := procGetSystemMetrics.Call(smRemoteSession)
	return r != 0
}

func drawAdvice() string {
	s := "วิธีแก้ไข:\n" +
		"1. ปรับปรุงไดรเวอร์การแสดงผล (ไดรเวอร์การ์ดจอ) ของเครื่องเป็นรุ่นล่าสุด แล้วเปิดโปรแกรมใหม่\n" +
		"2. หรือแจ้งฝ่ายไอทีให้ติดตั้งตัวเลือก \"วาดหน้าต่างด้วยซอฟต์แวร์\" (ไฟล์ opengl32.dll ของ Mesa วางไว้ข้าง qmdesk.exe)\n" +
		"3. ระหว่างนี้ใช้งานผ่านบรรทัดคำสั่งได้ด้วย qmdesk-cli.exe เช่น qmdesk-cli summary"
	if remoteSession() {
		s += "\n\nเครื่องนี้กำลังใช้งานผ่าน Remote Desktop ซึ่งมักไม่มี OpenGL 2.1: เปิดโปรแกรมที่หน้าเครื่องโดยตรง หรือให้ฝ่ายไอทีติดตั้งตัวเลือกวาดหน้าต่างด้วยซอฟต์แวร์"
	}
	return s
}

func drawAdviceEnglish() string {
	s := "update the display driver, or install the software OpenGL fallback (Mesa's opengl32.dll beside qmdesk.exe), or use qmdesk-cli.exe"
	if remoteSession() {
		s += " (this is a Remote Desktop session)"
	}
	return s
}

// alert shows text in a message box titled qmdesk and waits until the
// clerk closes it.
func alert(text string) {
	const mbOK, mbIconError, mbSetForeground, mbTopmost = 0x0, 0x10, 0x10000, 0x40000
	t, err := syscall.UTF16PtrFromString(text)
	if err != nil {
		return
	}
	title, _ := syscall.UTF16PtrFromString("qmdesk")
	procMessageBoxW.Call(0, uintptr(unsafe.Pointer(t)), uintptr(unsafe.Pointer(title)), mbOK|mbIconError|mbSetForeground|mbTopmost)
}
