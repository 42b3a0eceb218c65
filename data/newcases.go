package data

// NewCase is a group of households the round added to the programme: the
// letter's ครัวเรือนตกหล่น and ครัวเรือนเดิมที่มีปัญหาใหม่.
type NewCase byte

const (
	// NewCaseMissed is a household of origin ตกหล่น with a problem of the
	// round.
	NewCaseMissed NewCase = iota + 1
	// NewCaseKnown is a household of origin เดิม with a problem of the round
	// found in the round (not in the 2565 survey: Problem.FoundInRound).
	NewCaseKnown
)

// FoundInRound tells a problem found in its round, not carried over from
// the 2565 survey: the register's "ปัญหาใหม่" and the new cases count it.
func (p Problem) FoundInRound() bool { return p.SurveyYear != 2565 }

// NewCaseOf is the new-case group a problem puts its household in, by the
// household's origin; 0 for none (a 2565 problem of a household เดิม).
func NewCaseOf(p *Problem, origin Origin) NewCase {
	switch {
	case origin == OriginMissed:
		return NewCaseMissed
	case origin == OriginSurvey2565 && p.FoundInRound():
		return NewCaseKnown
	}
	return 0
}

// NewCaseCount counts households of a tambon in a new-case group with a
// problem of a round in a category (Category 0: in any category, each
// household once).
type NewCaseCount struct {
	Tambon   string
	Category Category
	Group    NewCase
	N        int64
}
