package service

import (
	"context"
	"testing"
	"time"

	"github.com/ticketengine/ticketengine/adapters/postgrestest"
	"github.com/ticketengine/ticketengine/application/command"
	"github.com/ticketengine/ticketengine/domain"
)

// TestStopProjectsWhatTheWritersAppendedAsTheyStopped: a node on shared PostgreSQL that
// stops leaves the shared read models at the event store's head, even when a task that
// writes (a policy's last breach, say) appends as it stops. Stop ends the writers first,
// then the projector, which catches up once more under its lease. When every task was
// cancelled at once, the projector was gone before the last event and the read models
// stayed behind the store until some node projected again (the cluster test's rebuild
// check found it after a rolling stop).
func TestStopProjectsWhatTheWritersAppendedAsTheyStopped(t *testing.T) {
	dsn := postgrestest.FreshSchema(t, "stop_")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	s, err := Build(ctx, Config{EventStore: dsn, ReadModel: dsn, Data: t.TempDir(), Policies: PolicyConfig{Disabled: true}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = s.Close() }()
	receive := func(ctx context.Context, subject string) error {
		_, err := s.Commands.Receive.Handle(ctx, command.ReceiveTicket{Channel: domain.ChannelWeb, Subject: subject, Body: "stop",
			Customer: domain.Customer{Name: "李娜", Email: "lina@example.com", Language: "zh", Tier: domain.TierCore}},
			command.CommandMeta{Actor: "admin"})
		return err
	}
	// A writer whose last act comes well after it is told to stop.
	s.background = append(s.background, func(ctx context.Context) error {
		<-ctx.Done()
		time.Sleep(300 * time.Millisecond)
		return receive(context.WithoutCancel(ctx), "最后一件")
	})
	s.Start(ctx)
	if err := receive(ctx, "第一件"); err != nil {
		t.Fatal(err)
	}
	for end := time.Now().Add(20 * time.Second); !s.projector.projecting.Load(); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(end) {
			t.Fatal("the node did not project the shared read models within 20 s")
		}
	}
	s.Stop()

	head, err := lastPosition(ctx, s.Store, 0)
	if err != nil {
		t.Fatal(err)
	}
	lags, err := s.ReadSide.Lag(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(lags) == 0 {
		t.Fatal("no read model reports its checkpoint")
	}
	for _, l := range lags {
		if l.Position < head {
			t.Errorf("after Stop, %s has committed position %d; the store's head is %d", l.Projection, l.Position, head)
		}
	}
}
