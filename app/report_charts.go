package app

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"qmdesk/app/chart"
	"qmdesk/data"
)

// The urgent kinds, one category each, with their chart colours.
// urgentColors colour the urgent kinds in the stored list's order (the
// default list's three: no home, no drinking water, drugs); a sensitive
// kind is hatched too.
var urgentColors = []string{"#CC79A7", "#0072B2", "#E69F00", "#56B4E9", "#009E73", "#F0E442", "#D55E00"}

func urgentColor(i int) string { return urgentColors[i%len(urgentColors)] }

// ChartKind names the meeting pack's charts.
type ChartKind string

const (
	ChartCategories ChartKind = "categories" // stacked bars by status, per category
	ChartAreas      ChartKind = "areas"      // % solved per amphoe (or tambon), lowest first
	ChartOverTime   ChartKind = "over-time"  // open problems by week against the target line
	ChartUrgent     ChartKind = "urgent"     // urgent problems per amphoe (or tambon)
)

// ChartKinds lists them in the pack's order.
var ChartKinds = []ChartKind{ChartCategories, ChartOverTime, ChartAreas, ChartUrgent}

func (m *MeetingPack) scopeName() string {
	if m.Amphoe != "" {
		return "อำเภอ" + m.Summary.Area.Name + " จังหวัด" + m.Summary.ProvinceName
	}
	return "จังหวัด" + m.Summary.ProvinceName
}

func (m *MeetingPack) partWord() string {
	if m.Amphoe != "" {
		return "ตำบล"
	}
	return "อำเภอ"
}

func (m *MeetingPack) subtitle() string {
	if m.English {
		province := m.ProvinceEnglish
		if province == "" {
			province = m.Summary.ProvinceName
		}
		scope := province
		if m.Amphoe != "" {
			scope = "amphoe " + m.Summary.Area.Name + ", " + province
		}
		return scope + " · " + m.Summary.Round.Name + " · as of " + m.Summary.AsOf.String()
	}
	return m.scopeName() + " · " + m.Summary.Round.Name + " · ข้อมูล ณ " + data.FormatBE(m.Summary.AsOf)
}

// tr is the chart's text in its language: Thai, or English when the
// window shows the charts in English.
func (m *MeetingPack) tr(thai, english string) string {
	if m.English {
		return english
	}
	return thai
}

func (m *MeetingPack) statusLegend() []chart.Key {
	var keys []chart.Key
	for _, s := range data.ChartStatuses {
		keys = append(keys, chart.Key{Label: m.tr(s.Thai(), s.Term().English), Color: data.StatusColor(s), Hatch: s == data.NotStarted})
	}
	return keys
}

func tallyOf(t Tally, s data.Status) int64 {
	switch s {
	case data.Solved:
		return t.Solved
	case data.SelfSolved:
		return t.SelfSolved
	case data.InProgress:
		return t.InProgress
	case data.NotStarted:
		return t.NotStarted
	case data.Closed:
		return t.Closed
	}
	return 0
}

// categoryBars is the stacked status bars of an area's seven categories.
func (m *MeetingPack) categoryBars(a Area, subtitle string) chart.Bars {
	// Each bar is its category's whole target, split by status, so that a
	// category of 200 problems reads as clearly as one of 20,000; the
	// target itself is in the note.
	// The bars divide by the whole target (closed ones included, so that
	// the statuses add up to the bar); the note's percentage is the
	// programme's, over the target less closed. Both say so.
	b := chart.Bars{Title: m.tr("สถานะของปัญหาแต่ละด้าน", "Status of the problems by category"),
		Subtitle: subtitle + m.tr("\nความยาวแท่ง: "+data.UnitPercent.Thai+"ของ"+data.WordTarget.Thai+" ของด้าน (แท่งเต็ม = 100) · ตัวเลขท้ายแท่ง: "+
			data.WordTarget.Thai+" และ"+data.PercentSolvedHead().Thai,
			"\nbar length: % of the category's target (a full bar = 100) · at the bar's end: the target and "+data.PercentSolvedHead().English),
		Legend: m.statusLegend(), Max: 100,
		Ticks: []float64{0, 25, 50, 75, 100}, TickText: func(v float64) string { return strconv.Itoa(int(v)) + "%" },
		Empty: m.tr("ยังไม่มีปัญหาในรอบนี้", "No problems in this round yet")}
	for c := data.Category(1); c <= 7; c++ {
		t := a.Categories[c]
		label := c.ShortLabel()
		if m.English {
			label = strconv.Itoa(int(c)) + " " + c.ShortTerm().English
		}
		bar := chart.Bar{Label: label, Note: m.Target(a, c) + " " + m.tr(data.UnitProblems.Thai, data.UnitProblems.English) + " · " + m.tr(data.WordSolvedTotal.Thai, data.WordSolvedTotal.English) + " " + m.Percent(a, c)}
		if m.Target(a, c) != data.FormatNumber(t.Target) {
			b.Bars = append(b.Bars, bar) // a small sensitive count: no bar to measure it by
			continue
		}
		for _, s := range data.ChartStatuses {
			if t.Target > 0 {
				bar.Segments = append(bar.Segments, chart.Segment{Value: float64(tallyOf(t, s)) * 100 / float64(t.Target), Color: data.StatusColor(s), Hatch: s == data.NotStarted})
			}
		}
		b.Bars = append(b.Bars, bar)
	}
	return b
}

