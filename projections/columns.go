package projections

import (
	"encoding/json"
	"fmt"
)

// Table describes a projection's table once, as pure data: its name, its key, and for
// each column its name, its SQL type and how a row gives its value. A store that keeps
// rows in tables (PostgreSQL) derives everything from it: its upsert, its COPY input,
// its row reading. Table and column names are public (analysts query them,
// docs/READMODELS.md): they change only with a migration.
type Table struct {
	Name string
	// Key names the primary key's columns; the first is the aggregate's id.
	Key []string
	// Columns are written in this order; a replaceable table has a "version" column.
	Columns []Column
	// AppendOnly: rows are inserted once and never replaced (appended rows). Otherwise a
	// stored row is replaced only by a newer version of it.
	AppendOnly bool
	// Read names the columns a row is read back from, in order, and Scan makes the row
	// from them: scan stores their values into the destinations it is given, as
	// database/sql's Scan does.
	Read []string
	Scan func(scan func(dest ...any) error) (Row, error)
}

// Column is one column of a table. Get is the row's value, a func(Row) T, with T one of
// string, uuid.UUID, int64, int, bool, time.Time, float64, NullFloat, []string or
// []Period; a "json" column with a nil Get holds the row itself, encoded with
// encoding/json (what Scan reads back).
type Column struct {
	Name string
	// Type is the column's SQL type, as the migration declares it.
	Type string
	// Null: the zero value of T is stored as NULL.
	Null bool
	Get  any
}

// NullFloat is a float column's value that may be NULL.
type NullFloat struct {
	Float float64
	Valid bool
}

// Col is a column whose value get reads from rows of type *R.
func Col[R, T any](name, sqlType string, get func(*R) T) Column {
	return Column{Name: name, Type: sqlType, Get: func(r Row) T { return get(r.(*R)) }}
}

// NullCol is Col with the zero value stored as NULL.
func NullCol[R, T any](name, sqlType string, get func(*R) T) Column {
	c := Col(name, sqlType, get)
	c.Null = true
	return c
}

// SnapshotCol is the json column holding the whole row.
func SnapshotCol(name string) Column { return Column{Name: name, Type: "json"} }

// ScanSnapshot reads a row of type *R back from its snapshot column.
func ScanSnapshot[R any](scan func(dest ...any) error) (Row, error) {
	var raw []byte
	if err := scan(&raw); err != nil {
		return nil, err
	}
	r := new(R)
	if err := json.Unmarshal(raw, r); err != nil {
		return nil, fmt.Errorf("a stored %T does not decode: %w", *r, err)
	}
	return r, nil
}
