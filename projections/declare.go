package projections

import "github.com/google/uuid"

// Spec declares a projection whose rows are values of type R, folded by a pure function
// of (row, event): what most projections need (Declare makes the Projection). A
// projection whose rows are shared with others (the ticket snapshots of the queues and
// portal) implements Projection itself.
type Spec[R any] struct {
	Name  string
	Reads Kind
	// Empty is the row of aggregate id before its first event.
	Empty func(id uuid.UUID) R
	// Fold is the row after e.
	Fold func(r R, e *Event) R
	// Head points into a row at its aggregate's id and its stream version.
	Head  func(r *R) (id *uuid.UUID, version *int64)
	Table Table
}

// Declare makes the projection a Spec describes. Its rows are *R, folded in place (one
// copy per batch, not one allocation per event), so Detach copies them.
func Declare[R any](s Spec[R]) Projection { return &declared[R]{s} }

type declared[R any] struct{ s Spec[R] }

func (d *declared[R]) Name() string  { return d.s.Name }
func (d *declared[R]) Reads() Kind   { return d.s.Reads }
func (d *declared[R]) Table() *Table { return &d.s.Table }

func (d *declared[R]) Empty(id uuid.UUID) Row {
	r := d.s.Empty(id)
	return &r
}

func (d *declared[R]) Fold(r Row, e *Event) Row {
	p := r.(*R)
	*p = d.s.Fold(*p, e)
	return p
}

func (d *declared[R]) Skip(r Row, id uuid.UUID, v int64) Row {
	p := r.(*R)
	pid, pv := d.s.Head(p)
	*pid, *pv = id, v
	return p
}

func (d *declared[R]) Key(r Row) uuid.UUID {
	id, _ := d.s.Head(r.(*R))
	return *id
}

func (d *declared[R]) Version(r Row) int64 {
	_, v := d.s.Head(r.(*R))
	return *v
}

// Detach copies the rows into one array: the engine folds its own in place.
func (d *declared[R]) Detach(rows []Row) {
	own := make([]R, len(rows))
	for i, r := range rows {
		own[i] = *r.(*R)
		rows[i] = &own[i]
	}
}
