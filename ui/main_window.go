package ui

import (
	"context"
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"qmdesk/app"
	"qmdesk/assets"
	"qmdesk/data"
)

// MainWindow is the program's window. For now it shows the province's
// progress at a glance; the full dashboard, register and import screens
// come with their own work.
type MainWindow struct {
	Window fyne.Window

	Title     *widget.Label // province and round
	Countdown *widget.Label // the deadline line
	Totals    *widget.Label // the dashboard counters
	Message   *widget.Label // what to do when there is nothing to show
}

// NewMainWindow builds the window on a. store may be nil when the database
// could not be opened; openErr then says why.
func NewMainWindow(a fyne.App, store data.Store, progress *app.Progress, openErr error) *MainWindow {
	a.Settings().SetTheme(NewTheme())
	w := &MainWindow{
		Window:    a.NewWindow("qmdesk — ติดตามการแก้ไขปัญหาครัวเรือน ThaiQM"),
		Title:     widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		Countdown: widget.NewLabel(""),
		Totals:    widget.NewLabel(""),
		Message:   widget.NewLabel(""),
	}
	w.Message.Wrapping = fyne.TextWrapWord
	w.show(store, progress, openErr)
	w.Window.SetContent(container.NewVBox(w.Title, w.Countdown, widget.NewSeparator(), w.Totals, w.Message))
	w.Window.SetIcon(fyne.NewStaticResource("icon.png", assets.Icon))
	w.Window.Resize(fyne.NewSize(900, 560))
	return w
}

func (w *MainWindow) show(store data.Store, progress *app.Progress, openErr error) {
	if openErr != nil {
		w.Title.SetText("เปิดฐานข้อมูลไม่ได้")
		w.Message.SetText(data.ErrorMessage(openErr))
		return
	}
	ctx := context.Background()
	meta, err := store.Meta(ctx)
	if err == nil && meta.Province == "" {
		w.Title.SetText("ยังไม่มีข้อมูลจังหวัด")
		w.Message.SetText("สร้างฐานข้อมูลด้วยคำสั่ง qmdesk init --province <รหัสจังหวัด> หรือทดลองด้วย qmdesk demo --province 41 --households 2000")
		return
	}
	sum, err := progress.Summarize(ctx, 0, "")
	if err != nil {
		w.Title.SetText("อ่านข้อมูลไม่ได้")
		w.Message.SetText(data.ErrorMessage(err))
		return
	}
	t := sum.Area.Totals
	w.Title.SetText(fmt.Sprintf("จังหวัด%s · %s · ข้อมูล ณ %s", sum.ProvinceName, sum.Round.Name, data.FormatBE(sum.AsOf)))
	w.Countdown.SetText(app.CountdownText(sum.Round, sum.Countdown))
	w.Totals.SetText(fmt.Sprintf("ครัวเรือน %s · เป้าหมาย %s ปัญหา\nแก้ไขแล้ว %s · แก้ไขได้ด้วยตนเอง %s · อยู่ระหว่างดำเนินการ %s · ยังไม่ได้ดำเนินการ %s · ยุติ %s\nแก้ไขแล้วร้อยละ %s · เร่งด่วนค้าง %s · เลยกำหนด %s",
		n(t.Households), n(t.Target), n(t.Solved), n(t.SelfSolved), n(t.InProgress), n(t.NotStarted), n(t.Closed),
		data.FormatPercent(t.PercentSolved), n(t.UrgentOpen), n(t.Overdue)))
	w.Message.SetText("หน้าจอติดตามเต็มรูปแบบ (แดชบอร์ด ทะเบียนครัวเรือน นำเข้า/ส่งออกไฟล์) อยู่ระหว่างพัฒนา")
}

func n(v int64) string { return data.FormatNumber(v) }
