// Command qmdesk is the province's ThaiQM workbench: a window without
// arguments, a command line with them. This file only wires the parts.
package main

import (
	"context"
	"fmt"
	"os"
	"os/user"
	"time"

	fyneapp "fyne.io/fyne/v2/app"

	"qmdesk/app"
	"qmdesk/app/cli"
	"qmdesk/assets"
	"qmdesk/data"
	"qmdesk/data/bolt"
	"qmdesk/ui"
)

func main() {
	attachConsole()
	geo, err := assets.Geography()
	if err != nil {
		fmt.Fprintln(os.Stderr, data.ErrorMessage(err), err)
		os.Exit(cli.ExitFailure)
	}
	env := cli.Env{
		Stdout: os.Stdout, Stderr: os.Stderr, Geo: geo, Now: time.Now, Operator: operator(),
		Open: func(path string, readOnly bool) (data.Store, error) {
			return bolt.Open(path, bolt.Options{ReadOnly: readOnly})
		},
		Restore: func(ctx context.Context, src, dst string) (string, error) {
			return bolt.Restore(ctx, src, dst, func() string { return time.Now().Format("20060102-150405") })
		},
		Window: func(path string) error { return window(path, geo) },
	}
	os.Exit(cli.Run(context.Background(), os.Args[1:], env))
}

func window(path string, geo *data.Geography) error {
	a := fyneapp.NewWithID("th.go.dopa.qmdesk")
	store, err := bolt.Open(path, bolt.Options{})
	var s data.Store
	if err == nil {
		s = store
		defer store.Close()
	}
	w := ui.NewMainWindow(a, s, &app.Progress{Store: s, Geo: geo}, err)
	w.Window.ShowAndRun()
	return nil
}

// operator names who is working, for the audit log.
func operator() string {
	if u, err := user.Current(); err == nil && u.Username != "" {
		return u.Username
	}
	for _, v := range []string{"USERNAME", "USER"} {
		if s := os.Getenv(v); s != "" {
			return s
		}
	}
	return ""
}
