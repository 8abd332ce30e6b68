package attachments_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/application/eventlog"
	"github.com/ticketengine/ticketengine/domain"
)

// appendTicket appends events to a new ticket stream, sealed, and returns its id.
func appendTicket(t *testing.T, store eventlog.EventStore, events ...domain.Event) uuid.UUID {
	t.Helper()
	id := uuid.New()
	stream := eventlog.TicketStream(id)
	recs := make([]eventlog.Record, len(events))
	for i, e := range events {
		data, _ := json.Marshal(e)
		recs[i] = eventlog.Record{ID: uuid.New(), Stream: stream, Version: int64(i), Type: e.EventType(), Data: data,
			Meta: eventlog.Metadata{Actor: "admin", OccurredAt: eventlog.Truncate(time.Now())}}
	}
	if err := eventlog.Seal("", recs); err != nil {
		t.Fatal(err)
	}
	if _, err := store.Append(context.Background(), stream, eventlog.NoStream, recs); err != nil {
		t.Fatal(err)
	}
	return id
}
