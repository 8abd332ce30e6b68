package domain_test

import (
	"errors"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/domain"
)

// The fixtures below build tickets in every status by deciding commands and applying the
// events they produce, exactly as the application does, with an explicit clock.

// t0 is when every fixture ticket is received.
var t0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

var (
	agentA = uuid.MustParse("0b1f6d7e-0000-4000-8000-00000000000a")
	agentB = uuid.MustParse("0b1f6d7e-0000-4000-8000-00000000000b")
)

// recorded is one applied event with the time it occurred, so a history can be folded again.
type recorded struct {
	e  domain.Event
	at time.Time
}

// fixture is a ticket, its history and a clock.
type fixture struct {
	tk      *domain.Ticket
	history []recorded
	now     time.Time
	policy  domain.SLAPolicy
}

// newFixture receives a ticket from a customer of the given tier at t0.
func newFixture(t testing.TB, tier domain.Tier) *fixture {
	t.Helper()
	f := &fixture{tk: domain.NewTicket(), now: t0, policy: domain.DefaultSLAPolicy()}
	events, err := domain.Receive(receiveCmd(tier), uuid.New(), "TK-7F3K9Q", "hash", f.now, f.policy)
	if err != nil {
		t.Fatalf("receive: %v", err)
	}
	f.apply(events)
	return f
}

func receiveCmd(tier domain.Tier) domain.ReceiveTicket {
	return domain.ReceiveTicket{
		Channel:  domain.ChannelEmail,
		Customer: domain.Customer{ID: "c-1", Name: "王小明", Email: "xiaoming@example.com", Tier: tier},
		Subject:  "无法登录", Body: "我的账户无法登录。",
	}
}

// apply folds events into the ticket at the fixture's current time.
func (f *fixture) apply(events []domain.Event) {
	for _, e := range events {
		f.tk.Apply(e, f.now)
		f.history = append(f.history, recorded{e, f.now})
	}
}

// advance moves the clock forward.
func (f *fixture) advance(d time.Duration) { f.now = f.now.Add(d) }

// must decides a command that has to succeed and applies its events.
func (f *fixture) must(t testing.TB, what string, events []domain.Event, err error) []domain.Event {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: unexpected error: %v", what, err)
	}
	f.apply(events)
	return events
}

func (f *fixture) state() domain.TicketState { return f.tk.State() }

// Step builders: each moves a fixture one documented transition on, one minute later.

func (f *fixture) classify(t testing.TB, prio domain.Priority) {
	f.advance(time.Minute)
	ev, err := f.tk.Classify(domain.ClassifyTicket{Category: "login", Priority: prio}, f.policy)
	f.must(t, "classify", ev, err)
}

func (f *fixture) assign(t testing.TB, agent uuid.UUID) {
	f.advance(time.Minute)
	ev, err := f.tk.Assign(domain.AssignTicket{AgentID: agent, AgentName: "李娜"})
	f.must(t, "assign", ev, err)
}

func (f *fixture) escalate(t testing.TB, team string) {
	f.advance(time.Minute)
	ev, err := f.tk.Escalate(domain.EscalateTicket{Team: team, Reason: "需要二线支持"}, f.now, f.policy)
	f.must(t, "escalate", ev, err)
}

func (f *fixture) wait(t testing.TB) {
	f.advance(time.Minute)
	ev, err := f.tk.Wait("等待客户截图")
	f.must(t, "wait", ev, err)
}

func (f *fixture) resolve(t testing.TB) {
	f.advance(time.Minute)
	ev, err := f.tk.Resolve("已重置密码")
	f.must(t, "resolve", ev, err)
}

func (f *fixture) close(t testing.TB) {
	f.advance(time.Minute)
	ev, err := f.tk.Close()
	f.must(t, "close", ev, err)
}

// replyAt posts a staff reply (public, or an internal note) at the given time.
func (f *fixture) replyAt(t testing.TB, at time.Time, body string, public bool) []domain.Event {
	f.now = at
	ev, err := f.tk.Reply(body, public)
	return f.must(t, "reply", ev, err)
}

// customerReplyAt records the customer's reply at the given time.
func (f *fixture) customerReplyAt(t testing.TB, at time.Time, body string) []domain.Event {
	f.now = at
	ev, err := f.tk.CustomerReply(body, f.now, f.policy)
	return f.must(t, "customer reply", ev, err)
}

// ticketIn returns a core-tier ticket brought to status s along the usual path,
// assigned to agentA whenever the path goes through assignment.
func ticketIn(t testing.TB, s domain.Status) *fixture {
	t.Helper()
	f := newFixture(t, domain.TierCore)
	switch s {
	case domain.StatusReceived:
	case domain.StatusClassified:
		f.classify(t, domain.P2)
	case domain.StatusAssigned:
		f.classify(t, domain.P2)
		f.assign(t, agentA)
	case domain.StatusEscalated:
		f.classify(t, domain.P2)
		f.assign(t, agentA)
		f.escalate(t, "tier2")
	case domain.StatusWaiting:
		f.classify(t, domain.P2)
		f.assign(t, agentA)
		f.wait(t)
	case domain.StatusResolved:
		f.classify(t, domain.P2)
		f.assign(t, agentA)
		f.resolve(t)
	case domain.StatusClosed:
		f.classify(t, domain.P2)
		f.assign(t, agentA)
		f.resolve(t)
		f.close(t)
	default:
		t.Fatalf("no fixture for status %q", s)
	}
	if got := f.state().Status; got != s {
		t.Fatalf("fixture for %q ended in %q", s, got)
	}
	return f
}

// eventTypes lists the stored type names of events, for compact comparisons.
func eventTypes(events []domain.Event) []string {
	out := make([]string, len(events))
	for i, e := range events {
		out[i] = e.EventType()
	}
	return out
}

func sameStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// wantTransitionError checks that err is a *TransitionError for that command and status.
func wantTransitionError(t testing.TB, err error, from domain.Status) {
	t.Helper()
	var te *domain.TransitionError
	if !errors.As(err, &te) {
		t.Fatalf("want *domain.TransitionError, got %T %v", err, err)
	}
	if !errors.Is(err, domain.ErrInvalidTransition) {
		t.Fatalf("errors.Is(%v, ErrInvalidTransition) = false", err)
	}
	if te.From != from {
		t.Fatalf("TransitionError.From = %q, want %q", te.From, from)
	}
}

// wantFields checks that err is a *ValidationError naming exactly these fields.
func wantFields(t testing.TB, err error, fields ...string) {
	t.Helper()
	var ve *domain.ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("want *domain.ValidationError, got %T %v", err, err)
	}
	if !errors.Is(err, domain.ErrInvalid) {
		t.Fatalf("errors.Is(%v, ErrInvalid) = false", err)
	}
	got := make([]string, 0, len(ve.Fields))
	for _, fe := range ve.Fields {
		if fe.Message == "" {
			t.Errorf("field %q has no message", fe.Field)
		}
		if len(got) == 0 || got[len(got)-1] != fe.Field {
			got = append(got, fe.Field)
		}
	}
	if !sameStrings(got, fields) {
		t.Fatalf("invalid fields = %v, want %v", got, fields)
	}
}
