package readmodeltest

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"

	"github.com/ticketengine/ticketengine/projections"
)

// Poisoned is the test hook for rows a store cannot hold: a read-model store whose Commit
// refuses, as permanent (projections.ErrUnstorable, as PostgreSQL's data exceptions are),
// every commit with a row or timeline entry holding Marker; while FailNext is above
// zero it fails that many commits as transient (ErrInjected) instead, as a lost
// connection would. Its Fresh writers refuse the same rows.
type Poisoned struct {
	projections.Store
	Marker string
	mu     sync.Mutex
	next   int
}

// FailNext makes the next n commits fail as transient.
func (p *Poisoned) FailNext(n int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.next = n
}

// Commit implements projections.Writer.
func (p *Poisoned) Commit(ctx context.Context, batches []projections.Batch) error {
	p.mu.Lock()
	transient := p.next > 0
	if transient {
		p.next--
	}
	p.mu.Unlock()
	if transient {
		return ErrInjected
	}
	return commitUnless(ctx, p.Store, p.Marker, batches)
}

// Fresh implements projections.Store.
func (p *Poisoned) Fresh(ctx context.Context, name string) (projections.Writer, error) {
	w, err := p.Store.Fresh(ctx, name)
	if err != nil {
		return nil, err
	}
	return poisonedWriter{Writer: w, marker: p.Marker}, nil
}

// Swap implements projections.Store.
func (p *Poisoned) Swap(ctx context.Context, name string, fresh projections.Writer) error {
	if w, ok := fresh.(poisonedWriter); ok {
		fresh = w.Writer
	}
	return p.Store.Swap(ctx, name, fresh)
}

// FailureCounts implements projections.FailureStore (the store's).
func (p *Poisoned) FailureCounts(ctx context.Context) (map[string]int, error) {
	return p.Store.(projections.FailureStore).FailureCounts(ctx)
}

// Failures implements projections.FailureStore (the store's).
func (p *Poisoned) Failures(ctx context.Context, name string) ([]projections.Failure, error) {
	return p.Store.(projections.FailureStore).Failures(ctx, name)
}

type poisonedWriter struct {
	projections.Writer
	marker string
}

func (p poisonedWriter) Commit(ctx context.Context, batches []projections.Batch) error {
	return commitUnless(ctx, p.Writer, p.marker, batches)
}

// commitUnless commits unless a row holds marker. The failures are not looked at: their
// errors name what was refused.
func commitUnless(ctx context.Context, w projections.Writer, marker string, batches []projections.Batch) error {
	for _, b := range batches {
		rows, err := json.Marshal([]any{b.Tickets, b.Timeline, b.Facts, b.Agents})
		if err != nil {
			return err
		}
		if strings.Contains(string(rows), marker) {
			return fmt.Errorf("%w: readmodeltest: a %s row holds the marker", projections.ErrUnstorable, b.Projection)
		}
	}
	return w.Commit(ctx, batches)
}
