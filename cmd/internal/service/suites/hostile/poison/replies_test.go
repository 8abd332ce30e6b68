package poison_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/application/command"
	"github.com/ticketengine/ticketengine/application/eventlog"
	"github.com/ticketengine/ticketengine/cmd/internal/service"
	"github.com/ticketengine/ticketengine/cmd/internal/service/servicetest"
	"github.com/ticketengine/ticketengine/domain"
	"github.com/ticketengine/ticketengine/projections"
)

// TestHostileRepliesOnPostgresReadModels is issue 12's first defect end to end: customer
// replies holding a NUL and invalid UTF-8, stored past the HTTP edge, stop nothing: a
// ticket received after them reaches the queue, ticketd starts again over the same
// tables, and a rebuild of every read model completes.
func TestHostileRepliesOnPostgresReadModels(t *testing.T) {
	cfg := servicetest.PostgresConfig(t)
	cfg.Policies.Disabled = true
	meta := command.CommandMeta{Actor: "admin"}
	customer := domain.Customer{ID: "c-1", Name: "陈静", Email: "chen@example.com", Tier: domain.TierVIP}
	var after command.ReceivedTicket
	run := func(steps func(ctx context.Context, svc *service.Service)) {
		svc, stop := servicetest.RunService(t, cfg)
		steps(context.Background(), svc)
		stop()
	}
	run(func(ctx context.Context, svc *service.Service) {
		tk, err := svc.Commands.Receive.Handle(ctx, command.ReceiveTicket{Channel: domain.ChannelWeb, Customer: customer, Subject: "s", Body: "b"}, meta)
		if err != nil {
			t.Fatal(err)
		}
		for _, body := range []string{"hello\x00world", "bad \xff\xfe bytes"} {
			appendReply(ctx, t, svc.Store, tk.Ticket.ID, body)
		}
		if after, err = svc.Commands.Receive.Handle(ctx, command.ReceiveTicket{Channel: domain.ChannelEmail, Customer: customer, Subject: "after", Body: "b"}, meta); err != nil {
			t.Fatal(err)
		}
		inQueue(ctx, t, svc, after)
	})
	run(func(ctx context.Context, svc *service.Service) { // a restart over the same tables
		inQueue(ctx, t, svc, after)
		fs, err := svc.ReadSide.Failures(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range fs {
			if f.Recorded != 0 {
				t.Fatalf("sanitised text was recorded as failed: %+v", fs)
			}
		}
	})
	ctx := context.Background()
	svc, err := service.Build(ctx, cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer svc.Close()
	if err := svc.Rebuild(ctx, projections.All, func(string, int) {}, func(projections.RebuildStats) {}); err != nil {
		t.Fatalf("rebuild all: %v", err)
	}
}

// appendReply appends a customer reply past the edge, which refuses such text now: as
// an import or an older version wrote it.
func appendReply(ctx context.Context, t *testing.T, es eventlog.EventStore, id uuid.UUID, body string) {
	t.Helper()
	stream := eventlog.TicketStream(id)
	have, err := es.ReadStream(ctx, stream)
	if err != nil {
		t.Fatal(err)
	}
	data, err := json.Marshal(domain.CustomerReplied{Body: body})
	if err != nil {
		t.Fatal(err)
	}
	v := int64(len(have))
	if _, err := es.Append(ctx, stream, v-1, []eventlog.Record{{ID: uuid.New(), Stream: stream, Version: v,
		Type: domain.TypeCustomerReplied, Data: data, Meta: eventlog.Metadata{Actor: "import", OccurredAt: time.Now().UTC()}}}); err != nil {
		t.Fatal(err)
	}
}

// inQueue fails unless the ticket is in the queue (the read settles first).
func inQueue(ctx context.Context, t *testing.T, svc *service.Service, tk command.ReceivedTicket) {
	t.Helper()
	views, _, err := svc.ReadSide.Queue(ctx, projections.QueueFilter{}, 100, "")
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range views {
		if v.ID == tk.Ticket.ID {
			return
		}
	}
	t.Fatalf("ticket %s is not in the queue (%d tickets)", tk.Ticket.Number, len(views))
}
