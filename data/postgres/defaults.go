package postgres

import (
	"context"
	"database/sql"

	"github.com/pressly/goose/v3"

	"qmdesk/data"
)

// goMigrations are the migrations written in Go, beside the SQL files:
// what a new database gets from the program's own data.
var goMigrations = []*goose.Migration{
	// 2: the sub-problem list of the program that sets the database up
	// (data.DefaultSubProblems), as a new bbolt file gets it.
	goose.NewGoMigration(2, &goose.GoFunc{RunTx: defaultSubProblems}, nil),
}

func defaultSubProblems(ctx context.Context, tx *sql.Tx) error {
	for i, e := range data.DefaultSubProblems() {
		if _, err := tx.ExecContext(ctx, `INSERT INTO sub_problems (position, category, name, urgent, sensitive) VALUES ($1, $2, $3, $4, $5)`,
			i, int16(e.Category), e.Name, e.Urgent, e.Sensitive); err != nil {
			return err
		}
	}
	_, err := tx.ExecContext(ctx, `UPDATE meta SET sub_problems_set = true`)
	return err
}