// partsByPercent lists the parts with problems, lowest % solved first.
func (m *MeetingPack) partsByPercent() []Area {
	var parts []Area
	for _, a := range m.Summary.Parts {
		if a.Totals.Target > 0 {
			parts = append(parts, a)
		}
	}
	sort.SliceStable(parts, func(i, j int) bool { return parts[i].Totals.PercentSolved < parts[j].Totals.PercentSolved })
	return parts
}

func (m *MeetingPack) areaBars() chart.Bars {
	var kinds []string
	for _, k := range m.UrgentKinds {
		kinds = append(kinds, k.Name)
	}
	b := chart.Bars{Title: data.PercentSolvedHead().Thai + " ราย" + m.partWord() + " (น้อยไปมาก)",
		Subtitle: m.subtitle() + "\nตัวเลขท้ายแท่ง: " + data.WordOverdue.Thai + " และ" + data.WordUrgentOpen.Thai + " (" + data.UnitProblems.Thai + ") ตามลำดับ " + strings.Join(kinds, " / "), Max: 100,
		Ticks: []float64{0, 25, 50, 75, 100}, TickText: func(v float64) string { return strconv.Itoa(int(v)) + "%" },
		Empty: "ยังไม่มีปัญหาในรอบนี้"}
	for _, a := range m.partsByPercent() {
		note := PercentText(a.Totals)
		if a.Totals.Overdue > 0 {
			note += " · " + data.WordOverdue.Thai + " " + data.FormatNumber(a.Totals.Overdue)
		}
		if a.Totals.UrgentOpen > 0 {
			note += " · " + data.WordUrgent.Thai + " " + strings.Join(m.urgentCounts(a), "/")
		}
		b.Bars = append(b.Bars, chart.Bar{Label: a.Name, Segments: []chart.Segment{{Value: a.Totals.PercentSolved, Color: "#0072B2"}}, Note: note})
	}
	return b
}

func (m *MeetingPack) urgentBars() chart.Bars {
	b := chart.Bars{Title: data.WordUrgentOpen.Thai + " (" + data.UnitProblems.Thai + ") ราย" + m.partWord(), Subtitle: m.subtitle(), Empty: "ไม่มีปัญหาเร่งด่วนค้าง"}
	for i, k := range m.UrgentKinds {
		b.Legend = append(b.Legend, chart.Key{Label: k.Name, Color: urgentColor(i), Hatch: k.Sensitive})
	}
	for _, a := range m.Summary.Parts {
		if a.Totals.UrgentOpen == 0 {
			continue
		}
		bar := chart.Bar{Label: a.Name, Note: strings.Join(m.urgentCounts(a), " · ")}
		for i, k := range m.UrgentKinds {
			n := a.Categories[k.Category].UrgentOpen
			if n > 0 && m.Urgent(a, k.Category) == data.FormatNumber(n) { // a hidden count gets no bar to measure it by
				bar.Segments = append(bar.Segments, chart.Segment{Value: float64(n), Color: urgentColor(i), Hatch: k.Sensitive})
			}
		}
		b.Bars = append(b.Bars, bar)
	}
	return b
}

// urgentCounts prints an area's open urgent problems kind by kind, drugs
// by the small-count rule. The pack never prints their sum: with the other
// two kinds beside it, a sum would give a hidden drug count away; for the
// same reason the scope's drug count is hidden when only one part's is.
func (m *MeetingPack) urgentCounts(a Area) []string {
	out := make([]string, len(m.UrgentKinds))
	for i, k := range m.UrgentKinds {
		out[i] = m.Urgent(a, k.Category)
	}
	return out
}

