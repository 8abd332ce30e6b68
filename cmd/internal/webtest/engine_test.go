package webtest_test

import (
	"context"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/adapters/web"
	"github.com/ticketengine/ticketengine/application/command"
	"github.com/ticketengine/ticketengine/cmd/internal/service"
	"github.com/ticketengine/ticketengine/domain"
)

// engine is ticketd's assembly behind a test server, its help center given a Customers
// port that offers NPS (main's commands do not take it yet: see web.CommandCustomers) and
// records the NPS the rating form sent.
type engine struct {
	svc   *service.Service
	url   string
	agent uuid.UUID
	nps   *npsRecorder
}

type npsRecorder struct {
	web.CommandCustomers
	mu  sync.Mutex
	got map[uuid.UUID]int
}

func (n *npsRecorder) Features() web.Features { return web.Features{NPS: true} }

func (n *npsRecorder) Rate(ctx context.Context, id uuid.UUID, r web.Rating, m command.CommandMeta) (command.TicketResult, error) {
	if r.NPS != nil {
		n.mu.Lock()
		n.got[id] = *r.NPS
		n.mu.Unlock()
	}
	r.NPS = nil
	return n.CommandCustomers.Rate(ctx, id, r, m)
}

func (n *npsRecorder) npsOf(id uuid.UUID) (int, bool) {
	n.mu.Lock()
	defer n.mu.Unlock()
	v, ok := n.got[id]
	return v, ok
}

func startEngine(t *testing.T) *engine {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	cfg := service.Config{EventStore: "memory:", Data: t.TempDir()}
	cfg.Policies.Disabled = true // the test plays the agent itself
	svc, err := service.Build(ctx, cfg, nil)
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	svc.Start(ctx)
	nps := &npsRecorder{CommandCustomers: web.CommandCustomers{Commands: svc.Commands}, got: map[uuid.UUID]int{}}
	h, err := svc.WithPages(svc.API, nps)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(func() {
		srv.Close()
		cancel()
		svc.Wait()
		_ = svc.Close()
	})
	e := &engine{svc: svc, url: srv.URL, nps: nps}
	a, err := svc.Commands.RegisterAgent.Handle(ctx, command.RegisterAgent{Name: "李伟", Email: "li@example.com", Capacity: 10, Language: "zh"}, staff())
	if err != nil {
		t.Fatal(err)
	}
	e.agent = a.Agent.ID
	return e
}

func staff() command.CommandMeta { return command.CommandMeta{Actor: "admin"} }

// open opens a web ticket through the application layer, as the help center does.
func (e *engine) open(t *testing.T, subject string) (number, code string, id uuid.UUID) {
	t.Helper()
	res, err := e.svc.Commands.Receive.Handle(context.Background(), command.ReceiveTicket{Channel: domain.ChannelWeb,
		Customer: domain.Customer{Name: "Ann", Email: "ann@example.com"}, Subject: subject, Body: "Hello", Unverified: true}, staff())
	if err != nil {
		t.Fatal(err)
	}
	return res.Ticket.Number, res.AccessCode, res.Ticket.ID
}

// resolve is the agent's part: take the ticket and resolve it.
func (e *engine) resolve(t *testing.T, id uuid.UUID) {
	t.Helper()
	ctx := context.Background()
	if _, err := e.svc.Commands.Assign.Handle(ctx, command.AssignTicket{TicketID: id, AgentID: e.agent}, staff()); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.Commands.Resolve.Handle(ctx, command.ResolveTicket{TicketID: id, Resolution: "Refunded today."}, staff()); err != nil {
		t.Fatal(err)
	}
}

func (e *engine) find(t *testing.T, number, code string) uuid.UUID {
	t.Helper()
	id, err := e.svc.Commands.FindByNumber.Find(context.Background(), number, code)
	if err != nil {
		t.Fatal(err)
	}
	return id
}
