package app_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"qmdesk/app"
	"qmdesk/data"
)

// pdfText extracts the text of one page (0: all) with pdftotext.
func pdfText(t *testing.T, path string, page int) string {
	t.Helper()
	args := []string{"-layout"}
	if page > 0 {
		args = append(args, "-f", strconv.Itoa(page), "-l", strconv.Itoa(page))
	}
	out, err := exec.Command("pdftotext", append(args, path, "-")...).Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return string(out)
}

func needPoppler(t *testing.T) {
	for _, tool := range []string{"pdftotext", "pdfinfo"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s (poppler-utils) not installed", tool)
		}
	}
}

func pdfPages(t *testing.T, path string) int {
	out, err := exec.Command("pdfinfo", path).Output()
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`Pages:\s+(\d+)`).FindSubmatch(out)
	n, _ := strconv.Atoi(string(m[1]))
	return n
}

// The meeting pack's pages, footers and numbers: the cover's counters and
// every amphoe row of its table equal the dashboard's summary and the
// summary workbook of the same round and day.
func TestMeetingPackMatchesDashboardAndSummaryWorkbook(t *testing.T) {
	needPoppler(t)
	fx, e := demoFixture(t, 3000)
	ctx := context.Background()
	pack, err := e.Progress.Pack(ctx, 0, "")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(fx.dir, "pack.pdf")
	if err := pack.WritePDF(path); err != nil {
		t.Fatal(err)
	}
	sum, _ := e.Progress.Summarize(ctx, 0, "")
	// The weekly line ends today at the dashboard's open problems.
	last := pack.Weeks[len(pack.Weeks)-1]
	if last.Date != sum.AsOf || last.Open != sum.Area.Totals.Open() || pack.Weeks[0].Date != sum.Round.Start {
		t.Errorf("weeks %v … %v, dashboard open %d", pack.Weeks[0], last, sum.Area.Totals.Open())
	}
	if pack.Line[0].Open < pack.Weeks[0].Open-pack.Weeks[0].Open/2 || pack.Line[1].Open != 0 || pack.Line[1].Date != sum.Round.Deadline {
		t.Errorf("target line %v", pack.Line)
	}
	withProblems := 0
	for _, a := range sum.Parts {
		if a.Totals.Target > 0 {
			withProblems++
		}
	}
	// Cover, the letter's table, three chart pages, the category table,
	// the amphoe table, the Re-X-Ray's two pages, the new cases' two, the
	// municipalities' page (the demo keeps two), ThaiQM's two, a page per
	// amphoe, the partner agencies' page.
	pages := pdfPages(t, path)
	if pages != 15+withProblems {
		t.Errorf("%d pages, want %d", pages, 15+withProblems)
	}
	if text := pdfText(t, path, pages); !strings.Contains(text, data.WordAgencyReport.Thai) {
		t.Errorf("the last page is not the agencies': %q", text)
	}
	for p := 1; p <= pages; p++ {
		text := pdfText(t, path, p)
		if !strings.Contains(text, "หน้า "+strconv.Itoa(p)+" จาก "+strconv.Itoa(pages)) || !strings.Contains(text, "ข้อมูล ณ วันที่ 1 สิงหาคม 2567") {
			t.Errorf("page %d footer missing: %q", p, lastLine(text))
		}
	}
	// The last page carries the audit log's head, as the file holds it.
	head, _ := fx.store.AuditAnchor(ctx, 0)
	if text := pdfText(t, path, pages); head.Seq == 0 || pack.AuditHead != head ||
		!strings.Contains(text, "ลำดับที่ "+strconv.FormatUint(head.Seq, 10)+" รหัส "+head.Short()) ||
		!strings.Contains(text, "--anchor "+strconv.FormatUint(head.Seq, 10)+":"+head.Hash[:16]) {
		t.Errorf("last page lacks the audit head %+v: %q", head, lastLine(text))
	}
	if text := pdfText(t, path, 1); strings.Contains(text, "--anchor") {
		t.Error("the audit head is on the cover too")
	}
	cover := pdfText(t, path, 1)
	tot := sum.Area.Totals
	for _, want := range []string{"จังหวัดอุดรธานี", "Re-X-Ray 2567", "เหลืออีก 61 วัน (นับวันนี้และวันครบกำหนด)", data.FormatNumber(tot.Target), data.FormatNumber(tot.Solved),
		data.FormatNumber(tot.SelfSolved), data.FormatNumber(tot.InProgress), data.FormatNumber(tot.NotStarted), data.FormatPercent(tot.PercentSolved)} {
		if !strings.Contains(cover, want) {
			t.Errorf("cover lacks %q", want)
		}
	}
	// Every figure of the amphoe table against the dashboard's, the
	// summary's and the workbook's: ui's TestOneNumberPerLabelEverywhere.
	// Counts only: no name or ID of any household is in the text.
	hs, _ := fx.store.Households(ctx, data.HouseholdFilter{Limit: 50})
	all := pdfText(t, path, 0)
	for _, h := range hs {
		if strings.Contains(all, h.Head.NationalID) || strings.Contains(all, h.Head.FirstName+" "+h.Head.LastName) {
			t.Fatalf("household %d's name or ID is in the pack", h.ID)
		}
	}
	if dir := os.Getenv("QMDESK_CHART_DIR"); dir != "" {
		b, _ := os.ReadFile(path)
		os.WriteFile(filepath.Join(dir, "pack.pdf"), b, 0o644)
	}
}

