package app_test

import (
	"context"
	"testing"

	"qmdesk/app"
	"qmdesk/data"
)

// TestAgenciesCountsDistinctProblemsSolvedAndBudget: one agency typed three
// ways counts once; a problem helped twice by it counts once; solved is
// แก้ไขแล้ว + แก้ไขได้ด้วยตนเอง; a merge joins two agencies in the report
// and leaves the actions as they were typed.
func TestAgenciesCountsDistinctProblemsSolvedAndBudget(t *testing.T) {
	today := data.NewDate(2024, 7, 1)
	s, _ := openStore(t, today)
	ctx := data.WithOperator(context.Background(), "tester")
	day := data.NewDate(2024, 4, 1)
	act := func(agency string, baht int64, result data.Status) data.Action {
		return data.Action{Date: day, Agency: agency, What: "ช่วยเหลือ", Budget: baht * 100, Result: result}
	}
	b := []data.Bundle{{
		Household: data.Household{TambonCode: "410101", Head: data.Person{NationalID: id(1)}, Origin: 1},
		Problems: []data.ProblemBundle{
			{Problem: data.Problem{Category: 1, SubProblem: "บ้านทรุดโทรม/ไม่มั่นคงถาวร", SurveyYear: 2565, Status: data.Solved},
				Actions: []data.Action{act("อบต.บ้านใหม่", 1000, data.InProgress), act("อบต. บ้านใหม่", 500, data.Solved)}},
			{Problem: data.Problem{Category: 4, SubProblem: "หนี้สิน", SurveyYear: 2565, Status: data.InProgress},
				Actions: []data.Action{act("องค์การบริหารส่วนตำบลบ้านใหม่", 0, data.InProgress), act("พมจ.", 2000, 0)}},
			{Problem: data.Problem{Category: 4, SubProblem: "หนี้สิน", SurveyYear: 2565, Status: data.SelfSolved},
				Actions: []data.Action{act("สำนักงานพัฒนาสังคมและความมั่นคงของมนุษย์จังหวัด", 300, data.SelfSolved), act("", 99, 0)}},
		},
	}}
	if err := s.Load(ctx, b); err != nil {
		t.Fatal(err)
	}
	lines, err := app.Agencies(ctx, s, 0, "")
	if err != nil {
		t.Fatal(err)
	}
	byKey := map[string]app.AgencyLine{}
	for _, l := range lines {
		byKey[data.AgencyKey(l.Name)] = l
	}
	if len(lines) != 2 {
		t.Fatalf("%d agencies, want 2: %+v", len(lines), lines)
	}
	obt := byKey[data.AgencyKey("อบต.บ้านใหม่")]
	if obt.Totals != (app.AgencyTally{Problems: 2, Solved: 1, Budget: 1500}) || obt.Categories[1] != (app.AgencyTally{Problems: 1, Solved: 1, Budget: 1500}) || len(obt.Spellings) != 3 {
		t.Errorf("อบต.: %+v", obt)
	}
	pm := byKey[data.AgencyKey("พมจ.")]
	if pm.Totals != (app.AgencyTally{Problems: 2, Solved: 1, Budget: 2300}) {
		t.Errorf("พมจ.: %+v", pm)
	}
	if err := s.MergeAgency(ctx, "พมจ.", "อบต.บ้านใหม่"); err != nil {
		t.Fatal(err)
	}
	lines, _ = app.Agencies(ctx, s, 0, "")
	if len(lines) != 1 || lines[0].Totals != (app.AgencyTally{Problems: 3, Solved: 2, Budget: 3800}) || lines[0].Categories[4] != (app.AgencyTally{Problems: 2, Solved: 1, Budget: 2300}) {
		t.Fatalf("after the merge: %+v", lines)
	}
	if in, _ := app.Agencies(ctx, s, 0, "4101"); len(in) != 1 || in[0].Totals != lines[0].Totals {
		t.Errorf("the amphoe of every problem: %+v", in)
	}
	if out, _ := app.Agencies(ctx, s, 0, "4102"); len(out) != 0 {
		t.Errorf("an amphoe without problems: %+v", out)
	}
	acts, _ := s.Actions(ctx, 2)
	if len(acts) == 0 || acts[len(acts)-1].Agency != "พมจ." {
		t.Errorf("the merge rewrote an action: %+v", acts)
	}
}
