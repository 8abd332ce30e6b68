package pgreadmodel

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/ticketengine/ticketengine/application/eventlog"
	"github.com/ticketengine/ticketengine/projections"
)

// columns is a set of rows column by column: each value is a slice, one element per row,
// sent as one array parameter. It is derived from a table's description (columnsOf):
// no table has code of its own here.
type columns struct {
	names []string
	types []string // the array's element type; a cast applied after unnest when cast is set
	casts []string
	vals  []any
	rows  int
	// copyVals replaces a column's values for COPY, which sends each value in its
	// column's own binary type (no cast): by column index.
	copyVals map[int]any
}

// add adds a column; its text goes through the read model's one rule (sanitise.go).
func (c *columns) add(name, typ, cast string, vals any) {
	cleanColumn(vals, cast == "json")
	c.names, c.types, c.casts, c.vals = append(c.names, name), append(c.types, typ), append(c.casts, cast), append(c.vals, vals)
}

// addCast adds a column sent as text literals and cast after unnest (json, arrays,
// ranges); for COPY, copyVals are its values in the column's own type.
func (c *columns) addCast(col projections.Column, lits []string, copyVals any) {
	if copyVals != nil {
		if c.copyVals == nil {
			c.copyVals = map[int]any{}
		}
		c.copyVals[len(c.names)] = copyVals
	}
	c.add(col.Name, "text", col.Type, lits)
}

// columnsOf derives the columns of table t for rows: one typed slice per column, by the
// Go type of its getter (projections.Column).
func columnsOf(t *projections.Table, rows []projections.Row, enc rowJSON) columns {
	c := columns{rows: len(rows)}
	for _, col := range t.Columns {
		c.addColumn(col, rows, enc)
	}
	return c
}

func (c *columns) addColumn(col projections.Column, rows []projections.Row, enc rowJSON) {
	switch get := col.Get.(type) {
	case nil: // the row itself
		c.addCast(col, each(rows, enc.of), nil)
	case func(projections.Row) string:
		if col.Null {
			c.add(col.Name, col.Type, "", each(rows, func(r projections.Row) pgtype.Text { return textOrNull(get(r)) }))
		} else {
			c.add(col.Name, col.Type, "", each(rows, get))
		}
	case func(projections.Row) uuid.UUID:
		if col.Null {
			c.add(col.Name, col.Type, "", each(rows, func(r projections.Row) pgtype.UUID { return uuidOrNull(get(r)) }))
		} else {
			c.add(col.Name, col.Type, "", each(rows, get))
		}
	case func(projections.Row) time.Time:
		if col.Null {
			c.add(col.Name, col.Type, "", each(rows, func(r projections.Row) pgtype.Timestamptz { return tsz(get(r)) }))
		} else {
			c.add(col.Name, col.Type, "", each(rows, get))
		}
	case func(projections.Row) int64:
		c.add(col.Name, col.Type, "", each(rows, get))
	case func(projections.Row) int:
		c.add(col.Name, col.Type, "", each(rows, func(r projections.Row) int32 { return int32(get(r)) }))
	case func(projections.Row) bool:
		c.add(col.Name, col.Type, "", each(rows, get))
	case func(projections.Row) float64:
		c.add(col.Name, col.Type, "", each(rows, get))
	case func(projections.Row) projections.NullFloat:
		c.add(col.Name, col.Type, "", each(rows, func(r projections.Row) pgtype.Float8 {
			f := get(r)
			return pgtype.Float8{Float64: f.Float, Valid: f.Valid}
		}))
	case func(projections.Row) []string:
		vals := each(rows, func(r projections.Row) []string { return cleanAll(get(r)) })
		c.addCast(col, each(vals, pgTextArray), vals)
	case func(projections.Row) []projections.Period:
		c.addCast(col, each(rows, func(r projections.Row) string { return multirange(get(r)) }),
			each(rows, func(r projections.Row) pgtype.Multirange[pgtype.Range[pgtype.Timestamptz]] {
				return multirangeValue(get(r))
			}))
	default:
		panic(fmt.Sprintf("postgres read model: column %s has a getter of no known type: %T", col.Name, col.Get))
	}
}

// each maps xs.
func each[X, Y any](xs []X, f func(X) Y) []Y {
	out := make([]Y, len(xs))
	for i, x := range xs {
		out[i] = f(x)
	}
	return out
}

// cleanAll applies the text rule to each string, copying only when one changes.
func cleanAll(xs []string) []string {
	for i, x := range xs {
		if !isClean(x) {
			out := append([]string(nil), xs...)
			for j := i; j < len(out); j++ {
				out[j] = clean(out[j])
			}
			return out
		}
	}
	return xs
}

// Nullable column values: the zero value is NULL.
func tsz(t time.Time) pgtype.Timestamptz  { return pgtype.Timestamptz{Time: t, Valid: !t.IsZero()} }
func uuidOrNull(id uuid.UUID) pgtype.UUID { return pgtype.UUID{Bytes: id, Valid: id != uuid.Nil} }
func textOrNull(s string) pgtype.Text     { return pgtype.Text{String: s, Valid: s != ""} }

// rowJSON encodes each row once per commit: the queues and portal rows of a ticket are
// the same snapshot (the same pointer).
type rowJSON map[projections.Row]string

func (m rowJSON) of(r projections.Row) string {
	if j, ok := m[r]; ok {
		return j
	}
	b, err := json.Marshal(r)
	if err != nil {
		panic(fmt.Sprintf("postgres read model: a row does not encode: %v", err)) // plain structs always encode
	}
	m[r] = string(b)
	return m[r]
}

// pgTextArray writes a text[] literal (unnest cannot take an array of arrays of
// different lengths, so arrays travel as literals and are cast after unnest).
func pgTextArray(xs []string) string {
	parts := make([]string, len(xs))
	for i, x := range xs {
		parts[i] = `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(x) + `"`
	}
	return "{" + strings.Join(parts, ",") + "}"
}

// multirangeValue is the periods as pgx's tstzmultirange, for COPY.
func multirangeValue(ps []projections.Period) pgtype.Multirange[pgtype.Range[pgtype.Timestamptz]] {
	m := make(pgtype.Multirange[pgtype.Range[pgtype.Timestamptz]], len(ps))
	for i, p := range ps {
		r := pgtype.Range[pgtype.Timestamptz]{Lower: tsz(p.From), LowerType: pgtype.Inclusive, UpperType: pgtype.Unbounded, Valid: true}
		if !p.Until.IsZero() {
			r.Upper, r.UpperType = tsz(p.Until), pgtype.Exclusive
		}
		m[i] = r
	}
	return m
}

// multirange writes the periods as a tstzmultirange literal; an open period has no upper bound.
func multirange(ps []projections.Period) string {
	parts := make([]string, len(ps))
	for i, p := range ps {
		until := ""
		if !p.Until.IsZero() {
			until = p.Until.UTC().Format(eventlog.TimeFormat)
		}
		parts[i] = "[" + p.From.UTC().Format(eventlog.TimeFormat) + "," + until + ")"
	}
	return "{" + strings.Join(parts, ",") + "}"
}
