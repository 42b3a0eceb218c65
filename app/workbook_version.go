package app

import (
	"fmt"
	"hash/fnv"
	"strconv"
	"strings"
	"time"

	"qmdesk/data"
)

// versionHeader heads the follow-up workbook's hidden, locked column that
// stamps each row with the last change of the household and the problem
// it was made from, and a short hash of each value the district may edit:
// on import, a value the district left as it was never overwrites
// qmdesk's, and a record changed in qmdesk since the export is not
// overwritten by the row without the clerk seeing it.
const versionHeader = "รุ่นข้อมูล (ห้ามแก้ไข)"

// stampFields are the editable values a stamp hashes, in order, as the
// row's household and problem hold them.
var stampFields = []struct {
	key string
	of  func(h *data.Household, p *data.Problem, hasStatus bool) string
}{
	{"house_no", func(h *data.Household, _ *data.Problem, _ bool) string { return h.HouseNo }},
	{"village_no", func(h *data.Household, _ *data.Problem, _ bool) string { return itoaNonZero(h.VillageNo) }},
	{"village_name", func(h *data.Household, _ *data.Problem, _ bool) string { return h.VillageName }},
	{"title", func(h *data.Household, _ *data.Problem, _ bool) string { return h.Head.Title }},
	{"first_name", func(h *data.Household, _ *data.Problem, _ bool) string { return h.Head.FirstName }},
	{"last_name", func(h *data.Household, _ *data.Problem, _ bool) string { return h.Head.LastName }},
	{"phone", func(h *data.Household, _ *data.Problem, _ bool) string { return h.Head.Phone }},
	{"members", func(h *data.Household, _ *data.Problem, _ bool) string { return itoaNonZero(h.Members) }},
	{"detail", func(_ *data.Household, p *data.Problem, _ bool) string { return p.Detail }},
	{"status", func(_ *data.Household, p *data.Problem, has bool) string {
		if !has {
			return ""
		}
		return p.Status.Key()
	}},
}

func itoaNonZero(n int) string {
	if n == 0 {
		return ""
	}
	return strconv.Itoa(n)
}

// rowStamp is what a follow-up row's version cell says.
type rowStamp struct {
	household, problem time.Time
	fields             []uint16 // hashes of stampFields as exported; nil in an older stamp
}

func fieldHash(s string) uint16 {
	h := fnv.New32a()
	h.Write([]byte(data.CleanText(s)))
	v := h.Sum32()
	return uint16(v ^ v>>16)
}

// versionStamp writes the stamp of a household and a problem: their
// UpdatedAt, exactly, and the hashes of their editable values.
func versionStamp(h *data.Household, p *data.Problem) string {
	var b strings.Builder
	b.WriteString("h:" + h.UpdatedAt.UTC().Format(time.RFC3339Nano) + " p:" + p.UpdatedAt.UTC().Format(time.RFC3339Nano) + " f:")
	for _, f := range stampFields {
		fmt.Fprintf(&b, "%04x", fieldHash(f.of(h, p, true)))
	}
	return b.String()
}

// parseStamp reads a version cell; ok is false for anything else (an
// empty cell, a stamp someone edited).
func parseStamp(s string) (rowStamp, bool) {
	var st rowStamp
	f := strings.Fields(s)
	if len(f) < 2 || len(f) > 3 || !strings.HasPrefix(f[0], "h:") || !strings.HasPrefix(f[1], "p:") {
		return st, false
	}
	var err1, err2 error
	st.household, err1 = time.Parse(time.RFC3339Nano, f[0][2:])
	st.problem, err2 = time.Parse(time.RFC3339Nano, f[1][2:])
	if err1 != nil || err2 != nil {
		return rowStamp{}, false
	}
	if len(f) == 3 {
		hex := strings.TrimPrefix(f[2], "f:")
		if len(hex) != 4*len(stampFields) {
			return rowStamp{}, false
		}
		for i := range stampFields {
			v, err := strconv.ParseUint(hex[4*i:4*i+4], 16, 16)
			if err != nil {
				return rowStamp{}, false
			}
			st.fields = append(st.fields, uint16(v))
		}
	}
	return st, true
}

// untouched empties the values of a stamped row that the district left as
// they were exported, so that they never overwrite what qmdesk has now:
// only what the district wrote is the workbook's.
func untouched(in *rowInput) {
	if !in.Stamped || in.Stamp.fields == nil {
		return
	}
	for i, f := range stampFields {
		if fieldHash(f.of(&in.Household, &in.Problem, in.HasStatus)) != in.Stamp.fields[i] {
			continue
		}
		keepCurrent(in, []data.FieldConflict{{Field: f.key}})
	}
}
