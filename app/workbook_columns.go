package app

import (
	"strings"

	"qmdesk/data"
	"qmdesk/data/xlsx"
)

// field is a column of the district workbook template.
type field int

const (
	fUnknown field = iota
	fSeq
	fHouseCode
	fHouseNo
	fVillageNo
	fVillageName
	fTambon
	fAmphoe
	fProvince
	fNationalID
	fTitle
	fFirstName
	fLastName
	fFullName // ชื่อ-สกุล in one cell
	fPhone
	fMembers
	fOrigin
	fCategory
	fSubProblem
	fDetail
	fReXRay
	fStatus
	fActionDate
	fAgency
	fWhat
	fBudget
	fNote
	fTargetDate
	fLeadAgency
	fVersion // the follow-up workbook's hidden stamp of the records a row was made from
	fThaiQM  // บันทึกใน ThaiQM แล้ว: the day the row's result was keyed into ThaiQM (optional)
	fUnit    // the municipality the household belongs to (optional)
	fieldCount
)

// TemplateHeaders are the template's column headers, in order; the
// exporter writes them and the alias table starts from them.
var TemplateHeaders = []struct {
	Field  field
	Header string
}{
	{fSeq, "ลำดับ"}, {fHouseCode, "รหัสบ้าน"}, {fHouseNo, "บ้านเลขที่"}, {fVillageNo, data.WordVillageNo.Thai}, {fVillageName, "ชื่อหมู่บ้าน"},
	{fTambon, "ตำบล"}, {fAmphoe, "อำเภอ"}, {fProvince, "จังหวัด"}, {fNationalID, "เลขประจำตัวประชาชน"}, {fTitle, "คำนำหน้า"},
	{fFirstName, "ชื่อ"}, {fLastName, "นามสกุล"}, {fPhone, "โทรศัพท์"}, {fMembers, "จำนวนสมาชิก"}, {fOrigin, "ที่มา"},
	{fCategory, data.WordCategory.Thai}, {fSubProblem, "ปัญหา"}, {fDetail, "รายละเอียด"}, {fReXRay, data.HeaderReXRay.Thai}, {fStatus, data.HeaderStatus.Thai},
	{fActionDate, data.HeaderActionDate.Thai}, {fAgency, data.HeaderAgency.Thai}, {fWhat, data.HeaderWhat.Thai}, {fBudget, data.HeaderBudget.Thai}, {fNote, "หมายเหตุ"},
	{fUnit, data.WordMunicipality.Thai},
}

// headerAliases maps every header spelling seen in district workbooks,
// reduced by headerKey, to its field. One table: add spellings here.
var headerAliases = func() map[string]field {
	m := map[string]field{}
	add := func(f field, names ...string) {
		for _, n := range names {
			m[headerKey(n)] = f
		}
	}
	for _, h := range TemplateHeaders {
		add(h.Field, h.Header)
	}
	// The glossary's older spellings of the headers it names.
	for f, t := range map[field]data.Term{fReXRay: data.HeaderReXRay, fActionDate: data.HeaderActionDate, fAgency: data.HeaderAgency,
		fWhat: data.HeaderWhat, fTargetDate: data.WordTargetDate, fVillageNo: data.WordVillageNo, fThaiQM: data.HeaderThaiQM} {
		add(f, t.Thai)
		add(f, t.Old...)
		add(f, t.Input...)
	}
	add(fSeq, "ลำดับที่", "ที่", "no", "ลำดับ ที่")
	add(fHouseCode, "รหัสประจำบ้าน", "เลขรหัสประจำบ้าน", "รหัสบ้าน 11 หลัก", "เลขรหัสบ้าน", "house code")
	add(fHouseNo, "เลขที่บ้าน", "บ้านเลขที่/ที่อยู่", "เลขที่")
	add(fVillageNo, "หมู่", "ม.", "หมู่ที่/ชุมชน") // the glossary writes only WordVillageNo
	add(fVillageName, "หมู่บ้าน", "ชื่อหมู่บ้าน/ชุมชน", "ชุมชน")
	add(fTambon, "ตำบล/แขวง", "แขวง", "ต.")
	add(fAmphoe, "อำเภอ/เขต", "เขต", "อ.")
	add(fProvince, "จ.")
	add(fNationalID, "เลขบัตรประชาชน", "เลขบัตรประจำตัวประชาชน", "เลขประจำตัวประชาชน 13 หลัก", "เลขบัตรประชาชน 13 หลัก",
		"เลขประจำตัวประชาชนหัวหน้าครัวเรือน", "เลขบัตรประจำตัวประชาชน 13 หลัก", "เลขที่บัตรประชาชน", "รหัสประจำตัวประชาชน", "national id")
	add(fTitle, "คำนำหน้าชื่อ", "คำนำ")
	add(fFirstName, "ชื่อหัวหน้าครัวเรือน", "ชื่อตัว")
	add(fLastName, "สกุล", "นามสกุลหัวหน้าครัวเรือน")
	add(fFullName, "ชื่อ-สกุล", "ชื่อ-นามสกุล", "ชื่อ สกุล", "ชื่อและนามสกุล", "หัวหน้าครัวเรือน", "ชื่อ-สกุล หัวหน้าครัวเรือน")
	add(fPhone, "เบอร์โทร", "เบอร์โทรศัพท์", "หมายเลขโทรศัพท์", "โทร.", "โทร")
	add(fMembers, "สมาชิก", "จำนวนสมาชิกในครัวเรือน", "จำนวนสมาชิก (คน)", "จำนวนคน")
	add(fOrigin, "ประเภท", "ประเภทครัวเรือน", "ที่มาของข้อมูล", "กลุ่ม")
	add(fCategory, "ด้านปัญหา", "ด้านที่", "ปัญหาด้าน", "มิติ", "ด้าน (1-7)")
	add(fSubProblem, "สภาพปัญหา", "ปัญหาที่พบ", "ประเด็นปัญหา", "ปัญหา/ความต้องการ")
	add(fDetail, "รายละเอียดปัญหา", "รายละเอียดเพิ่มเติม")
	add(fReXRay, "Re-X-Ray")
	add(fStatus, "สถานะการแก้ไข", "สถานะการดำเนินการ", "ผลการแก้ไข", "ผลการดำเนินการ", "สถานะปัจจุบัน", "สถานะการช่วยเหลือ")
	add(fActionDate, "วันที่", "วันที่ช่วยเหลือ", "วันที่แก้ไข", "วัน/เดือน/ปี ที่ดำเนินการ", "วันที่ให้ความช่วยเหลือ")
	add(fAgency, "หน่วยงาน", "ภาคีเครือข่าย", "หน่วยงานรับผิดชอบ", "หน่วยงานที่ให้ความช่วยเหลือ", "หน่วยงาน/ภาคี")
	add(fWhat, "การช่วยเหลือ", "วิธีการช่วยเหลือ", "การแก้ไข", "ผลการช่วยเหลือ", "วิธีแก้ไข")
	add(fBudget, "งบประมาณ", "งบประมาณ บาท", "จำนวนเงิน", "จำนวนเงิน (บาท)", "งบประมาณที่ใช้")
	add(fNote, "หมายเหตุ/เหตุผล", "เหตุผล")
	add(fTargetDate, "กำหนดเสร็จ", "วันครบกำหนด")
	add(fLeadAgency, "หน่วยงานหลัก", "หน่วยงานเจ้าภาพ")
	add(fVersion, versionHeader, "รุ่นข้อมูล")
	add(fUnit, "เขตเทศบาล", "ในเขตเทศบาล", "ชื่อเทศบาล", data.WordCityMunicipality.Thai+"/เมือง", data.WordCityMunicipality.Thai+"/"+data.WordTownMunicipality.Thai, "หน่วยรับผิดชอบ", "อปท.")
	return m
}()

