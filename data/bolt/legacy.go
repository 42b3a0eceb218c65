package bolt

import (
	"time"
	"unicode/utf8"

	"qmdesk/data"
)

// Records of schema 8 and before are JSON, and the upgrade from 8 reads a
// province's millions of them once: with encoding/json that was most of
// its time. jsonReader reads the JSON encoding/json wrote for a
// household, problem or action in its plain form (no white space, no
// escape in a string, integers, the known keys) and gives up on anything
// else, which encoding/json then reads, so that what a record reads as
// never depends on which of the two read it (FuzzLegacyJSON holds them to
// that).
type jsonReader struct {
	b  []byte
	i  int
	ok bool
}

func (r *jsonReader) take(c byte) bool {
	if r.i < len(r.b) && r.b[r.i] == c {
		r.i++
		return true
	}
	return false
}

// members reads an object, calling each with every key; the value is
// each's to read.
func (r *jsonReader) members(each func(key []byte)) {
	if !r.take('{') {
		r.ok = false
		return
	}
	if r.take('}') {
		return
	}
	for r.ok {
		key := r.raw()
		if !r.take(':') {
			r.ok = false
			return
		}
		each(key)
		if r.take(',') {
			continue
		}
		if !r.take('}') {
			r.ok = false
		}
		return
	}
}

// raw reads a string without escapes, valid UTF-8 without control
// characters, and returns its bytes.
func (r *jsonReader) raw() []byte {
	if !r.take('"') {
		r.ok = false
		return nil
	}
	start := r.i
	ascii := true
	for ; r.i < len(r.b); r.i++ {
		switch c := r.b[r.i]; {
		case c == '"':
			s := r.b[start:r.i]
			r.i++
			if !ascii && !utf8.Valid(s) {
				r.ok = false
			}
			return s
		case c < 0x20 || c == '\\':
			r.ok = false
			return nil
		case c >= utf8.RuneSelf:
			ascii = false
		}
	}
	r.ok = false
	return nil
}

func (r *jsonReader) str() string { return string(r.raw()) }

// uint reads a non-negative integer as JSON writes it (no leading zero).
func (r *jsonReader) uint() uint64 {
	start := r.i
	var n uint64
	for ; r.i < len(r.b) && r.b[r.i] >= '0' && r.b[r.i] <= '9'; r.i++ {
		d := uint64(r.b[r.i] - '0')
		if n > (1<<64-1-d)/10 {
			r.ok = false
			return 0
		}
		n = n*10 + d
	}
	if r.i == start || r.b[start] == '0' && r.i > start+1 {
		r.ok = false
	}
	if r.i < len(r.b) && (r.b[r.i] == '.' || r.b[r.i] == 'e' || r.b[r.i] == 'E') {
		r.ok = false
	}
	return n
}

func (r *jsonReader) int() int64 {
	neg := r.take('-')
	n := r.uint()
	if n > 1<<63-1 && !(neg && n == 1<<63) {
		r.ok = false
		return 0
	}
	if neg {
		return -int64(n)
	}
	return int64(n)
}

func (r *jsonReader) bool() bool {
	switch {
	case len(r.b)-r.i >= 4 && string(r.b[r.i:r.i+4]) == "true":
		r.i += 4
		return true
	case len(r.b)-r.i >= 5 && string(r.b[r.i:r.i+5]) == "false":
		r.i += 5
		return false
	}
	r.ok = false
	return false
}

// time reads what time.Time's MarshalJSON writes, as its UnmarshalJSON
// reads it.
func (r *jsonReader) time() (t time.Time) {
	s := r.raw()
	if r.ok && t.UnmarshalText(s) != nil {
		r.ok = false
	}
	return t
}

// date reads what data.Date's MarshalJSON writes ("" or 2024-09-30) as
// ParseISODate reads it; a day ParseISODate refuses is left to it.
func (r *jsonReader) date() data.Date {
	s := r.raw()
	if !r.ok || len(s) == 0 {
		return data.Date{}
	}
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		r.ok = false
		return data.Date{}
	}
	n := func(b []byte) int {
		v := 0
		for _, c := range b {
			if c < '0' || c > '9' {
				r.ok = false
			}
			v = v*10 + int(c-'0')
		}
		return v
	}
	y, m, d := n(s[:4]), n(s[5:7]), n(s[8:])
	days := [13]int{0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31}
	if m >= 1 && m <= 12 && y%4 == 0 && (y%100 != 0 || y%400 == 0) {
		days[2] = 29
	}
	if m < 1 || m > 12 || d < 1 || d > days[m] {
		r.ok = false
		return data.Date{}
	}
	return data.Date{Year: y, Month: time.Month(m), Day: d}
}

