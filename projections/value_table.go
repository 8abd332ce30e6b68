package projections

import (
	"bytes"
	"slices"

	"github.com/google/uuid"
)

// ValueTable keeps one projection's rows by value, keyed by aggregate id: a slice of rows
// and an index into it, with no allocation per row and no batch kept alive by one of its
// rows (what a map of row pointers costs: docs/READMODELS.md "The memory store"). The
// memory store keeps every declared projection this way. It is not safe for concurrent
// use: its store's lock guards it; what it returns is the caller's own copy.
type ValueTable interface {
	// Put keeps a copy of r, unless the table holds a newer version of its key.
	Put(r Row)
	// Get returns a copy of id's row.
	Get(id uuid.UUID) (Row, bool)
	// Version is id's row version, -1 when there is none.
	Version(id uuid.UUID) int64
	// Rows returns a copy of every row, in key order.
	Rows() []Row
	// Len is how many rows the table holds.
	Len() int
}

// Valued is a projection whose rows a store may keep in a ValueTable: every declared one.
type Valued interface {
	Projection
	NewValueTable() ValueTable
}

// NewValueTable implements Valued.
func (d *declared[R]) NewValueTable() ValueTable {
	return &valueTable[R]{head: d.s.Head, index: map[uuid.UUID]int32{}}
}

type valueTable[R any] struct {
	head  func(r *R) (*uuid.UUID, *int64)
	index map[uuid.UUID]int32
	rows  []R
}

func (t *valueTable[R]) Put(r Row) {
	p := r.(*R)
	id, v := t.head(p)
	if i, ok := t.index[*id]; ok {
		if _, old := t.head(&t.rows[i]); *old <= *v {
			t.rows[i] = *p
		}
		return
	}
	t.index[*id] = int32(len(t.rows))
	t.rows = append(t.rows, *p)
}

func (t *valueTable[R]) Get(id uuid.UUID) (Row, bool) {
	i, ok := t.index[id]
	if !ok {
		return nil, false
	}
	r := t.rows[i]
	return &r, true
}

func (t *valueTable[R]) Version(id uuid.UUID) int64 {
	i, ok := t.index[id]
	if !ok {
		return -1
	}
	_, v := t.head(&t.rows[i])
	return *v
}

func (t *valueTable[R]) Rows() []Row {
	own := slices.Clone(t.rows)
	slices.SortFunc(own, func(a, b R) int {
		ia, _ := t.head(&a)
		ib, _ := t.head(&b)
		return bytes.Compare(ia[:], ib[:])
	})
	out := make([]Row, len(own))
	for i := range own {
		out[i] = &own[i]
	}
	return out
}

func (t *valueTable[R]) Len() int { return len(t.rows) }
