package cli

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"strings"

	"golang.org/x/term"

	"qmdesk/data"
)

// AskDatabasePassword asks the clerk, at the terminal and without showing
// it, the password of her database role on server, then whether to keep
// it in the computer's password store (the OS keyring) so that she is not
// asked next time. It is what data/postgres.OpenAsking takes as its
// Asker, for the command line on a PostgreSQL database. Env.ReadPassword
// replaces the terminal (tests); the answer to keep is read from Stdin.
func (env Env) AskDatabasePassword(ctx context.Context, role, server string) (password string, keep bool, err error) {
	if env.Stderr == nil {
		env.Stderr = os.Stderr
	}
	c := &command{env: env, ctx: ctx}
	if env.ReadPassword == nil && !term.IsTerminal(int(os.Stdin.Fd())) {
		return "", false, data.Errorf(data.EINVALID, "ไม่มีหน้าจอให้พิมพ์รหัสผ่านของฐานข้อมูล (อินพุตไม่ใช่แป้นพิมพ์): เปิดคำสั่งในหน้าต่างคำสั่ง (terminal) แล้วพิมพ์รหัสผ่านเมื่อโปรแกรมถาม",
			"no terminal to type the database password at")
	}
	pw, err := c.askPassword(fmt.Sprintf("รหัสผ่านฐานข้อมูลของ %s ที่ %s: ", role, server))
	if err != nil {
		return "", false, err
	}
	if pw == "" {
		return "", false, data.Errorf(data.EINVALID, "ไม่ได้พิมพ์รหัสผ่านของฐานข้อมูล", "no database password typed")
	}
	fmt.Fprint(env.Stderr, "เก็บรหัสผ่านไว้ในที่เก็บรหัสผ่านของเครื่องนี้ เพื่อไม่ต้องพิมพ์ครั้งหน้า? (y = เก็บ, Enter = ไม่เก็บ): ")
	line, _ := bufio.NewReader(c.stdin()).ReadString('\n')
	switch strings.ToLower(strings.TrimSpace(line)) {
	case "y", "yes", "ใช่", "ช":
		keep = true
	}
	return pw, keep, nil
}
