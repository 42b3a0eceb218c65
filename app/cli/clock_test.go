package cli_test

import (
	"os"
	"testing"
	"time"

	"qmdesk/app/cli"
	"qmdesk/data"
)

// The clock main builds, from the real environment.
func TestClockFromEnvIsTheRealThaiDay(t *testing.T) {
	t.Setenv(cli.TodayVar, "")
	os.Unsetenv(cli.TodayVar)
	before := data.DateOf(time.Now())
	c, err := cli.ClockFromEnv(os.Getenv)
	if err != nil {
		t.Fatal(err)
	}
	got := c.Today()
	if after := data.DateOf(time.Now()); got != before && got != after {
		t.Fatalf("today = %v, want the Thai day of the real time (%v)", got, before)
	}
	y, m, d := time.Now().In(time.FixedZone("ICT", 7*3600)).Date()
	if got != data.NewDate(y, m, d) && got != before {
		t.Fatalf("today = %v, want %04d-%02d-%02d", got, y, m, d)
	}
	if _, ok := c.Training(); ok {
		t.Error("no QMDESK_TODAY, yet a training day")
	}
}

func TestClockFromEnvTrainingDay(t *testing.T) {
	t.Setenv(cli.TodayVar, "2024-08-15")
	c, err := cli.ClockFromEnv(os.Getenv)
	if err != nil {
		t.Fatal(err)
	}
	if c.Today() != data.NewDate(2024, 8, 15) {
		t.Errorf("today = %v, want 2024-08-15", c.Today())
	}
	if time.Since(c.Now()) > time.Minute || time.Since(c.Now()) < -time.Minute {
		t.Errorf("now = %v: stamps must stay real", c.Now())
	}
}

func TestClockFromEnvRefusesWhatIsNotADate(t *testing.T) {
	for _, v := range []string{"yes", "2024-13-01", "2024-02-30", "0000-11-30", "15/08/2567", "2567-08-15", "1900-01-01"} {
		t.Setenv(cli.TodayVar, v)
		if _, err := cli.ClockFromEnv(os.Getenv); data.ErrorCode(err) != data.EINVALID {
			t.Errorf("%s=%q: err = %v, want EINVALID", cli.TodayVar, v, err)
		}
	}
}
