package app

import (
	"qmdesk/data"
	"qmdesk/data/xlsx"
)

// addThaiQMColumn adds the optional บันทึกใน ThaiQM แล้ว column after the
// template's columns: left blank for the district to write the day it
// keyed the row's result into ThaiQM (a date in any form the workbook's
// other date columns take). It is never pre-filled: a date the province
// exported would come back after a later change and mark it again.
func addThaiQMColumn(t *xlsx.Table) {
	n := len(t.Header)
	grow := func(b []bool, v bool) []bool {
		if len(b) == 0 {
			return b
		}
		return append(append(append([]bool{}, b...), make([]bool, max(0, n-len(b)))...), v)
	}
	t.Header = append(append([]string{}, t.Header...), data.HeaderThaiQM.Thai)
	if len(t.Widths) > 0 {
		t.Widths = append(append(append([]float64{}, t.Widths...), make([]float64, max(0, n-len(t.Widths)))...), 18)
	}
	t.Text = grow(t.Text, true)
	t.Locked = grow(t.Locked, false)
}
