package service

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/ticketengine/ticketengine/application/command"
	"github.com/ticketengine/ticketengine/domain"
)

// TestTheNewProjectorAnswersForItsLagOnlyOnceItsFeedCommittedTheHead: a node that took
// the lease "projector" counts its own lag (readiness) only once every shared read model
// has committed the store's head as it stood when its live feed started, so an event
// committed during the take-over's catch-up (a slow command, already older than the
// readiness bound) does not take it out of the load balancer; and not at all when its
// lease ends before that.
func TestTheNewProjectorAnswersForItsLagOnlyOnceItsFeedCommittedTheHead(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	s, err := Build(ctx, Config{EventStore: "memory:", Data: t.TempDir()}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { cancel(); s.Wait(); _ = s.Close() }()
	s.ReadSide.ReadyRule.Shared = func(string) (bool, bool) { return true, s.projector.projecting.Load() }
	for range 3 { // stored, not projected: the read side is not started yet
		if _, err := s.Commands.Receive.Handle(ctx, command.ReceiveTicket{Channel: domain.ChannelWeb, Subject: "接手", Body: "take-over",
			Customer: domain.Customer{Name: "李娜", Email: "lina@example.com", Language: "zh", Tier: domain.TierCore}},
			command.CommandMeta{Actor: "admin"}); err != nil {
			t.Fatal(err)
		}
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))

	ended, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { defer close(done); s.projector.watchCaughtUp(ended, s.Store, s.ReadSide, 0, log) }()
	time.Sleep(10 * caughtUpPoll)
	if s.projector.projecting.Load() {
		t.Fatal("the read models committed nothing, yet the node answers for their lag")
	}
	stop()
	<-done
	if s.projector.projecting.Load() {
		t.Fatal("the lease ended before the feed caught up, yet the node answers for the read models' lag")
	}

	done = make(chan struct{})
	go func() { defer close(done); s.projector.watchCaughtUp(ctx, s.Store, s.ReadSide, 0, log) }()
	time.Sleep(5 * caughtUpPoll)
	if s.projector.projecting.Load() {
		t.Fatal("the feed has not started, yet the node answers for the read models' lag")
	}
	s.Start(ctx) // the feed commits the head
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("the feed committed the head, yet the node does not answer for the read models' lag after 10 s")
	}
	if !s.projector.projecting.Load() {
		t.Fatal("caught up, yet the node does not answer for the read models' lag")
	}
}
