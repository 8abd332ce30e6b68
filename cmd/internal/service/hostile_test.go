package service_test

import (
	"context"
	"testing"

	"github.com/ticketengine/ticketengine/application"
	"github.com/ticketengine/ticketengine/cmd/internal/service"
	"github.com/ticketengine/ticketengine/domain"
	"github.com/ticketengine/ticketengine/projections"
)

// TestHostileRepliesOnPostgresReadModels is issue 12's first defect end to end: customer
// replies holding a NUL and invalid UTF-8, stored past the HTTP edge, stop nothing: a
// ticket received after them reaches the queue, ticketd starts again over the same
// tables, and a rebuild of every read model completes.
func TestHostileRepliesOnPostgresReadModels(t *testing.T) {
	dsn := freshPostgresSchema(t)
	cfg := service.Config{EventStore: dsn, ReadModel: dsn, Data: t.TempDir()}
	cfg.Policies.Disabled = true
	meta := application.CommandMeta{Actor: "admin"}
	customer := domain.Customer{ID: "c-1", Name: "陈静", Email: "chen@example.com", Tier: domain.TierVIP}
	var after application.ReceivedTicket
	run := func(steps func(ctx context.Context, svc *service.Service)) {
		ctx, cancel := context.WithCancel(context.Background())
		svc, err := service.Build(ctx, cfg, nil)
		if err != nil {
			t.Fatalf("start: %v", err)
		}
		svc.Start(ctx)
		steps(ctx, svc)
		cancel()
		svc.Wait()
		if err := svc.Close(); err != nil {
			t.Fatal(err)
		}
	}
	run(func(ctx context.Context, svc *service.Service) {
		tk, err := svc.Commands.Receive.Handle(ctx, application.ReceiveTicket{Channel: domain.ChannelWeb, Customer: customer, Subject: "s", Body: "b"}, meta)
		if err != nil {
			t.Fatal(err)
		}
		for _, body := range []string{"hello\x00world", "bad \xff\xfe bytes"} {
			if _, err := svc.Commands.CustomerReply.Handle(ctx, application.CustomerReply{TicketID: tk.Ticket.ID, Body: body}, meta); err != nil {
				t.Fatal(err)
			}
		}
		if after, err = svc.Commands.Receive.Handle(ctx, application.ReceiveTicket{Channel: domain.ChannelEmail, Customer: customer, Subject: "after", Body: "b"}, meta); err != nil {
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

// inQueue fails unless the ticket is in the queue (the read settles first).
func inQueue(ctx context.Context, t *testing.T, svc *service.Service, tk application.ReceivedTicket) {
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