// headerKey reduces a header cell to what identifies it: no blanks or
// line breaks, no brackets, stars or trailing dots, Latin in lower case.
func headerKey(s string) string {
	s = strings.ToLower(data.CleanText(s))
	return strings.Map(func(r rune) rune {
		switch r {
		case ' ', '(', ')', '*', ':', '-', '_', '[', ']':
			return -1
		}
		return r
	}, strings.TrimRight(s, ". "))
}

// fieldNames gives each field's header for messages: the template's name.
var fieldNames = func() map[field]string {
	m := map[field]string{fFullName: "ชื่อ-สกุล", fTargetDate: data.WordTargetDate.Thai, fLeadAgency: "หน่วยงานหลัก", fVersion: versionHeader, fThaiQM: data.HeaderThaiQM.Thai}
	for _, h := range TemplateHeaders {
		m[h.Field] = h.Header
	}
	return m
}()

// layout is where each field sits in a sheet.
type layout struct {
	Sheet      string
	HeaderRows []int           // one row, or two for a header over two rows
	Col        [fieldCount]int // column index +1; 0 when the field is absent
	Header     []string        // the header text of each column, as written
	Unknown    []string        // headers that mean nothing to us (listed in the report)
	Known      int
}

func (l *layout) has(f field) bool { return l.Col[f] > 0 }

// headerOf returns the header as the district wrote it, for messages.
func (l *layout) headerOf(f field) string {
	if c := l.Col[f]; c > 0 && c <= len(l.Header) && l.Header[c-1] != "" {
		return l.Header[c-1]
	}
	return fieldNames[f]
}

// columnName names column c (1-based) for a message: its header as the
// district wrote it, else its letters.
func (l *layout) columnName(c int) string {
	if c > 0 && c <= len(l.Header) && l.Header[c-1] != "" {
		return l.Header[c-1]
	}
	return "คอลัมน์ " + xlsx.ColumnName(c)
}

// matchHeader reads one or two header rows into a layout. A cell of the
// second row wins where it names a field (the group title above it does
// not); a first-row cell merged down over the second still counts.
func matchHeader(sheet string, rows [][]string, rowNums []int) layout {
	l := layout{Sheet: sheet, HeaderRows: rowNums}
	width := 0
	for _, r := range rows {
		width = max(width, len(r))
	}
	l.Header = make([]string, width)
	for c := 0; c < width; c++ {
		var text string
		f := fUnknown
		for _, r := range rows {
			if c >= len(r) || data.CleanText(r[c]) == "" {
				continue
			}
			if g, ok := headerAliases[headerKey(r[c])]; ok {
				f, text = g, data.CleanText(r[c])
			} else if f == fUnknown {
				text = data.CleanText(r[c])
			}
		}
		l.Header[c] = shortValue(text)
		switch {
		case f != fUnknown && l.Col[f] == 0:
			l.Col[f] = c + 1
			if f != fSeq {
				l.Known++
			}
		case f == fUnknown && text != "":
			l.Unknown = append(l.Unknown, text)
		}
	}
	return l
}

// findLayout looks for the header among a sheet's first rows: the first row
// naming at least three known columns, joined with the row below it when
// that names more.
func findLayout(sheet string, first [][]string, rowNums []int) (layout, int, bool) {
	for i, r := range first {
		one := matchHeader(sheet, [][]string{r}, rowNums[i:i+1])
		if one.Known < 3 {
			continue
		}
		if i+1 < len(first) {
			two := matchHeader(sheet, first[i:i+2], rowNums[i:i+2])
			if two.Known > one.Known {
				return two, rowNums[i+1], true
			}
		}
		return one, rowNums[i], true
	}
	return layout{}, 0, false
}
