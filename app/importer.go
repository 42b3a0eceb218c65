package app

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"time"

	"qmdesk/data"
	"qmdesk/data/xlsx"
)

// ImportReader is what a dry run reads of the register: the round the
// rows go into and the lists they are checked against, the households and
// problems they may match, and the ledger (a workbook imported before,
// the import a record was last changed by, a row waiting for review). It
// has no method that writes: a plan changes nothing.
type ImportReader interface {
	Meta(ctx context.Context) (data.Meta, error)
	Round(ctx context.Context, id uint64) (data.Round, error)
	SubProblems(ctx context.Context) (data.SubProblemList, error)
	Units(ctx context.Context) (data.UnitList, error)
	Households(ctx context.Context, f data.HouseholdFilter) ([]data.Household, error)
	Household(ctx context.Context, id uint64) (data.Household, error)
	HouseholdsByHouseCode(ctx context.Context, code string) ([]data.Household, error)
	HouseholdsByNationalID(ctx context.Context, id string) ([]data.Household, error)
	Problem(ctx context.Context, id uint64) (data.Problem, error)
	ProblemsOf(ctx context.Context, householdID uint64) ([]data.Problem, error)
	Actions(ctx context.Context, problemID uint64) ([]data.Action, error)
	Imports(ctx context.Context) ([]data.ImportRecord, error)
	ImportsBySHA256(ctx context.Context, sum string) ([]data.ImportRecord, error)
	Review(ctx context.Context, id uint64) (data.Review, error)
}

// ImportStore is what importing needs of the register: a dry run's
// reads, the commit of a plan, and a review's decision (and the renewal
// of a review the register moved away from).
type ImportStore interface {
	ImportReader
	CommitImport(ctx context.Context, b *data.ImportBatch) (data.ImportRecord, error)
	DecideReview(ctx context.Context, id uint64, decision string, b *data.ImportBatch) error
	RenewReview(ctx context.Context, id uint64, conflicts []data.FieldConflict, reason data.Sentence) error
}

// Importer reads district workbooks into the register: a dry run first
// (Plan), then an atomic commit of exactly what the dry run reported.
type Importer struct {
	Store ImportStore
	Geo   *data.Geography
	Clock data.Clock // the register's day: action dates, dates in the future
	// Progress, when set, is told every 1,000 data rows how many a dry
	// run has read, so a window can show a long file moving. A dry run
	// that starts over (a big sheet whose merged ranges, found at its
	// end, change rows already planned) counts from the start again.
	Progress func(rows int)

	places      *places
	units       data.UnitList // the province's municipalities, for the rows' unit column
	round       data.Round    // the current round, which the rows go into
	subProblems data.SubProblemList
	subIndex    map[string]data.SubProblem // problemKey → entry of subProblems
	guesses     map[string]guess           // problemKey of a name not in the list → closest entry
	subFound    map[subName]subFound       // category and name as a row wrote them → findSubProblem's answer
	dates       map[string]dateRead        // a date cell → what readDate made of it
}

type subName struct {
	c    data.Category
	name string
}

type subFound struct {
	s  data.SubProblem
	ok bool
}

// findSubProblem looks a sub-problem up by category and name, ignoring
// blanks, through an index built once per run.
func (imp *Importer) findSubProblem(c data.Category, name string) (data.SubProblem, bool) {
	if imp.subIndex == nil {
		imp.subFound = nil // the list was read again: what was found goes with the old index
	}
	if f, ok := imp.subFound[subName{c, name}]; ok {
		return f.s, f.ok
	}
	s, ok := imp.lookUpSubProblem(c, name)
	if imp.subFound == nil {
		imp.subFound = map[subName]subFound{}
	}
	if len(imp.subFound) < maxKeptDates { // a file writes a few hundred names
		imp.subFound[subName{c, strings.Clone(name)}] = subFound{s, ok}
	}
	return s, ok
}

