package data

import "testing"

// Every default sub-problem has an English name, found also when typed
// with other blanks; a clerk's own name has none, and an urgent kind with
// one is named only in Thai.
func TestSubProblemEnglish(t *testing.T) {
	for _, s := range DefaultSubProblems() {
		if SubProblemEnglish(s.Name) == "" {
			t.Errorf("%q has no English", s.Name)
		}
	}
	if SubProblemEnglish("อื่น ๆ(ระบุ)") != "Other (state it)" || SubProblemEnglish("ปัญหาของจังหวัดเอง") != "" {
		t.Error("lookup by compacted name, or a clerk's name")
	}
	kinds := SubProblemList(DefaultSubProblems()).UrgentKinds()
	if len(kinds) != 3 || kinds[0].English != "No home" || kinds[1].English != "No drinking water" || kinds[2].English != "Drugs" {
		t.Errorf("urgent kinds %+v", kinds)
	}
	own := append(SubProblemList(DefaultSubProblems()), SubProblem{Category: 1, Name: "บ้านถูกน้ำท่วม", Urgent: true})
	if k := own.UrgentKinds()[0]; k.Name != "ไม่มีที่อยู่อาศัย/บ้านถูกน้ำท่วม" || k.English != "" {
		t.Errorf("an urgent kind with the clerk's own name: %+v", k)
	}
}
