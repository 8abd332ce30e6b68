package projections

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/application"
	"github.com/ticketengine/ticketengine/domain"
)

// recordsOnly is an event store that only reads back fixed records, in order, whatever
// they hold (Append would refuse a gap).
type recordsOnly struct {
	application.EventStore
	recs []application.Record
}

func (s recordsOnly) ReadAll(_ context.Context, after uint64, limit int) ([]application.Record, error) {
	var out []application.Record
	for _, r := range s.recs {
		if r.Position > after && len(out) < limit {
			out = append(out, r)
		}
	}
	return out, nil
}

// TestStoreOrderedGapIsSkipped: read from the event store in order (CatchUp), a gap in
// a stream's versions cannot be a record lost on the way: the record after it is skipped
// and recorded, the row follows it, and catching up completes (Handle, fed by a bus,
// still refuses a gap: TestGapIsRefusedAndDuplicateIgnored).
func TestStoreOrderedGapIsSkipped(t *testing.T) {
	ctx := context.Background()
	id := uuid.New()
	stream := application.TicketStream(id)
	received, _ := json.Marshal(domain.TicketReceived{TicketID: id, Number: "TK-1", Customer: domain.Customer{Tier: domain.TierCore}})
	es := recordsOnly{recs: []application.Record{
		{ID: uuid.New(), Stream: stream, Version: 0, Position: 1, Type: domain.TypeTicketReceived, Data: received},
		{ID: uuid.New(), Stream: stream, Version: 2, Position: 2, Type: domain.TypeTicketClosed, Data: []byte(`{}`)},
		{ID: uuid.New(), Stream: stream, Version: 3, Position: 3, Type: domain.TypeTicketClosed, Data: []byte(`{}`)},
	}}
	e, err := NewEngine(ctx, nullWriter{}, Queues)
	if err != nil {
		t.Fatal(err)
	}
	if n, err := e.CatchUp(ctx, es); err != nil || n != 3 {
		t.Fatalf("catch-up read %d: %v", n, err)
	}
	if p := e.Progress()[0]; p.Committed != 3 || p.Failed != 1 {
		t.Fatalf("progress %+v, want all committed, one failed", p)
	}
}
