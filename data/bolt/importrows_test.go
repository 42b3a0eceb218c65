package bolt

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"reflect"
	"testing"

	"go.etcd.io/bbolt"

	"qmdesk/data"
)

// importRows reads back the fate of every row of import id, as packRows
// wrote it: the tests' look at what an import kept in the ledger. The
// program itself never reads the row fates back.
func importRows(s *Store, id uint64) (out []data.RowResult, err error) {
	err = s.view(func(tx *bbolt.Tx) error {
		var rec data.ImportRecord
		if _, err := getJSON(tx, bucketImports, itob(id), &rec); err != nil {
			return err
		}
		pre := itob(id)
		c := tx.Bucket(bucketImportRows).Cursor()
		for k, v := c.Seek(pre); k != nil && hasPrefix(k, pre); k, v = c.Next() {
			part, err := unpackRows(v, rec.Sheet)
			if err != nil {
				return err
			}
			out = append(out, part...)
		}
		return nil
	})
	return out, err
}

// unpackRows decodes one part of an import's row fates (packRows).
func unpackRows(b []byte, sheet string) ([]data.RowResult, error) {
	var out []data.RowResult
	for len(b) > 0 {
		row, n := binary.Uvarint(b)
		if n <= 0 || len(b) < n+1 {
			return out, corrupt(bucketImportRows, nil, nil)
		}
		f := int(b[n]) - 1
		b = b[n+1:]
		if f < 0 || f >= len(data.Fates) {
			return out, corrupt(bucketImportRows, nil, nil)
		}
		r := data.RowResult{Sheet: sheet, Row: int(row), Fate: data.Fates[f]}
		if r.Fate == data.FateRejected || r.Fate == data.FateReview {
			size, n := binary.Uvarint(b)
			if n <= 0 || uint64(len(b)-n) < size {
				return out, corrupt(bucketImportRows, nil, nil)
			}
			var d rowDetail
			if err := json.Unmarshal(b[n:n+int(size)], &d); err != nil {
				return out, corrupt(bucketImportRows, nil, err)
			}
			r.Sheet, r.Column, r.Value, r.Reason, r.ReasonEnglish = d.Sheet, d.Column, d.Value, d.Reason, d.ReasonEnglish
			b = b[n+int(size):]
		}
		out = append(out, r)
	}
	return out, nil
}

// oldRows is an import's rows as packRows wrote them before it kept the
// reason in English: row 2 taken, row 3 rejected.
func oldRows() []byte {
	b := binary.AppendUvarint(nil, 2)
	b = append(b, 1) // new household
	b = binary.AppendUvarint(b, 3)
	b = append(b, 6) // rejected
	detail := []byte(`{"Sheet":"S","Column":"ตำบล","Value":"ไม่มีตำบลนี้","Reason":"ไม่พบตำบล 'ไม่มีตำบลนี้' ในอำเภอเมืองอุดรธานี"}`)
	b = binary.AppendUvarint(b, uint64(len(detail)))
	return append(b, detail...)
}

// The rows of an import packed before the English was kept read back
// with their Thai reason and no English (the window shows the Thai).
func TestUnpackRowsReadsRowsPackedWithoutEnglish(t *testing.T) {
	rows, err := unpackRows(oldRows(), "S")
	if err != nil {
		t.Fatal(err)
	}
	want := []data.RowResult{{Sheet: "S", Row: 2, Fate: data.FateNewHousehold},
		{Sheet: "S", Row: 3, Fate: data.FateRejected, Column: "ตำบล", Value: "ไม่มีตำบลนี้", Reason: "ไม่พบตำบล 'ไม่มีตำบลนี้' ในอำเภอเมืองอุดรธานี"}}
	if !reflect.DeepEqual(rows, want) {
		t.Fatalf("read %+v\nwant %+v", rows, want)
	}
}

// A row not taken keeps its reason in Thai and in English; a row taken
// keeps no detail.
func TestPackRowsKeepsTheReasonInEnglish(t *testing.T) {
	want := []data.RowResult{
		{Sheet: "S", Row: 2, Fate: data.FateUpdated},
		{Sheet: "S", Row: 3, Fate: data.FateRejected, Column: "ตำบล", Value: "x", Reason: "ไม่ได้ระบุตำบล", ReasonEnglish: "The tambon is not given"},
		{Sheet: "T", Row: 4, Fate: data.FateReview, Reason: "เหตุ", ReasonEnglish: "why"},
		{Sheet: "S", Row: 5, Fate: data.FateRejected, Reason: "ไม่มีภาษาอังกฤษ"},
	}
	b := &data.ImportBatch{}
	for _, r := range want {
		b.AddRow(r)
	}
	got, err := unpackRows(packRows(b, 0, b.NumRows()), "S")
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Fatalf("read %+v, %v\nwant %+v", got, err, want)
	}
	// A row without English packs as the older layout has it.
	old := binary.AppendUvarint(nil, 5)
	old = append(old, 6)
	detail := `{"Sheet":"S","Column":"","Value":"","Reason":"ไม่มีภาษาอังกฤษ"}`
	old = append(binary.AppendUvarint(old, uint64(len(detail))), detail...)
	if packed := packRows(b, 3, 4); !bytes.Equal(packed, old) {
		t.Errorf("a row without English packs as %q, not as before (%q)", packed, old)
	}
}

// Whatever a value of the import rows holds (a damaged file, an older or
// a newer layout), unpackRows does not panic, and the rows it reads pack
// and read back the same.
func FuzzUnpackRows(f *testing.F) {
	f.Add(oldRows())
	b := &data.ImportBatch{}
	b.AddRow(data.RowResult{Sheet: "S", Row: 7, Fate: data.FateReview, Column: "ปัญหา", Value: "ก", Reason: "เหตุ", ReasonEnglish: "why"})
	b.AddRow(data.RowResult{Sheet: "S", Row: 8, Fate: data.FateUnchanged})
	f.Add(packRows(b, 0, 2))
	f.Add([]byte{})
	f.Add([]byte{0x80})
	f.Add([]byte{2, 6, 5, '{', '}', 'x'})
	f.Fuzz(func(t *testing.T, v []byte) {
		rows, err := unpackRows(v, "S")
		if err != nil {
			if data.ErrorCode(err) != data.EDAMAGED {
				t.Fatalf("%q: %v, want a damaged record", v, err)
			}
			return
		}
		b := &data.ImportBatch{}
		for _, r := range rows {
			b.AddRow(r)
		}
		again, err := unpackRows(packRows(b, 0, b.NumRows()), "S")
		if err != nil || !reflect.DeepEqual(again, rows) {
			t.Fatalf("%q read %+v, packed again %+v, %v", v, rows, again, err)
		}
	})
}
