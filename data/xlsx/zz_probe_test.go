package xlsx

import (
	"os"
	"syscall"
	"testing"
	"time"
)

func TestZZProbe(t *testing.T) {
	p := os.Getenv("PROBE_BOOK")
	if p == "" {
		t.Skip()
	}
	for i := 0; i < 3; i++ {
		var u0, u1 syscall.Rusage
		syscall.Getrusage(syscall.RUSAGE_SELF, &u0)
		t0 := time.Now()
		wb, err := Open(p, "")
		if err != nil {
			t.Fatal(err)
		}
		n, cells := 0, 0
		err = wb.Rows(wb.Sheets()[0], func(row int, c []string) error { n++; cells += len(c); return nil })
		wb.Close()
		syscall.Getrusage(syscall.RUSAGE_SELF, &u1)
		cpu := time.Duration(u1.Utime.Nano() - u0.Utime.Nano() + u1.Stime.Nano() - u0.Stime.Nano())
		t.Log(n, cells, err, time.Since(t0), "cpu", cpu)
	}
}
