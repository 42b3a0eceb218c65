package app

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"os"
	"path/filepath"
	"strings"

	"qmdesk/data"
	"qmdesk/data/xlsx"
)

// ImportStore is what importing needs of the register.
type ImportStore interface {
	data.Store
	data.ImportLedger
}

// Importer reads district workbooks into the register: a dry run first
// (Plan), then an atomic commit of exactly what the dry run reported.
type Importer struct {
	Store ImportStore
	Geo   *data.Geography
	Clock data.Clock // the register's day: action dates, dates in the future
	// Progress, when set, is told every 1,000 data rows how many a dry
	// run has read, so a window can show a long file moving.
	Progress func(rows int)

	places      *places
	round       data.Round // the current round, which the rows go into
	subProblems data.SubProblemList
	subIndex    map[string]data.SubProblem // problemKey → entry of subProblems
	guesses     map[string]guess           // problemKey of a name not in the list → closest entry
}

// findSubProblem looks a sub-problem up by category and name, ignoring
// blanks, through an index built once per run.
func (imp *Importer) findSubProblem(c data.Category, name string) (data.SubProblem, bool) {
	if imp.subIndex == nil {
		imp.subIndex = map[string]data.SubProblem{}
		for _, s := range imp.subProblems {
			imp.subIndex[problemKey(s.Category, s.Name)] = s
		}
		// "อื่น ๆ" is "อื่น ๆ (ระบุ)": a name is also found without its
		// bracketed note, unless another entry has that name.
		for _, s := range imp.subProblems {
			if i := strings.Index(s.Name, "("); i > 0 {
				k := problemKey(s.Category, s.Name[:i])
				if _, taken := imp.subIndex[k]; !taken {
					imp.subIndex[k] = s
				}
			}
		}
	}
	s, ok := imp.subIndex[problemKey(c, name)]
	return s, ok
}

// FileReport is what a dry run found in one file.
type FileReport struct {
	Path     string
	File     string
	SHA256   string
	Refused  string // Thai; the whole file was refused
	Err      error  // the refusal, for logs
	Sheet    string
	Sheets   []string
	Header   []int    // header row numbers
	Unknown  []string // columns ignored
	Skipped  int      // blank and subtotal rows
	Batch    *data.ImportBatch
	Earlier  []data.ImportRecord // earlier imports of the same file
	ImportID uint64              // set by Commit
	// Round is the round the rows go into; Ended says its deadline has
	// passed, so the problems the file adds are overdue the day they come.
	Round data.Round
	Ended bool

	password string
	layout   *layout
}

// Counts returns the fates of the file's rows.
func (r *FileReport) Counts() data.Counts {
	if r.Batch == nil {
		return data.Counts{}
	}
	return r.Batch.Counts
}

// headerScanRows is how far down a sheet the header may sit.
const headerScanRows = 30

// Plan reads a workbook and works out what importing it would do, without
// changing anything. A refused file comes back with Refused set and a nil
// error; the error is for failures of the program or the database.
func (imp *Importer) Plan(ctx context.Context, path, password string) (*FileReport, error) {
	rep := &FileReport{Path: path, File: filepath.Base(path)}
	refuse := func(err error) (*FileReport, error) {
		rep.Refused, rep.Err = data.ErrorMessage(err), err
		return rep, nil
	}
	sum, err := fileSHA256(path)
	if err != nil {
		return refuse(&data.Error{Code: data.ENOTFOUND, Message: "เปิดไฟล์ " + rep.File + " ไม่ได้", English: "cannot read file", Err: err})
	}
	rep.SHA256 = sum
	meta, err := imp.Store.Meta(ctx)
	if err != nil {
		return nil, err
	}
	if meta.Province == "" {
		return nil, data.Errorf(data.EINVALID, "ฐานข้อมูลยังไม่ได้ตั้งค่าจังหวัด", "database has no province")
	}
	if imp.subProblems, err = imp.Store.SubProblems(ctx); err != nil {
		return nil, err
	}
	imp.subIndex, imp.guesses = nil, nil
	imp.places = newPlaces(imp.Geo, meta.Province)
	if imp.round, err = imp.Store.Round(ctx, meta.DefaultRound); err != nil {
		return nil, err
	}
	wb, err := xlsx.Open(path, password)
	if err != nil {
		return refuse(err)
	}
	defer wb.Close()
	rep.Sheets = wb.Sheets()
	l, err := imp.chooseSheet(wb)
	if err != nil {
		return refuse(err)
	}
	rep.Sheet, rep.Header, rep.Unknown = l.Sheet, l.HeaderRows, l.Unknown
	rep.password, rep.layout = password, &l
	if rep.Earlier, err = imp.Store.ImportsBySHA256(ctx, sum); err != nil {
		return nil, err
	}
	pl := newPlanner(ctx, imp, meta, rep.File)
	rep.Round, rep.Ended = imp.round, imp.round.Deadline.Before(pl.today)
	pl.b.File, pl.b.SHA256, pl.b.Sheet = rep.File, sum, l.Sheet
	// The age of rows without an action date: the day the workbook says
	// it was saved, if that is a day of the round (tools that do not keep
	// the date leave their own, like excelize's 16 Sep 2006).
	if saved := data.DateOf(wb.Saved()); !saved.Before(imp.round.Start) && !saved.After(pl.today) {
		pl.fileDate = saved
	}
	last := l.HeaderRows[len(l.HeaderRows)-1]
	otherProvince := ""
	merged := xlsx.NewMergeFiller(wb.MergedRanges(l.Sheet))
	err = streamRows(ctx, wb, l.Sheet, func(row int, cells []string) error {
		cells = merged.Fill(row, cells)
		if row <= last {
			return nil
		}
		if isBlankRow(cells) || l.isSubtotalRow(cells) {
			rep.Skipped++
			return nil
		}
		if imp.Progress != nil && (pl.b.Counts.Rows+1)%1000 == 0 {
			imp.Progress(pl.b.Counts.Rows + 1)
		}
		in := imp.parseRow(&l, row, cells)
		if in.Reject != nil && strings.HasPrefix(in.Reject.Reason, "แถวนี้เป็นของจังหวัด") && otherProvince == "" {
			if p, err := imp.Geo.FindProvince(in.Reject.Value); err == nil {
				otherProvince = p.Thai // the name, not "จ.ขอนแก่น" as the cell wrote it
			}
		}
		return pl.add(in)
	})
	if err != nil {
		if data.ErrorCode(err) == data.EINVALID {
			return refuse(err)
		}
		return nil, err
	}
	b := pl.b
	if b.Counts.Rows == 0 {
		return refuse(data.Errorf(data.EINVALID, "ไม่พบข้อมูลใต้หัวตารางในแผ่นงาน '%s'", "no data rows under the header of sheet %q", l.Sheet))
	}
	if otherProvince != "" && b.Counts.Rejected == b.Counts.Rows {
		return refuse(data.Errorf(data.EINVALID, "ไฟล์นี้เป็นข้อมูลของจังหวัด%s ไม่ใช่จังหวัดของฐานข้อมูลนี้ จึงไม่นำเข้า", "workbook belongs to province %s", otherProvince))
	}
	rep.Batch = b
	return rep, nil
}

