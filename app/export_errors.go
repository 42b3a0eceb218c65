package app

import (
	"os"
	"path/filepath"
	"strings"

	"qmdesk/data"
	"qmdesk/data/xlsx"
)

// WriteErrorWorkbook writes, into dir, the rows of a dry run or import that
// were not taken: the district's own cells, the offending cell highlighted,
// and beside them what happened and why, ready to send back. Rows that
// wait for the province's own decision (a conflict with a newer change in
// qmdesk) are not the district's to fix and stay out. It writes nothing
// and returns "" when there is nothing to send back.
func WriteErrorWorkbook(rep *FileReport, dir string) (string, error) {
	if rep.Batch == nil {
		return "", nil
	}
	type place struct {
		sheet string
		row   int
	}
	bad := map[place]data.RowResult{}
	for r := range rep.Batch.RowResults() {
		if r.Fate == data.FateRejected || r.Fate == data.FateReview && !r.ForProvince {
			bad[place{r.Sheet, r.Row}] = r
		}
	}
	if len(bad) == 0 {
		return "", nil
	}
	wb, err := xlsx.Open(rep.Path, rep.password)
	if err != nil {
		return "", err
	}
	defer wb.Close()
	// One sheet of rows to fix per sheet read, under that sheet's name
	// when the file had several.
	several := rep.ImportedSheets() > 1
	var tables []xlsx.Table
	for _, s := range rep.Sheets {
		if !s.Imported || s.layout == nil {
			continue
		}
		l := s.layout
		type line struct {
			cells []string
			res   data.RowResult
		}
		var lines []line
		err = wb.Rows(l.Sheet, func(row int, cells []string) error {
			if r, ok := bad[place{l.Sheet, row}]; ok {
				lines = append(lines, line{append([]string(nil), cells...), r})
			}
			return nil
		})
		if err != nil {
			return "", err
		}
		if len(lines) == 0 {
			continue
		}
		width := len(l.Header)
		header := append(append([]string{}, l.Header...), "แถวในไฟล์เดิม", "ผลการนำเข้า", "เหตุผล / สิ่งที่ต้องแก้ไข")
		widths := make([]float64, len(header))
		for i := range widths {
			widths[i] = 14
		}
		widths[width+2] = 60
		text := make([]bool, len(header))
		for i := range text {
			text[i] = i < width // the district's cells go back exactly as they were
		}
		name, title := "แถวที่ต้องแก้ไข", "ไฟล์ "+rep.File+": แถวที่จังหวัดยังไม่รับ ("+data.FormatNumber(int64(len(lines)))+" แถว) กรุณาแก้ไขช่องที่ระบายสีแล้วส่งกลับ"
		if several {
			name = l.Sheet // already a valid, unique sheet name
			title = "ไฟล์ " + rep.File + " แผ่นงาน '" + l.Sheet + "': แถวที่จังหวัดยังไม่รับ (" + data.FormatNumber(int64(len(lines))) + " แถว) กรุณาแก้ไขช่องที่ระบายสีแล้วส่งกลับ"
		}
		tables = append(tables, xlsx.Table{
			Sheet: name, Header: header, Widths: widths, Text: text, RowCount: len(lines),
			Titles: []string{title},
			Row: func(i int) ([]any, []bool) {
				ln := lines[i]
				cells := make([]any, len(header))
				hl := make([]bool, len(header))
				for c := 0; c < width && c < len(ln.cells); c++ {
					cells[c] = ln.cells[c]
				}
				for c := 0; c < width; c++ {
					if ln.res.Column != "" && data.CleanText(l.Header[c]) == ln.res.Column {
						hl[c] = true
					}
				}
				cells[width], cells[width+1], cells[width+2] = ln.res.Row, ln.res.Fate.Thai(), ln.res.Reason
				return cells, hl
			},
		})
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", data.FileError(data.CreatingFolder, dir, err)
	}
	out := filepath.Join(dir, strings.TrimSuffix(rep.File, filepath.Ext(rep.File))+"-แถวที่ต้องแก้ไข.xlsx")
	return out, xlsx.Write(out, tables, "")
}
