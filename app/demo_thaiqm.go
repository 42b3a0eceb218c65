package app

import (
	"hash/fnv"

	"qmdesk/data"
)

// keyThaiQM marks some of a demo problem's results as keyed into ThaiQM,
// a few days after its last action (never after the demo's day): most in
// some amphoe, few in others, so that the figures show a district behind.
// It draws from a hash of the household and problem, not from the demo's
// random stream, so the rest of the demo is as it was.
func (d Demo) keyThaiQM(h data.Household, pb *data.ProblemBundle) {
	if len(pb.Actions) == 0 {
		return
	}
	f := fnv.New32a()
	f.Write([]byte(h.Head.NationalID + h.TambonCode + pb.Problem.SubProblem))
	x := int(f.Sum32() % 100)
	share := 15 + int(h.AmphoeCode()[3]-'0')*8 // 15–87 in 100, by the amphoe's last digit
	if x >= share {
		return
	}
	on := pb.Actions[len(pb.Actions)-1].Date.AddDays(1 + x%14)
	if !d.AsOf.IsZero() && on.After(d.AsOf) {
		on = d.AsOf
	}
	if on.Before(d.Round.Start) {
		return
	}
	pb.Problem.ThaiQMOn = on
	for i := range pb.Actions {
		pb.Actions[i].ThaiQMOn = on
	}
}
