package ui

import "testing"

// A server's settings make the address the store opens, and read back
// from it; a server that does not answer is given up after
// connectTimeout seconds.
func TestServerAddress(t *testing.T) {
	for _, c := range []struct {
		s    Server
		want string
	}{
		{Server{Host: "db.office", Database: "qmdesk_41", Role: "somsri"}, "postgres://somsri@db.office:5432/qmdesk_41?connect_timeout=15"},
		{Server{Host: "10.0.0.5", Port: 6432, Database: "qm", Role: "สมศรี"}, "postgres://%E0%B8%AA%E0%B8%A1%E0%B8%A8%E0%B8%A3%E0%B8%B5@10.0.0.5:6432/qm?connect_timeout=15"},
		{Server{Host: "/tmp/pg/sock", Database: "qm", Role: "somsri"}, "postgres://somsri@/qm?connect_timeout=15&host=%2Ftmp%2Fpg%2Fsock&port=5432"},
	} {
		if got := c.s.DSN(); got != c.want {
			t.Errorf("%+v: %s, want %s", c.s, got, c.want)
		}
		back, ok := ParseServer(c.s.DSN())
		if want := c.s; !ok || back.Host != want.Host || back.Database != want.Database || back.Role != want.Role || back.port() != want.port() {
			t.Errorf("%+v read back as %+v %v", c.s, back, ok)
		}
	}
	if _, ok := ParseServer("/home/somsri/qmdesk.db"); ok {
		t.Error("a file read as a server")
	}
	if got := (Server{Host: "db.office", Port: 6432, Database: "qm", Role: "somsri"}).Label(); got != "db.office:6432/qm (somsri)" {
		t.Errorf("label %q", got)
	}
}