func (imp *Importer) lookUpSubProblem(c data.Category, name string) (data.SubProblem, bool) {
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
	Path    string
	File    string
	SHA256  string
	Refused string // Thai; the whole file was refused
	Err     error  // the refusal, for logs
	Sheet   string // the sheets read, by name, joined with ", "
	// Sheets says what became of every sheet of the workbook, read or
	// not, in workbook order.
	Sheets   []SheetReport
	Header   []int    // header row numbers of the first sheet read
	Unknown  []string // columns ignored, of every sheet read
	Skipped  int      // blank and subtotal rows
	Batch    *data.ImportBatch
	Earlier  []data.ImportRecord // earlier imports of the same file
	ImportID uint64              // set by Commit
	// Round is the round the rows go into; Ended says its deadline has
	// passed, so the problems the file adds are overdue the day they come.
	Round data.Round
	Ended bool
	// Formulas are the rows refused because a cell the import reads
	// holds a formula whose result the file did not save.
	Formulas FormulaRows
	// FileDate is the workbook's own date (the day it was saved), which
	// its rows without an action date carry unless their sheet's title
	// gives one (SheetReport.Dated); zero when the file does not say, or
	// says a day before the round or after today: then they carry the
	// day of the import (today).
	FileDate data.Date
	today    data.Date

	password string
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
// changing anything. Every sheet whose header names the columns a row
// needs is read; the report says of every other sheet why it was not. A
// refused file comes back with Refused set and a nil error; the error is
// for failures of the program or the database. The dry run is bounded by
// importTimeBudget and the file by xlsx.Limit and maxDataRows.
func (imp *Importer) Plan(ctx context.Context, path, password string) (*FileReport, error) {
	rep := &FileReport{Path: path, File: filepath.Base(path)}
	ctx, cancel := context.WithTimeoutCause(ctx, importTimeBudget, errTimeBudget)
	defer cancel()
	refuse := func(err error) (*FileReport, error) {
		if errors.Is(context.Cause(ctx), errTimeBudget) {
			err = timeBudgetRefusal()
		}
		rep.Refused, rep.Err = data.ErrorMessage(err), err
		return rep, nil
	}
	// fail refuses the file for what is wrong with it (or for taking too
	// long); a cancelled run and the database's errors are errors.
	fail := func(err error) (*FileReport, error) {
		if code := data.ErrorCode(err); errors.Is(context.Cause(ctx), errTimeBudget) || code == data.EINVALID || code == data.ENOTFOUND {
			return refuse(err)
		}
		return nil, err
	}
	sum, err := fileSHA256(ctx, path)
	if err != nil {
		return fail(err)
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
	imp.subIndex, imp.guesses, imp.dates = nil, nil, nil
	imp.places = newPlaces(imp.Geo, meta.Province)
	if imp.units, err = imp.Store.Units(ctx); err != nil {
		return nil, err
	}
	if imp.round, err = imp.Store.Round(ctx, meta.DefaultRound); err != nil {
		return nil, err
	}
	// The workbook is read once: its sheets' first rows choose what is
	// read (surveySheets), then the rows of the sheets not read are
	// counted and those of the sheets read are planned, as they stream.
	var pl *planner
	defer func() {
		if pl != nil {
			pl.release(rep)
		}
	}()
	// The rows parsed here (on the goroutine the reader hands them to)
	// are planned on another, feed's, started at the first data row and
	// ended (wait) before anything else touches the planner.
	var feed *planFeed
	handed := 0 // rows handed on to be planned: the batch's rows once planned
	endFeed := func() error {
		if feed == nil {
			return nil
		}
		err := feed.wait()
		handed, feed = feed.handed, nil
		return err
	}
	defer endFeed() // before pl's release
	var names []string
	var storeErr error // the database's, not the file's
	otherProvince := ""
	sheetOf := map[string]*SheetReport{}
	var shown []xlsx.Head // what Choose was shown
	err = xlsx.Read(ctx, path, password, xlsx.Reading{
		HeadRows: headerScanRows,
		Choose: func(saved time.Time, heads []xlsx.Head) ([]string, error) {
			shown = heads
			rep.Sheets = surveySheets(heads)
			var counted []string
			for i := range rep.Sheets {
				s := &rep.Sheets[i]
				sheetOf[s.Name] = s
				switch {
				case s.Imported:
					names = append(names, s.Name)
					if rep.Header == nil {
						rep.Header = s.Header
					}
					rep.Unknown = append(rep.Unknown, s.Unknown...)
				case s.Rows == 0:
					counted = append(counted, s.Name)
				}
			}
			rep.Sheet = strings.Join(names, ", ")
			rep.password = password
			if len(names) == 0 {
				return counted, nil // refused below, with what each sheet holds
			}
			if rep.Earlier, storeErr = imp.Store.ImportsBySHA256(ctx, sum); storeErr != nil {
				return nil, storeErr
			}
			pl = newPlanner(ctx, imp, meta, rep.File)
			rep.Round, rep.Ended = imp.round, imp.round.Deadline.Before(pl.today)
			pl.b.File, pl.b.SHA256, pl.b.Sheet = rep.File, sum, rep.Sheet
			// The age of rows without an action date: the day the
			// workbook says it was saved, if that is a day of the round
			// (tools that do not keep the date leave their own, like
			// excelize's 16 Sep 2006), unless the sheet's title gives
			// the date of its information (dateByTitles).
			if saved := data.DateOf(saved); !saved.Before(imp.round.Start) && !saved.After(pl.today) {
				pl.fileDate = saved
			}
			rep.FileDate, rep.today = pl.fileDate, pl.today
			pl.dateByTitles(imp, rep.Sheets, heads) // "ข้อมูล ณ วันที่ …" above a header
			return append(counted, names...), nil
		},
		Row: func(sheet string, row int, cells []string, formulas []int) error {
			s := sheetOf[sheet]
			if cells == nil && (!s.Imported || s.layout.formulaColumn(formulas) == 0) {
				// Nothing but formulas without their results, none in
				// a column the import reads: a blank row. Those with one
				// are data rows whose values are not known, refused below.
				return nil
			}
			if !s.Imported {
				s.countRow(row, cells)
				return nil
			}
			l := s.layout
			if row <= l.HeaderRows[len(l.HeaderRows)-1] {
				if row < l.HeaderRows[0] {
					// Above a later sheet's header: the planner's
					// again, once the rows before are planned.
					if err := endFeed(); err != nil {
						return err
					}
					pl.noteUnitTitle(imp.units, cells)
				}
				return nil
			}
			if cells != nil && (isBlankRow(cells) || l.isSubtotalRow(cells)) {
				s.Skipped++
				rep.Skipped++
				return nil
			}
			if feed == nil {
				feed = newPlanFeed(pl, handed, imp.Progress)
			}
			if feed.handed >= maxDataRows {
				return tooManyRows()
			}
			var in rowInput
			if c := l.formulaColumn(formulas); c > 0 {
				in = formulaRow(l, row, c)
				rep.Formulas.note(in, c)
			} else {
				in = imp.parseRow(l, row, cells)
			}
			if in.Reject != nil && strings.HasPrefix(in.Reject.Reason, "แถวนี้เป็นของจังหวัด") && otherProvince == "" {
				if p, err := imp.Geo.FindProvince(in.Reject.Value); err == nil {
					otherProvince = p.Thai // the name, not "จ.ขอนแก่น" as the cell wrote it
				}
			}
			s.Rows++
			return feed.add(in)
		},
		// The reader hands rows on before the sheet's merged ranges are
		// known (they come at the end of its XML), so that a big sheet is
		// inflated once. When they turn out to change a row handed on
		// already, it reads the workbook again from the start, ranges
		// known: everything made of the first read is dropped here (the
		// plan, with its temporary file) and Plan is where it began.
		Restart: func() error {
			endFeed() // the planner's error goes with its plan
			handed = 0
			if pl != nil {
				pl.release(nil)
				pl = nil
			}
			names, storeErr, otherProvince, shown = nil, nil, "", nil
			sheetOf = map[string]*SheetReport{}
			*rep = FileReport{Path: rep.Path, File: rep.File, SHA256: rep.SHA256}
			imp.subIndex, imp.guesses, imp.dates = nil, nil, nil
			imp.places = newPlaces(imp.Geo, meta.Province)
			return ctx.Err()
		},
		// Ranges that change only the rows above the data (a title
		// merged across the sheet, as the template has) change nothing
		// of the plan when the sheets chosen, their layout, the unit the
		// titles name and the date they give stay the same: Row reads
		// nothing else of them.
		Recheck: func(head xlsx.Head, was, now []xlsx.HeadRow) bool {
			if len(names) != 1 || len(shown) != 1 || sheetOf[names[0]] == nil {
				return false
			}
			if !reflect.DeepEqual(surveySheets(shown), surveySheets([]xlsx.Head{head})) {
				return false
			}
			l := sheetOf[names[0]].layout
			for i := range was {
				if was[i].N > l.HeaderRows[len(l.HeaderRows)-1] && !slices.Equal(was[i].Cells, now[i].Cells) {
					return false
				}
			}
			wasText, wasDate, _ := imp.titleDate(was, l.HeaderRows[0])
			nowText, nowDate, _ := imp.titleDate(now, l.HeaderRows[0])
			return wasText == nowText && wasDate == nowDate &&
				reflect.DeepEqual(titleUnit(imp.units, was, l.HeaderRows[0]), titleUnit(imp.units, now, l.HeaderRows[0]))
		},
		Done: func(sheet string, err error) error {
			// A sheet only counted that cannot be read is not the
			// file's end: its count stays what was read.
			if s := sheetOf[sheet]; !s.Imported && err != nil && ctx.Err() == nil && !errors.Is(err, xlsx.ErrTooLarge) {
				return nil
			}
			return err
		},
	})
	// The planner's error comes first: it failed at a row before any
	// the reader went on to (as when it ended the read at once).
	if ferr := endFeed(); ferr != nil {
		err = ferr
	}
	if storeErr != nil {
		return nil, storeErr
	}
	if err != nil {
		return fail(err)
	}
	if len(names) == 0 {
		return refuse(noSheetRead(rep.Sheets))
	}
	b := pl.b
	if err := pl.err(); err != nil {
		return nil, err
	}
	if b.Counts.Rows == 0 {
		return refuse(data.Errorf(data.EINVALID, "ไม่พบข้อมูลใต้หัวตารางในแผ่นงาน '%s'", "no data rows under the header of sheet %q", rep.Sheet))
	}
	if otherProvince != "" && b.Counts.Rejected == b.Counts.Rows {
		return refuse(data.Errorf(data.EINVALID, "ไฟล์นี้เป็นข้อมูลของจังหวัด%s ไม่ใช่จังหวัดของฐานข้อมูลนี้ จึงไม่นำเข้า", "workbook belongs to province %s", otherProvince))
	}
	if rep.Formulas.Rows == b.Counts.Rows {
		// A file made by a program that does not calculate formulas:
		// one message, not one per row.
		return refuse(rep.Formulas.allRows(b.Counts.Rows))
	}
	rep.Batch = b
	return rep, nil
}

// titleUnit is the unit Row's titles above the header (rows before row
// header) name, as Plan notes it from them (noteUnitTitle).
func titleUnit(units data.UnitList, rows []xlsx.HeadRow, header int) data.Unit {
	var pl planner
	for _, r := range rows {
		if r.N < header {
			pl.noteUnitTitle(units, r.Cells)
		}
	}
	return pl.unit
}

// noSheetRead is the refusal of a workbook none of whose sheets can be
// read, with what became of each.
func noSheetRead(sheets []SheetReport) error {
	if len(sheets) == 1 && sheets[0].Why == noHeader {
		return data.Errorf(data.EINVALID, "ไม่พบแถวหัวตารางในไฟล์นี้ (ต้องมีหัวคอลัมน์อย่างน้อย 3 คอลัมน์ เช่น รหัสบ้าน, ตำบล, ด้าน, ปัญหา) กรุณาใช้แบบฟอร์มของจังหวัด", "no header row found")
	}
	var lines, english []string
	formulas := false
	for _, s := range sheets {
		lines, english = append(lines, s.Line()), append(english, s.LineEnglish())
		formulas = formulas || s.formulaHead
	}
	if formulas {
		// Not a file of another form: a header the file holds as
		// formulas without their results (what to do is in the line).
		return data.Messages(data.EINVALID, "อ่านหัวตารางไม่ได้: %s", []any{strings.Join(lines, " · ")},
			"cannot read the header: %s", strings.Join(english, " · "))
	}
	return data.Messages(data.EINVALID, "ไม่พบแผ่นงานที่มีหัวตารางของข้อมูลในไฟล์นี้ กรุณาใช้แบบฟอร์มของจังหวัด: %s", []any{strings.Join(lines, " · ")},
		"no sheet with a data header among %d", len(sheets))
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

// fileSHA256 hashes the file at path, which must be a regular file (a pipe
// or a device would never end) of no more than xlsx.Limit.FileBytes.
func fileSHA256(ctx context.Context, path string) (string, error) {
	f, fi, err := xlsx.OpenRegular(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	if fi.Size() > xlsx.Limit.FileBytes {
		return "", nil // not hashed: opening it refuses it
	}
	h := sha256.New()
	buf := make([]byte, 1<<20)
	for {
		n, err := f.Read(buf)
		h.Write(buf[:n])
		if err == io.EOF {
			break
		}
		if err != nil {
			return "", &data.Error{Code: data.ENOTFOUND, Message: "อ่านไฟล์ " + filepath.Base(path) + " ไม่ได้ กรุณาตรวจสอบว่าไฟล์ยังอยู่และไม่ได้ถูกเปิดค้างในโปรแกรมอื่น", English: "cannot read file", Err: err}
		}
		if err := ctx.Err(); err != nil {
			return "", err
		}
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
