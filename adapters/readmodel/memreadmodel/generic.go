package memreadmodel

import (
	"bytes"
	"slices"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/projections"
)

// table is a projection's rows, by key: how the store keeps every projection it does not
// pack (agents, open_by_team, customers, any projection added to the catalogue), with no
// code of its own. A declared projection's rows are kept by value (vals: one slice, no
// pointer per row); another's as the projection makes them (rows: the batches' own,
// projections.Writer, never changed here).
type table struct {
	def      projections.Projection
	vals     projections.ValueTable
	rows     map[uuid.UUID]projections.Row
	appended []projections.Row // Appender's rows, in the order they came
}

// table returns projection name's table, made when missing; name is in the catalogue.
func (d *data) table(name string) *table {
	t := d.tables[name]
	if t == nil {
		def, _ := projections.Lookup(name)
		t = &table{def: def}
		if v, ok := def.(projections.Valued); ok {
			t.vals = v.NewValueTable()
		} else {
			t.rows = map[uuid.UUID]projections.Row{}
		}
		d.tables[name] = t
	}
	return t
}

// peek returns projection name's table, or an empty one (not kept: readers hold only
// the read lock).
func (d *data) peek(name string) *table {
	if t := d.tables[name]; t != nil {
		return t
	}
	return &table{}
}

// commit keeps a batch's rows, never replacing a row by an older version of it.
func (t *table) commit(b projections.Batch) {
	for _, r := range b.Rows {
		if t.vals != nil {
			t.vals.Put(r)
			continue
		}
		id := t.def.Key(r)
		if old, ok := t.rows[id]; ok && t.def.Version(old) > t.def.Version(r) {
			continue
		}
		t.rows[id] = r
	}
	t.appended = append(t.appended, b.Appended...)
}

// get returns id's row: a copy the caller owns, or the batch's own row (never changed).
func (t *table) get(id uuid.UUID) (projections.Row, bool) {
	if t.vals != nil {
		return t.vals.Get(id)
	}
	r, ok := t.rows[id]
	return r, ok
}

// version is the row version of id, -1 when there is none.
func (t *table) version(id uuid.UUID) int64 {
	if t.vals != nil {
		return t.vals.Version(id)
	}
	if r, ok := t.rows[id]; ok {
		return t.def.Version(r)
	}
	return -1
}

// sorted returns the rows in key order.
func (t *table) sorted() []projections.Row {
	if t.vals != nil {
		return t.vals.Rows()
	}
	ids := make([]uuid.UUID, 0, len(t.rows))
	for id := range t.rows {
		ids = append(ids, id)
	}
	slices.SortFunc(ids, func(a, b uuid.UUID) int { return bytes.Compare(a[:], b[:]) })
	out := make([]projections.Row, len(ids))
	for i, id := range ids {
		out[i] = t.rows[id]
	}
	return out
}
