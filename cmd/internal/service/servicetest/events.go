package servicetest

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/application/command"
	"github.com/ticketengine/ticketengine/application/eventlog"
	"github.com/ticketengine/ticketengine/cmd/internal/service"
	"github.com/ticketengine/ticketengine/domain"
)

// FastPolicyYAML is a policy file whose VIP P1 first response is due in 2 s (warning at
// 1 s), so SLA warnings, breaches and escalations happen within a test.
const FastPolicyYAML = `
warning_share: 0.5
escalation_team: escalations
targets:
  vip:
    P1: {first_response: 2s, resolution: 1h}
`

// CountTypes counts a ticket's events by type, read from the store; an escalation by
// anyone but the system stops the test.
func CountTypes(t *testing.T, store eventlog.EventStore, id uuid.UUID) map[string]int {
	t.Helper()
	recs, err := store.ReadStream(context.Background(), eventlog.TicketStream(id))
	if err != nil {
		t.Fatal(err)
	}
	n := map[string]int{}
	for _, r := range recs {
		n[r.Type]++
		if r.Type == domain.TypeTicketEscalated && r.Meta.Actor != command.SystemActor {
			t.Fatalf("escalation by %q", r.Meta.Actor)
		}
	}
	return n
}

// Receive is a standard customer's email ticket, received through the command handler.
func Receive(ctx context.Context, t *testing.T, svc *service.Service, subject, body, email string) command.ReceivedTicket {
	t.Helper()
	res, err := svc.Commands.Receive.Handle(ctx, command.ReceiveTicket{Channel: domain.ChannelEmail, Subject: subject, Body: body,
		Customer: domain.Customer{Name: "Customer", Email: email, Tier: domain.TierStandard}}, command.CommandMeta{Actor: "admin"})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// WaitFor polls cond until it holds, and stops the test if it does not within.
func WaitFor(t *testing.T, within time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(within)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("not within %s: %s", within, what)
		}
		time.Sleep(25 * time.Millisecond)
	}
}
