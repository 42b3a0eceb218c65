package cli

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"golang.org/x/term"

	"qmdesk/data"
)

// passwordFlags are how a command is given a workbook's password: typed at
// a prompt that does not show it, or read from a file. Never on the command
// line, where every program on the computer sees it in the list of
// processes (and the shell keeps it in its history): --password is still
// known, to say so and name the two ways.
type passwordFlags struct {
	file    *string
	ask     *bool
	refused *string
}

func addPasswordFlags(fs *flag.FlagSet) *passwordFlags {
	return &passwordFlags{
		file:    fs.String("password-file", "", "อ่านรหัสผ่านของไฟล์ Excel จากบรรทัดแรกของไฟล์นี้ (- คืออ่านจากอินพุตมาตรฐาน)"),
		ask:     fs.Bool("ask-password", false, "ถามรหัสผ่านของไฟล์ Excel บนหน้าจอ (ไม่แสดงขณะพิมพ์)"),
		refused: fs.String("password", "", "ไม่รับแล้ว: ใช้ --ask-password หรือ --password-file"),
	}
}

// errPasswordOnCommandLine refuses --password.
var errPasswordOnCommandLine = usageError{"ไม่รับรหัสผ่านในบรรทัดคำสั่ง (--password) เพราะโปรแกรมอื่นในเครื่องเห็นได้จากรายการโปรเซส และเชลล์จำไว้ในประวัติคำสั่ง: " +
	"ใช้ --ask-password เพื่อพิมพ์รหัสผ่านบนหน้าจอ (ไม่แสดงขณะพิมพ์) หรือ --password-file FILE ที่มีรหัสผ่านอยู่บรรทัดแรก"}

// password returns the password the flags give ("" for none). confirm
// asks twice at the prompt, for a password that will lock a new file.
func (c *command) password(p *passwordFlags, confirm bool) (string, error) {
	switch {
	case *p.refused != "":
		return "", errPasswordOnCommandLine
	case *p.file != "" && *p.ask:
		return "", usageError{"เลือกอย่างใดอย่างหนึ่ง: --ask-password หรือ --password-file"}
	case *p.file != "":
		return c.passwordFromFile(*p.file)
	case *p.ask:
		pw, err := c.askPassword("รหัสผ่านของไฟล์ Excel: ")
		if err == nil && pw == "" {
			err = usageError{"ไม่ได้พิมพ์รหัสผ่าน: พิมพ์รหัสผ่านแล้วกด Enter หรือไม่ต้องใส่ --ask-password ถ้าไฟล์ไม่มีรหัสผ่าน"}
		}
		if err != nil || !confirm {
			return pw, err
		}
		again, err := c.askPassword("พิมพ์รหัสผ่านอีกครั้ง: ")
		if err != nil {
			return "", err
		}
		if again != pw {
			return "", usageError{"รหัสผ่านสองครั้งไม่ตรงกัน กรุณาลองใหม่"}
		}
		return pw, nil
	}
	return "", nil
}

// passwordFromFile reads the first line of path ("-": standard input),
// without its line ending.
func (c *command) passwordFromFile(path string) (string, error) {
	var r io.Reader
	if path == "-" {
		r = c.stdin()
	} else {
		f, err := os.Open(path)
		if err != nil {
			return "", data.FileError(data.ReadingFile, path, err)
		}
		defer f.Close()
		r = f
	}
	line, err := bufio.NewReader(r).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", data.FileError(data.ReadingFile, path, err)
	}
	pw := strings.TrimRight(strings.TrimPrefix(line, "\ufeff"), "\r\n") // Notepad's mark and line ending
	if pw == "" {
		return "", data.Errorf(data.EINVALID, "ไฟล์รหัสผ่าน %s ว่าง: ใส่รหัสผ่านไว้บรรทัดแรก", "password file %s is empty", path)
	}
	return pw, nil
}

// askPassword reads a password at the terminal without showing it.
func (c *command) askPassword(prompt string) (string, error) {
	if c.env.ReadPassword != nil {
		return c.env.ReadPassword(prompt)
	}
	fd := int(os.Stdin.Fd())
	if !term.IsTerminal(fd) {
		return "", usageError{"ไม่มีหน้าจอให้พิมพ์รหัสผ่าน (อินพุตไม่ใช่แป้นพิมพ์): ใช้ --password-file FILE แทน"}
	}
	fmt.Fprint(c.env.Stderr, prompt)
	b, err := term.ReadPassword(fd)
	fmt.Fprintln(c.env.Stderr)
	if err != nil {
		return "", &data.Error{Code: data.EINVALID, Message: "อ่านรหัสผ่านจากหน้าจอไม่ได้: ใช้ --password-file FILE แทน", English: "cannot read the password at the terminal", Err: err}
	}
	return string(b), nil
}

func (c *command) stdin() io.Reader {
	if c.env.Stdin != nil {
		return c.env.Stdin
	}
	return os.Stdin
}
