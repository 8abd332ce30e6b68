package pgreadmodel

import (
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/ticketengine/ticketengine/projections"
)

// The store's one row-reading loop: every query that returns a projection's rows selects
// the columns its table reads back from (Table.Read), first, and has the table make the
// row (Table.Scan).

// selectRows is the select list that reads table t's rows back.
func selectRows(t *projections.Table, alias string) string {
	if alias == "" {
		return strings.Join(t.Read, ", ")
	}
	return alias + "." + strings.Join(t.Read, ", "+alias+".")
}

// eachRow reads table t's rows from res; the columns after t.Read are scanned into
// extra, whose values each hears with the row.
func eachRow(res pgx.Rows, t *projections.Table, extra []any, each func(projections.Row)) error {
	defer res.Close()
	for res.Next() {
		r, err := t.Scan(func(dest ...any) error { return res.Scan(append(dest, extra...)...) })
		if err != nil {
			return fmt.Errorf("postgres read model: a stored %s row: %w", t.Name, err)
		}
		each(r)
	}
	return res.Err()
}

// readRows reads table t's rows from res.
func readRows(res pgx.Rows, t *projections.Table) ([]projections.Row, error) {
	var out []projections.Row
	err := eachRow(res, t, nil, func(r projections.Row) { out = append(out, r) })
	return out, err
}

// rowsAs is rows of type *R as values.
func rowsAs[R any](rows []projections.Row) []R {
	out := make([]R, len(rows))
	for i, r := range rows {
		out[i] = *r.(*R)
	}
	return out
}