func lineStarting(text, prefix string) string {
	for _, l := range strings.Split(text, "\n") {
		if strings.HasPrefix(strings.TrimSpace(l), prefix+" ") {
			return strings.TrimSpace(l)
		}
	}
	return ""
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return lines[len(lines)-1]
}

// A tambon with one or two drug cases prints "<5", never the number.
func TestMeetingPackHidesSmallSensitiveCounts(t *testing.T) {
	needPoppler(t)
	fx := newFixture(t)
	ctx := fx.ctx
	for n, sub := range []string{"ยาเสพติด", "ยาเสพติด", "หนี้สิน"} {
		cat := data.Category(5)
		if sub == "หนี้สิน" {
			cat = 4
		}
		err := fx.store.Load(ctx, []data.Bundle{{Household: data.Household{TambonCode: "410101", HouseCode: "4101000010" + strconv.Itoa(n), Head: data.Person{NationalID: id(100 + n)}, Origin: 1},
			Problems: []data.ProblemBundle{{Problem: data.Problem{Category: cat, SubProblem: sub, Urgent: sub == "ยาเสพติด", Sensitive: sub == "ยาเสพติด", SurveyYear: 2565}}}}})
		if err != nil {
			t.Fatal(err)
		}
	}
	geo := fx.imp.Geo
	prog := &app.Progress{Store: fx.store, Geo: geo, Clock: fixedClock(data.NewDate(2024, 8, 1))}
	pack, err := prog.Pack(ctx, 0, "เมืองอุดรธานี")
	if err != nil {
		t.Fatal(err)
	}
	if got := pack.Count(2, 5); got != "<5" {
		t.Errorf("two drug cases print as %q", got)
	}
	if got := pack.Count(2, 4); got != "2" {
		t.Errorf("two income problems print as %q", got)
	}
	path := filepath.Join(fx.dir, "amphoe.pdf")
	if err := pack.WritePDF(path); err != nil {
		t.Fatal(err)
	}
	cover := pdfText(t, path, 1)
	// Only one tambon hides its count, so the amphoe's own would give it
	// away by subtraction: hidden as well.
	if !strings.Contains(cover, "ยาเสพติด –") || strings.Contains(cover, "ยาเสพติด 2") {
		t.Errorf("cover: %s", cover)
	}
	if !strings.Contains(cover, "อำเภอเมืองอุดรธานี") {
		t.Error("an amphoe's pack should say which amphoe")
	}
	// Its table lists tambon, the drug count hidden, and no urgent total
	// anywhere to subtract it from.
	table := pdfText(t, path, 7)
	row := lineStarting(table, "หมากแข้ง")
	if !strings.Contains(table, "ตำบล") || !strings.HasSuffix(row, "0 0 <5") && !strings.HasSuffix(strings.Join(strings.Fields(row), " "), "0 0 <5") {
		t.Errorf("tambon row %q", row)
	}
	for p := 1; p <= pdfPages(t, path); p++ {
		if text := pdfText(t, path, p); strings.Contains(text, "เร่งด่วนค้าง 2") || strings.Contains(text, "ยาเสพติด 2") {
			t.Errorf("page %d gives the drug count away", p)
		}
	}
	// A tambon is not a scope for a pack.
	if _, err := prog.Pack(ctx, 0, "410101"); data.ErrorCode(err) != data.EINVALID {
		t.Errorf("tambon pack: %v", err)
	}
}