// chooseSheet finds the sheet with the header: the one naming the most
// known columns among the sheets that have one.
func (imp *Importer) chooseSheet(wb *xlsx.Workbook) (layout, error) {
	var best layout
	found := false
	for _, sheet := range wb.Sheets() {
		var first [][]string
		var nums []int
		merged := xlsx.NewMergeFiller(wb.MergedRanges(sheet))
		err := wb.Rows(sheet, func(row int, cells []string) error {
			if row > headerScanRows {
				return xlsx.ErrStop
			}
			cells = merged.Fill(row, cells)
			first, nums = append(first, cells), append(nums, row)
			return nil
		})
		if err != nil {
			continue
		}
		if l, _, ok := findLayout(sheet, first, nums); ok && (!found || l.Known > best.Known) {
			best, found = l, true
		}
	}
	if !found {
		return layout{}, data.Errorf(data.EINVALID, "ไม่พบแถวหัวตารางในไฟล์นี้ (ต้องมีหัวคอลัมน์อย่างน้อย 3 คอลัมน์ เช่น รหัสบ้าน, ตำบล, ด้าน, ปัญหา) กรุณาใช้แบบฟอร์มของจังหวัด", "no header row found")
	}
	return best, nil
}

// Commit applies a dry run's batch and records it in the ledger: the whole
// batch or, when ctx is cancelled or a write fails part way, none of it.
// Nothing is applied for a refused file.
func (imp *Importer) Commit(ctx context.Context, rep *FileReport) (data.ImportRecord, error) {
	if rep.Batch == nil {
		return data.ImportRecord{}, data.Errorf(data.EINVALID, "ไฟล์ %s ไม่ผ่านการตรวจสอบ จึงนำเข้าไม่ได้", "file %s was refused", rep.File)
	}
	rec, err := imp.Store.CommitImport(ctx, rep.Batch)
	if err == nil {
		rep.ImportID = rec.ID
	}
	return rec, err
}

// streamRows reads a sheet on its own goroutine and hands the rows to fn
// on this one, in order: excelize's XML decoding takes one core, and
// normalising and matching the rows the other.
func streamRows(ctx context.Context, wb *xlsx.Workbook, sheet string, fn func(row int, cells []string) error) error {
	type raw struct {
		row   int
		cells []string
	}
	const batchSize = 256
	batches := make(chan []raw, 8)
	stop := make(chan struct{})
	readErr := make(chan error, 1)
	go func() {
		defer close(batches)
		batch := make([]raw, 0, batchSize)
		send := func() bool {
			select {
			case batches <- batch:
				batch = make([]raw, 0, batchSize)
				return true
			case <-stop:
				return false
			}
		}
		err := wb.Rows(sheet, func(row int, cells []string) error {
			if batch = append(batch, raw{row, cells}); len(batch) == batchSize && !send() {
				return xlsx.ErrStop
			}
			return nil
		})
		if err == nil && len(batch) > 0 {
			send()
		}
		readErr <- err
	}()
	var err error
	for batch := range batches {
		if err != nil {
			continue // drain so the reader can finish
		}
		if err = ctx.Err(); err != nil {
			close(stop)
			continue
		}
		for _, r := range batch {
			if err = fn(r.row, r.cells); err != nil {
				close(stop)
				break
			}
		}
	}
	if rerr := <-readErr; err == nil {
		err = rerr
	}
	return err
}

func fileSHA256(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
