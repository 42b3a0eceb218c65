//go:build !windows

package main

func drawAdvice() string {
	return "วิธีแก้ไข: ติดตั้งไดรเวอร์ OpenGL ของเครื่อง (เช่น แพ็กเกจ libgl1-mesa-dri และ libglx-mesa0) " +
		"หรือเปิดโปรแกรมบนหน้าจอที่รองรับ OpenGL (GLX) หรือใช้งานผ่านบรรทัดคำสั่ง เช่น qmdesk summary"
}

func drawAdviceEnglish() string {
	return "install the computer's OpenGL driver (e.g. Mesa: libgl1-mesa-dri, libglx-mesa0), open it on a display with OpenGL (GLX), or use the command line (qmdesk summary)"
}

// alert: the command line prints the message on the standard error.
func alert(string) {}
