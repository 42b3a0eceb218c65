package app

import (
	"strings"
	"time"

	"qmdesk/data"
)

// versionHeader heads the follow-up workbook's hidden, locked column that
// stamps each row with the last change of the household and the problem
// it was made from: on import, a record changed in qmdesk since then is
// not overwritten by the row's older values without the clerk seeing it.
const versionHeader = "รุ่นข้อมูล (ห้ามแก้ไข)"

// rowStamp is what a follow-up row's version cell says.
type rowStamp struct {
	household, problem time.Time
}

// versionStamp writes the stamp of a household and a problem: their
// UpdatedAt, exactly.
func versionStamp(h *data.Household, p *data.Problem) string {
	return "h:" + h.UpdatedAt.UTC().Format(time.RFC3339Nano) + " p:" + p.UpdatedAt.UTC().Format(time.RFC3339Nano)
}

// parseStamp reads a version cell; ok is false for anything else (an
// empty cell, a stamp someone edited).
func parseStamp(s string) (rowStamp, bool) {
	var st rowStamp
	f := strings.Fields(s)
	if len(f) != 2 || !strings.HasPrefix(f[0], "h:") || !strings.HasPrefix(f[1], "p:") {
		return st, false
	}
	var err1, err2 error
	st.household, err1 = time.Parse(time.RFC3339Nano, f[0][2:])
	st.problem, err2 = time.Parse(time.RFC3339Nano, f[1][2:])
	return st, err1 == nil && err2 == nil
}
