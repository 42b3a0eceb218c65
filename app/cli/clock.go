package cli

import (
	"strings"

	"qmdesk/data"
)

// TodayVar names the environment variable that fixes the register's day
// for a training session or screenshots: QMDESK_TODAY=2024-08-15.
const TodayVar = "QMDESK_TODAY"

// ClockFromEnv is the program's clock, as main builds it: the real time,
// with today the Thai day of it, unless QMDESK_TODAY holds an ISO date,
// which then is today everywhere (the dashboard, the store's day stamps,
// the importer). A value that is not a real, plausible date is refused,
// never ignored and never taken as year 0.
func ClockFromEnv(getenv func(string) string) (data.Clock, error) {
	clock := data.RealClock()
	v := strings.TrimSpace(getenv(TodayVar))
	if v == "" {
		return clock, nil
	}
	bad := data.Errorf(data.EINVALID, "ค่า %s=%q ไม่ใช่วันที่แบบ ปปปป-ดด-วว (ค.ศ.) เช่น 2024-08-15: ลบตัวแปรนี้เพื่อใช้วันที่จริง",
		"%s=%q is not an ISO date such as 2024-08-15; unset it to use the real date", TodayVar, v)
	d, err := data.ParseISODate(v)
	if err != nil || d.IsZero() {
		return clock, bad
	}
	if err := d.CheckSane(TodayVar, clock.Today()); err != nil {
		return clock, bad
	}
	return clock.OnDay(d), nil
}
