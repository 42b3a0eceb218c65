package chart

import (
	"bytes"
	"image/png"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"qmdesk/data"
)

// save keeps the image in $QMDESK_CHART_DIR when set, to look at.
func save(t *testing.T, name string, b []byte) {
	if dir := os.Getenv("QMDESK_CHART_DIR"); dir != "" {
		os.WriteFile(filepath.Join(dir, name), b, 0o644)
	}
}

func statusBar(label string, counts [5]float64) Bar {
	var segs []Segment
	for i, s := range data.ChartStatuses {
		segs = append(segs, Segment{Value: counts[i], Color: data.StatusColor(s), Hatch: s == data.NotStarted})
	}
	return Bar{Label: label, Segments: segs, Note: "เป้าหมาย " + data.FormatNumber(int64(counts[0]+counts[1]+counts[2]+counts[3]+counts[4])) + " · แก้ไขแล้ว 55.9%"}
}

func TestBarsRenderEmptyTinyAndHuge(t *testing.T) {
	legend := []Key{}
	for _, s := range data.ChartStatuses {
		legend = append(legend, Key{Label: s.Thai(), Color: data.StatusColor(s), Hatch: s == data.NotStarted})
	}
	cases := map[string]Bars{
		"empty": {Title: "ปัญหาแยกตามด้านและสถานะ", Empty: "ยังไม่มีปัญหาในรอบนี้", Legend: legend},
		"tiny":  {Title: "ปัญหาแยกตามด้านและสถานะ", Legend: legend, Bars: []Bar{statusBar("1. บ้าน/ที่อยู่อาศัย", [5]float64{1, 0, 0, 0, 0}), statusBar("2. น้ำดื่ม/น้ำใช้", [5]float64{})}},
		"huge": {Title: "ปัญหาแยกตามด้านและสถานะ", Subtitle: "จังหวัดอุดรธานี · Re-X-Ray 2567 · ข้อมูล ณ 15 ส.ค. 2567", Legend: legend, Bars: []Bar{
			statusBar("4. รายได้/อาชีพ", [5]float64{4e9, 1e9, 2e9, 3e9, 1e8}),
			statusBar("7. ความเดือดร้อนที่แก้ไขไม่ได้ด้วยตนเองและความเดือดร้อนอื่น ๆ ที่ยาวมาก", [5]float64{1, 2, 3, 4, 5}),
			statusBar("5. ความปลอดภัย (ที่นี่ ผู้ใหญ่ ปู่ ฎีกา ฐาน ญาติ)", [5]float64{-3, 0, 0, 0, 0})}},
	}
	for name, b := range cases {
		var buf bytes.Buffer
		h, err := b.Render(&buf, 500, 300)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		img, err := png.Decode(bytes.NewReader(buf.Bytes()))
		if err != nil {
			t.Fatalf("%s: not a PNG: %v", name, err)
		}
		if w := img.Bounds().Dx(); w != 2084 || img.Bounds().Dy() != int(h*300/72+0.999) {
			t.Errorf("%s: %dx%d for %v pt high", name, w, img.Bounds().Dy(), h)
		}
		if !bytes.Contains(buf.Bytes()[:60], []byte("pHYs")) {
			t.Errorf("%s: no resolution chunk", name)
		}
		save(t, "bars-"+name+".png", buf.Bytes())
	}
}

func TestLineRenders(t *testing.T) {
	start, end := data.NewDate(2024, 3, 1), data.NewDate(2024, 9, 30)
	var pts []Point
	for d, v := start, 30000.0; d.Before(data.NewDate(2024, 8, 16)); d, v = d.AddDays(7), v*0.93 {
		pts = append(pts, Point{d, v})
	}
	for name, l := range map[string]Line{
		"weeks": {Title: "ปัญหาที่ยังค้าง รายสัปดาห์", Subtitle: "เทียบกับเส้นเป้าหมายที่ลดลงจนเป็นศูนย์ในวันครบกำหนด", From: start, To: end, Points: pts,
			Target: [2]Point{{start, 30000}, {end, 0}}, Marks: []Mark{{data.NewDate(2024, 8, 15), "วันนี้ 15 ส.ค. 2567", "#000000"}, {end, "ครบกำหนด 30 ก.ย. 2567", "#D55E00"}},
			Legend: []Key{{Label: "ยังค้าง", Color: "#0072B2"}, {Label: "เป้าหมาย", Color: "#666666"}}},
		"empty": {Title: "ปัญหาที่ยังค้าง รายสัปดาห์", From: start, To: end, Empty: "ยังไม่มีข้อมูล"},
	} {
		l.DateText = func(d data.Date) string { return data.FormatBE(d) }
		l.ValueText = func(v float64) string { return data.FormatNumber(int64(v)) }
		var buf bytes.Buffer
		if err := l.Render(&buf, 500, 260, 200); err != nil {
			t.Fatal(err)
		}
		if _, err := png.Decode(bytes.NewReader(buf.Bytes())); err != nil {
			t.Fatal(err)
		}
		save(t, "line-"+name+".png", buf.Bytes())
	}
	_ = strconv.Itoa
}
