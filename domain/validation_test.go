package domain_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/domain"
)

// TestInvalidFields: each command with bad fields answers a ValidationError naming exactly
// those fields and decides no event, from a status where the command is otherwise allowed.
func TestInvalidFields(t *testing.T) {
	long := func(n int) string { return strings.Repeat("长", n) }
	cases := []struct {
		name   string
		from   domain.Status
		run    func(f *fixture) ([]domain.Event, error)
		fields []string
	}{
		{"classify empty", received, func(f *fixture) ([]domain.Event, error) {
			return f.tk.Classify(domain.ClassifyTicket{Category: " ", Priority: "P0", Team: long(201)}, f.policy)
		}, []string{"category", "priority", "team"}},
		{"reprioritize unknown", classified, func(f *fixture) ([]domain.Event, error) {
			return f.tk.Reprioritize("urgent", "", f.policy)
		}, []string{"priority"}},
		{"assign nobody", classified, func(f *fixture) ([]domain.Event, error) {
			return f.tk.Assign(domain.AssignTicket{AgentName: "nobody"})
		}, []string{"agent_id"}},
		{"escalate without reason", assigned, func(f *fixture) ([]domain.Event, error) {
			return f.tk.Escalate(domain.EscalateTicket{Team: long(201), Reason: "\t"}, f.now, f.policy)
		}, []string{"reason", "team"}},
		{"escalate long reason", assigned, func(f *fixture) ([]domain.Event, error) {
			return f.tk.Escalate(domain.EscalateTicket{Reason: long(2001)}, f.now, f.policy)
		}, []string{"reason"}},
		{"reply with NUL", assigned, func(f *fixture) ([]domain.Event, error) { return f.tk.Reply("hello\x00world", true) }, []string{"body"}},
		{"escalate with invalid UTF-8", assigned, func(f *fixture) ([]domain.Event, error) {
			return f.tk.Escalate(domain.EscalateTicket{Team: "\xff\xfe", Reason: "ok"}, f.now, f.policy)
		}, []string{"team"}},
		{"reply empty", assigned, func(f *fixture) ([]domain.Event, error) { return f.tk.Reply("  ", true) }, []string{"body"}},
		{"reply too long", assigned, func(f *fixture) ([]domain.Event, error) { return f.tk.Reply(long(100_001), false) }, []string{"body"}},
		{"wait without reason", assigned, func(f *fixture) ([]domain.Event, error) { return f.tk.Wait("") }, []string{"reason"}},
		{"resolve without resolution", assigned, func(f *fixture) ([]domain.Event, error) { return f.tk.Resolve("") }, []string{"resolution"}},
		{"reopen long reason", resolved, func(f *fixture) ([]domain.Event, error) {
			return f.tk.Reopen(long(2001), f.now, f.policy)
		}, []string{"reason"}},
		{"customer reply empty", waiting, func(f *fixture) ([]domain.Event, error) {
			return f.tk.CustomerReply("", f.now, f.policy)
		}, []string{"body"}},
		{"rate zero", resolved, func(f *fixture) ([]domain.Event, error) { return f.tk.Rate(0, nil, "") }, []string{"score"}},
		{"rate six with long comment", resolved, func(f *fixture) ([]domain.Event, error) { return f.tk.Rate(6, nil, long(2001)) }, []string{"score", "comment"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := ticketIn(t, c.from)
			events, err := c.run(f)
			wantFields(t, err, c.fields...)
			if len(events) != 0 {
				t.Fatalf("invalid command produced %v", eventTypes(events))
			}
		})
	}
}

func TestReceiveValidation(t *testing.T) {
	p := domain.DefaultSLAPolicy()
	bad := domain.ReceiveTicket{
		Channel:  "fax",
		Customer: domain.Customer{ID: strings.Repeat("x", 201), Name: "", Email: "not-an-email", Tier: "gold", Language: "fr"},
		Subject:  "   ",
		Body:     strings.Repeat("字", 100_001),
	}
	events, err := domain.Receive(bad, uuid.New(), "TK-1", "h", t0, p)
	wantFields(t, err, "channel", "customer.name", "customer.email", "customer.tier", "customer.id", "customer.language", "subject", "body")
	if events != nil {
		t.Fatalf("events = %v", eventTypes(events))
	}
	// A display-name address is not a bare address and is refused too.
	c := receiveCmd(domain.TierVIP)
	c.Customer.Email = "Wang <wang@example.com>"
	_, err = domain.Receive(c, uuid.New(), "TK-1", "h", t0, p)
	wantFields(t, err, "customer.email")
}

