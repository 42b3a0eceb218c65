package data

import "time"

// Clock is the program's one sense of time. Now is always the real time:
// it stamps records and the audit log. Today is the day the register works
// on (found and resolved days, action dates made by the program, overdue,
// the countdown): the Thai calendar day of the real time, or a training day
// fixed for a session (QMDESK_TODAY). The zero Clock is the real clock.
type Clock struct {
	now      func() time.Time
	training Date
}

// RealClock is the computer's time; Today is the Thai day of it.
func RealClock() Clock { return Clock{} }

// FixedClock stands still at t (tests).
func FixedClock(t time.Time) Clock { return Clock{now: func() time.Time { return t }} }

// ClockFunc reads the time from now (tests that move time on).
func ClockFunc(now func() time.Time) Clock { return Clock{now: now} }

// OnDay returns the clock with Today fixed to d, for a training session or
// screenshots of a round in progress; Now stays as it was. A zero d gives
// the clock back unchanged.
func (c Clock) OnDay(d Date) Clock {
	c.training = d
	return c
}

// Now returns the real time (or the test's).
func (c Clock) Now() time.Time {
	if c.now == nil {
		return time.Now()
	}
	return c.now()
}

// Today returns the register's day: the training day if one is set, else
// the Thai calendar day of Now.
func (c Clock) Today() Date {
	if !c.training.IsZero() {
		return c.training
	}
	return DateOf(c.Now())
}

// Training returns the fixed training day, if the clock has one.
func (c Clock) Training() (Date, bool) { return c.training, !c.training.IsZero() }
