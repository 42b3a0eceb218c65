package cli_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"qmdesk/app/cli"
	"qmdesk/data"
	"qmdesk/data/postgres"
)

// The command line asks the database password without showing it, names
// the role and server, and keeps it only when the clerk answers y.
func TestAskDatabasePassword(t *testing.T) {
	for _, c := range []struct {
		answer string
		keep   bool
	}{{"y\n", true}, {"ใช่\n", true}, {"\n", false}, {"n\n", false}, {"", false}} {
		var prompts []string
		var stderr bytes.Buffer
		env := cli.Env{Stderr: &stderr, Stdin: strings.NewReader(c.answer), ReadPassword: func(prompt string) (string, error) {
			prompts = append(prompts, prompt)
			return "pw-1", nil
		}}
		var ask postgres.Asker = env.AskDatabasePassword
		pw, keep, err := ask(context.Background(), "somsri", "db.office")
		if err != nil || pw != "pw-1" || keep != c.keep {
			t.Errorf("answer %q: %q %v %v, want keep %v", c.answer, pw, keep, err, c.keep)
		}
		if len(prompts) != 1 || !strings.Contains(prompts[0], "somsri") || !strings.Contains(prompts[0], "db.office") {
			t.Errorf("prompts %q", prompts)
		}
		if !strings.Contains(stderr.String(), "เก็บรหัสผ่าน") {
			t.Errorf("the keep question not asked: %q", stderr.String())
		}
	}
	// No terminal (a test's standard input) and no ReadPassword: a Thai
	// message, not a command-line usage error.
	if _, _, err := (cli.Env{Stderr: &bytes.Buffer{}}).AskDatabasePassword(context.Background(), "somsri", "db.office"); data.ErrorCode(err) != data.EINVALID || !strings.Contains(data.ErrorMessage(err), "terminal") {
		t.Errorf("without a terminal: %v", err)
	}
	// Nothing typed: refused, not an empty password sent.
	env := cli.Env{Stderr: &bytes.Buffer{}, ReadPassword: func(string) (string, error) { return "", nil }}
	if _, _, err := env.AskDatabasePassword(context.Background(), "somsri", "db.office"); err == nil {
		t.Error("an empty password was accepted")
	}
}