func TestReceiveDecidesTicketReceived(t *testing.T) {
	id := uuid.New()
	c := receiveCmd(domain.TierVIP)
	c.Body = "" // the body is optional
	events, err := domain.Receive(c, id, "TK-ABC123", "sha", t0, domain.DefaultSLAPolicy())
	if err != nil {
		t.Fatal(err)
	}
	e := only[domain.TicketReceived](t, events)
	if e.TicketID != id || e.Number != "TK-ABC123" || e.AccessCodeHash != "sha" || e.Channel != domain.ChannelEmail ||
		e.Customer != c.Customer || e.Subject != c.Subject || e.Priority != domain.P3 || e.Team != "support" {
		t.Fatalf("received = %+v", e)
	}
	tk := domain.NewTicket()
	tk.Apply(e, t0)
	s := tk.State()
	if s.Status != received || s.Version != 0 || s.ID != id || !s.CreatedAt.Equal(t0) || !s.ClockStart.Equal(t0) {
		t.Fatalf("state = %+v", s)
	}
}

// TestLimitsCountCharacters: limits are documented in characters (runes), so a 200-character
// Chinese team name fits although it is 600 bytes; 201 characters do not.
func TestLimitsCountCharacters(t *testing.T) {
	fits, over := strings.Repeat("队", 200), strings.Repeat("队", 201)
	f := ticketIn(t, received)
	if _, err := f.tk.Classify(domain.ClassifyTicket{Category: "账单", Priority: domain.P2, Team: fits}, f.policy); err != nil {
		t.Errorf("classify with a 200-character team: %v", err)
	}
	_, err := f.tk.Classify(domain.ClassifyTicket{Category: "账单", Priority: domain.P2, Team: over}, f.policy)
	wantFields(t, err, "team")
	if _, err := f.tk.Escalate(domain.EscalateTicket{Team: fits, Reason: "r"}, f.now, f.policy); err != nil {
		t.Errorf("escalate to a 200-character team: %v", err)
	}
	c := receiveCmd(domain.TierCore)
	c.Customer.ID = strings.Repeat("客", 200)
	if _, err := domain.Receive(c, uuid.New(), "TK-1", "h", t0, f.policy); err != nil {
		t.Errorf("receive with a 200-character customer id: %v", err)
	}
	if _, err := domain.Register(domain.RegisterAgent{Name: "李娜", Email: "li@example.com", Team: fits, Capacity: 5}, uuid.New()); err != nil {
		t.Errorf("register in a 200-character team: %v", err)
	}
}

// TestCommandsOnMissingTicket: every command on a ticket that was never received is ErrNotFound.
func TestCommandsOnMissingTicket(t *testing.T) {
	for _, cmd := range matrixCommands() {
		t.Run(cmd.name, func(t *testing.T) {
			f := &fixture{tk: domain.NewTicket(), now: t0, policy: domain.DefaultSLAPolicy()}
			events, err := cmd.run(f)
			if !errors.Is(err, domain.ErrNotFound) {
				t.Fatalf("err = %v, want ErrNotFound", err)
			}
			if len(events) != 0 {
				t.Fatalf("events = %v", eventTypes(events))
			}
		})
	}
	tk := domain.NewTicket()
	p := domain.DefaultSLAPolicy()
	for _, clock := range []string{domain.ClockFirstResponse, domain.ClockResolution} {
		if ev := tk.RecordSLABreach(clock, t0.Add(1000*time.Hour), p); ev != nil {
			t.Errorf("breach on a missing ticket: %v", eventTypes(ev))
		}
		if ev := tk.RecordSLAWarning(clock, t0.Add(1000*time.Hour), p); ev != nil {
			t.Errorf("warning on a missing ticket: %v", eventTypes(ev))
		}
	}
}