func shortBE(d data.Date) string {
	return data.ThaiMonthsShort[d.Month-1] + " " + strconv.Itoa((d.Year+543)%100)
}

// shortCE is a date on the English chart's axis: "Aug 24".
func shortCE(d data.Date) string {
	return time.Month(d.Month).String()[:3] + " " + fmt.Sprintf("%02d", d.Year%100)
}

func (m *MeetingPack) overTime() chart.Line {
	r := m.Summary.Round
	l := chart.Line{Title: m.tr("ปัญหาที่ยังค้าง ("+data.UnitProblems.Thai+") รายสัปดาห์", "Open problems by week"), Subtitle: m.subtitle(), From: r.Start, To: r.Deadline,
		Target: [2]chart.Point{{Date: m.Line[0].Date, Value: float64(m.Line[0].Open)}, {Date: m.Line[1].Date, Value: 0}},
		Legend: []chart.Key{{Label: m.tr(data.WordOpen.Thai+" ("+data.NotStarted.Thai()+" + "+data.InProgress.Thai()+")",
			data.WordOpen.English+" ("+data.NotStarted.Term().English+" + "+data.InProgress.Term().English+")"), Color: "#0072B2"},
			{Label: m.tr("เส้นที่ควรเป็น: เหลือศูนย์ในวันครบกำหนด", "the line to follow: none left on the deadline"), Color: "#666666"}},
		Marks: []chart.Mark{{Date: m.Summary.AsOf, Label: m.tr("วันนี้ "+data.FormatBE(m.Summary.AsOf), "today "+m.Summary.AsOf.String()), Color: "#000000"},
			{Date: r.Deadline, Label: m.tr("ครบกำหนด "+data.FormatBE(r.Deadline), "deadline "+r.Deadline.String()), Color: "#D55E00"}},
		DateText: shortBE, ValueText: func(v float64) string { return data.FormatNumber(int64(v + 0.5)) },
		Empty: m.tr("รอบนี้ยังไม่เริ่ม: ยังไม่มีข้อมูลรายสัปดาห์", "The round has not begun: no weeks yet")}
	if m.English {
		l.DateText = shortCE
	}
	for _, w := range m.Weeks {
		l.Points = append(l.Points, chart.Point{Date: w.Date, Value: float64(w.Open)})
	}
	return l
}

// Chart width in points: the A4 page less its margins.
const chartWidthPt = 510

// RenderChart draws one chart of the pack as a PNG at dpi.
func (m *MeetingPack) RenderChart(w io.Writer, kind ChartKind, dpi float64) error {
	_, err := m.render(w, kind, dpi)
	return err
}

// render draws a chart and returns its height in points (bar charts grow
// with their bars).
func (m *MeetingPack) render(w io.Writer, kind ChartKind, dpi float64) (float64, error) {
	var bars chart.Bars
	switch kind {
	case ChartCategories:
		bars = m.categoryBars(m.Summary.Area, m.subtitle())
	case ChartAreas:
		bars = m.areaBars()
	case ChartUrgent:
		bars = m.urgentBars()
	case ChartOverTime:
		const height = 300
		l := m.overTime()
		l.Digits = m.Digits
		return height, l.Render(w, chartWidthPt, height, dpi)
	default:
		return 0, data.Errorf(data.EINVALID, "ไม่รู้จักกราฟ '%s'", "unknown chart %q", string(kind))
	}
	bars.Digits = m.Digits
	return bars.Render(w, chartWidthPt, dpi)
}

// SaveCharts writes every chart of the pack into dir as PNG at 300 dpi,
// for slides, and returns the files.
func (m *MeetingPack) SaveCharts(dir string) ([]string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, data.FileError(data.CreatingFolder, dir, err)
	}
	var paths []string
	for i, k := range ChartKinds {
		var buf bytes.Buffer
		if err := m.RenderChart(&buf, k, 300); err != nil {
			return paths, err
		}
		path := filepath.Join(dir, fmt.Sprintf("กราฟ-%d-%s.png", i+1, k))
		if err := writeFileAtomic(path, buf.Bytes()); err != nil {
			return paths, err
		}
		paths = append(paths, path)
	}
	return paths, nil
}

// writeFileAtomic writes b in place of path, whole or not at all
// (data.WriteFileAtomic).
func writeFileAtomic(path string, b []byte) error {
	return data.WriteFileAtomic(path, 0o644, func(w io.Writer) error {
		_, err := w.Write(b)
		return err
	})
}
