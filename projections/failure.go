package projections

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/google/uuid"
)

// ErrUnstorable marks a store's error that is about the data written, not the way to the
// store (PostgreSQL: a data exception or an integrity violation): committing the same
// rows again fails again. A commit failing with it is retried in smaller pieces down to
// the single record, which is then recorded as failed for the projection (Failure) and
// skipped, so one event never stops a projection. Any other error (a connection lost, a
// context ended) is transient: nothing is skipped, and the commit is tried again.
var ErrUnstorable = errors.New("the read model cannot store this")

// Unstorable reports whether err is permanent (ErrUnstorable), not transient.
func Unstorable(err error) bool { return errors.Is(err, ErrUnstorable) }

// Failure is a record one projection skipped: it does not decode, its fold panicked, or
// the store cannot hold the row it makes. The projection's row of the aggregate moves
// to the record's version without the record's change, so later records still follow.
type Failure struct {
	Projection string    `json:"projection"`
	Position   uint64    `json:"position"`
	EventID    uuid.UUID `json:"event_id"`
	Stream     string    `json:"stream"`
	Type       string    `json:"type"`
	Error      string    `json:"error"`
	FailedAt   time.Time `json:"failed_at"`
}

// FailureStore is implemented by read-model stores that list the failures they hold.
// Commit stores a batch's Failures with its rows and checkpoint; a rebuild's Swap
// replaces the projection's failures by the rebuild's.
type FailureStore interface {
	// FailureCounts returns how many records each projection has skipped (only those
	// with any).
	FailureCounts(ctx context.Context) (map[string]int, error)
	// Failures returns projection name's failures, by position.
	Failures(ctx context.Context, name string) ([]Failure, error)
}

// skip records d as failed for the projection and moves its row of d's aggregate to d's
// version without d's change, so the aggregate's later records still apply.
func (p *proj) skip(d *decoded, cause error) {
	r := d.rec
	p.failures = append(p.failures, Failure{Projection: p.name, Position: r.Position, EventID: r.ID,
		Stream: r.Stream, Type: r.Type, Error: cause.Error(), FailedAt: nowUTC()})
	if d.id == uuid.Nil || d.agent != (p.name == Agents) || r.Version <= p.version(d) {
		return
	}
	switch p.name {
	case KPI:
		f := p.facts[d.id]
		f.State.ID, f.State.Version = d.id, r.Version
	case Agents:
		a := p.agents[d.id]
		a.ID, a.Version = d.id, r.Version
	default: // ticket snapshots are shared, never changed in place
		t := *p.tickets[d.id]
		t.ID, t.Version = d.id, r.Version
		p.tickets[d.id] = &t
	}
	p.dirty[d.id] = struct{}{}
}

// fold applies d to the projection's row; a panic in the fold becomes its error.
func (p *proj) fold(d *decoded) (err error) {
	defer func() {
		if v := recover(); v != nil {
			err = fmt.Errorf("projection: folding %s panicked: %v", d.rec.Type, v)
		}
	}()
	return p.applyRow(d)
}

// report logs the failures a commit has just stored and counts them.
func (e *Engine) report(p *proj, fs []Failure) {
	if len(fs) == 0 {
		return
	}
	p.failed += uint64(len(fs))
	for _, f := range fs {
		e.logger().Error("projection skipped an event it cannot project", slog.String("projection", f.Projection),
			slog.Uint64("position", f.Position), slog.String("stream", f.Stream), slog.String("type", f.Type),
			slog.String("event_id", f.EventID.String()), slog.String("err", f.Error))
	}
}

// nowUTC is when a failure is recorded: for the operator, nothing is computed from it.
func nowUTC() time.Time { return time.Now().UTC() }

func (e *Engine) logger() *slog.Logger {
	if e.Log != nil {
		return e.Log
	}
	return slog.Default()
}