// An empty round still makes a pack, and its charts.
func TestMeetingPackOfEmptyDatabase(t *testing.T) {
	fx := newFixture(t)
	prog := &app.Progress{Store: fx.store, Geo: fx.imp.Geo, Clock: fixedClock(data.NewDate(2024, 2, 1))}
	pack, err := prog.Pack(fx.ctx, 0, "")
	if err != nil {
		t.Fatal(err)
	}
	if err := pack.WritePDF(filepath.Join(fx.dir, "empty.pdf")); err != nil {
		t.Fatal(err)
	}
	files, err := pack.SaveCharts(filepath.Join(fx.dir, "png"))
	if err != nil || len(files) != 4 {
		t.Fatalf("charts: %v %v", files, err)
	}
	if len(pack.Weeks) != 0 {
		t.Errorf("a round not started has no weeks: %v", pack.Weeks)
	}
}

// BenchmarkMeetingPack1M is the target: the whole pack (numbers,
// every chart, the PDF) for a province of 1,000,000 problems in under 5 s.
func BenchmarkMeetingPack1M(b *testing.B) {
	p := millionProvince(b)
	path := filepath.Join(b.TempDir(), "pack.pdf")
	for b.Loop() {
		pack, err := p.Pack(context.Background(), 0, "")
		if err != nil {
			b.Fatal(err)
		}
		if err := pack.WritePDF(path); err != nil {
			b.Fatal(err)
		}
	}
	st, _ := os.Stat(path)
	b.ReportMetric(float64(st.Size())/(1<<20), "MB-pdf")
}

// The pack tells its progress page by page, from the first step to the
// file, naming each amphoe's page as it makes it.
func TestMeetingPackReportsPageByPage(t *testing.T) {
	fx, e := demoFixture(t, 300)
	pack, err := e.Progress.Pack(fx.ctx, 0, "")
	if err != nil {
		t.Fatal(err)
	}
	var done []float64
	var pages []string
	pack.Progress = func(d float64, page string) {
		done = append(done, d)
		pages = append(pages, page)
	}
	if err := pack.WritePDF(filepath.Join(fx.dir, "pack.pdf")); err != nil {
		t.Fatal(err)
	}
	parts := 0
	for _, a := range pack.Summary.Parts {
		if a.Totals.Target > 0 {
			parts++
			if !slices.Contains(pages, a.Name) {
				t.Errorf("no step for %s's page", a.Name)
			}
		}
	}
	if len(done) < parts+5 || done[0] != 0 || done[len(done)-1] < 0.9 || done[len(done)-1] >= 1 {
		t.Fatalf("%d steps for %d parts, from %v to %v", len(done), parts, done[0], done[len(done)-1])
	}
	for i := 1; i < len(done); i++ {
		if done[i] <= done[i-1] {
			t.Fatalf("progress went back at step %d (%s): %v", i, pages[i], done)
		}
	}
	if pages[0] != "หน้าปก" {
		t.Errorf("first step %q", pages[0])
	}
}