// end is whether the whole record was read in the plain form.
func (r *jsonReader) end() bool { return r.ok && r.i == len(r.b) }

func plainHousehold(v []byte, h *data.Household) bool {
	*h = data.Household{}
	r := jsonReader{b: v, ok: true}
	r.members(func(key []byte) {
		switch string(key) {
		case "id":
			h.ID = r.uint()
		case "house_code":
			h.HouseCode = r.str()
		case "house_no":
			h.HouseNo = r.str()
		case "village_no":
			h.VillageNo = int(r.int())
		case "village_name":
			h.VillageName = r.str()
		case "tambon":
			h.TambonCode = r.str()
		case "head":
			r.members(func(key []byte) {
				switch string(key) {
				case "national_id":
					h.Head.NationalID = r.str()
				case "title":
					h.Head.Title = r.str()
				case "first_name":
					h.Head.FirstName = r.str()
				case "last_name":
					h.Head.LastName = r.str()
				case "phone":
					h.Head.Phone = r.str()
				default:
					r.ok = false
				}
			})
		case "members":
			h.Members = int(r.int())
		case "origin":
			h.Origin = data.Origin(r.int())
		case "unit":
			h.Unit = r.str()
		case "created_at":
			h.CreatedAt = r.time()
		case "updated_at":
			h.UpdatedAt = r.time()
		case "changed_on":
			h.ChangedOn = r.date()
		case "changed_by":
			h.ChangedBy = r.str()
		case "id_check_override":
			h.IDCheckOverride = r.bool()
		default:
			r.ok = false
		}
	})
	return r.end()
}

func plainProblem(v []byte, p *data.Problem) bool {
	*p = data.Problem{}
	r := jsonReader{b: v, ok: true}
	r.members(func(key []byte) {
		switch string(key) {
		case "id":
			p.ID = r.uint()
		case "household_id":
			p.HouseholdID = r.uint()
		case "round_id":
			p.RoundID = r.uint()
		case "category":
			p.Category = data.Category(r.int())
		case "sub_problem":
			p.SubProblem = r.str()
		case "detail":
			p.Detail = r.str()
		case "urgent":
			p.Urgent = r.bool()
		case "sensitive":
			p.Sensitive = r.bool()
		case "survey_year":
			p.SurveyYear = int(r.int())
		case "rexray":
			p.ReXRay = data.ReXRay(r.int())
		case "status":
			p.Status = data.Status(r.int())
		case "close_reason":
			p.CloseReason = r.str()
		case "target_date":
			p.TargetDate = r.date()
		case "lead_agency":
			p.LeadAgency = r.str()
		case "found_on":
			p.FoundOn = r.date()
		case "resolved_on":
			p.ResolvedOn = r.date()
		case "created_at":
			p.CreatedAt = r.time()
		case "updated_at":
			p.UpdatedAt = r.time()
		case "changed_on":
			p.ChangedOn = r.date()
		case "changed_by":
			p.ChangedBy = r.str()
		case "carried_from":
			p.CarriedFrom = r.uint()
		case "carried_to":
			p.CarriedTo = r.uint()
		case "thaiqm_on":
			p.ThaiQMOn = r.date()
		default:
			r.ok = false
		}
	})
	return r.end()
}

func plainAction(v []byte, a *data.Action) bool {
	*a = data.Action{}
	r := jsonReader{b: v, ok: true}
	r.members(func(key []byte) {
		switch string(key) {
		case "id":
			a.ID = r.uint()
		case "problem_id":
			a.ProblemID = r.uint()
		case "date":
			a.Date = r.date()
		case "agency":
			a.Agency = r.str()
		case "what":
			a.What = r.str()
		case "budget_satang":
			a.Budget = r.int()
		case "result":
			a.Result = data.Status(r.int())
		case "note":
			a.Note = r.str()
		case "recorded_by":
			a.RecordedBy = r.str()
		case "recorded_at":
			a.RecordedAt = r.time()
		case "thaiqm_on":
			a.ThaiQMOn = r.date()
		default:
			r.ok = false
		}
	})
	return r.end()
}
