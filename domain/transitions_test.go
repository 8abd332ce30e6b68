package domain_test

import (
	"slices"
	"testing"
	"time"

	"github.com/ticketengine/ticketengine/domain"
)

// Statuses, spelled out here rather than taken from the code under test.
const (
	received   = domain.Status("received")
	classified = domain.Status("classified")
	assigned   = domain.Status("assigned")
	escalated  = domain.Status("escalated")
	waiting    = domain.Status("waiting")
	resolved   = domain.Status("resolved")
	closed     = domain.Status("closed")
)

var (
	allStatuses  = []domain.Status{received, classified, assigned, escalated, waiting, resolved, closed}
	openStatuses = []domain.Status{received, classified, assigned, escalated, waiting}
)

// apiAllowed is the "allowed from status" column of API.md's command table, copied by hand.
// Reprioritize is not in API.md: it is a tier rule's classification of priority alone, so it
// follows classify. Customer reply and rating come from API.md's portal rows: a reply is taken
// on any open ticket and reopens a resolved one; a rating only when resolved or closed.
var apiAllowed = map[string][]domain.Status{
	"classify":       openStatuses,
	"reprioritize":   openStatuses,
	"assign":         {received, classified, assigned, escalated},
	"escalate":       {received, classified, assigned, waiting},
	"reply public":   openStatuses,
	"reply internal": openStatuses,
	"wait":           {assigned, escalated},
	"resolve":        {assigned, escalated, waiting},
	"reopen":         {resolved},
	"close":          {resolved},
	"customer reply": {received, classified, assigned, escalated, waiting, resolved},
	"rate":           {resolved, closed},
}

// apiStatusAfter is API.md's "status after" column, for a ticket whose path went through
// assignment to agentA (the fixtures of ticketIn; the escalated fixture changed team, so it
// has no assignee).
func apiStatusAfter(command string, from domain.Status) domain.Status {
	switch command {
	case "classify":
		if from == received {
			return classified
		}
	case "assign":
		return assigned
	case "escalate":
		return escalated
	case "wait":
		return waiting
	case "resolve":
		return resolved
	case "reopen":
		return assigned
	case "close":
		return closed
	case "customer reply":
		if from == waiting || from == resolved {
			return assigned
		}
	}
	return from
}

// matrixCommand decides one command on a fixture.
type matrixCommand struct {
	name string
	run  func(f *fixture) ([]domain.Event, error)
	// check asserts the events' types and key fields, given the state before.
	check func(t *testing.T, before domain.TicketState, events []domain.Event)
}

func matrixCommands() []matrixCommand {
	return []matrixCommand{
		{"classify", func(f *fixture) ([]domain.Event, error) {
			return f.tk.Classify(domain.ClassifyTicket{Category: "billing", Priority: domain.P1, Team: "finance"}, f.policy)
		}, func(t *testing.T, _ domain.TicketState, ev []domain.Event) {
			e := only[domain.TicketClassified](t, ev)
			if e.Category != "billing" || e.Priority != domain.P1 || e.Team != "finance" {
				t.Errorf("classified = %+v", e)
			}
		}},
		{"reprioritize", func(f *fixture) ([]domain.Event, error) {
			return f.tk.Reprioritize(domain.P1, "vip", f.policy)
		}, func(t *testing.T, _ domain.TicketState, ev []domain.Event) {
			if e := only[domain.TicketReprioritized](t, ev); e.Priority != domain.P1 || e.Rule != "vip" {
				t.Errorf("reprioritized = %+v", e)
			}
		}},
		{"assign", func(f *fixture) ([]domain.Event, error) {
			return f.tk.Assign(domain.AssignTicket{AgentID: agentB, AgentName: "张伟"})
		}, func(t *testing.T, _ domain.TicketState, ev []domain.Event) {
			if e := only[domain.TicketAssigned](t, ev); e.AgentID != agentB || e.AgentName != "张伟" {
				t.Errorf("assigned = %+v", e)
			}
		}},
		{"escalate", func(f *fixture) ([]domain.Event, error) {
			return f.tk.Escalate(domain.EscalateTicket{Team: "tier3", Reason: "数据库故障"}, f.now, f.policy)
		}, func(t *testing.T, before domain.TicketState, ev []domain.Event) {
			e := only[domain.TicketEscalated](t, ev)
			if e.Team != "tier3" || e.Reason != "数据库故障" || e.Level != before.EscalationLevel+1 {
				t.Errorf("escalated = %+v (level before %d)", e, before.EscalationLevel)
			}
		}},
		{"reply public", func(f *fixture) ([]domain.Event, error) { return f.tk.Reply("您好", true) },
			func(t *testing.T, _ domain.TicketState, ev []domain.Event) {
				if e := only[domain.TicketReplied](t, ev); e.Body != "您好" || !e.Public {
					t.Errorf("replied = %+v", e)
				}
			}},
		{"reply internal", func(f *fixture) ([]domain.Event, error) { return f.tk.Reply("内部备注", false) },
			func(t *testing.T, _ domain.TicketState, ev []domain.Event) {
				if e := only[domain.TicketReplied](t, ev); e.Body != "内部备注" || e.Public {
					t.Errorf("replied = %+v", e)
				}
			}},
		{"wait", func(f *fixture) ([]domain.Event, error) { return f.tk.Wait("need logs") },
			func(t *testing.T, _ domain.TicketState, ev []domain.Event) {
				if e := only[domain.TicketAwaitingCustomer](t, ev); e.Reason != "need logs" {
					t.Errorf("awaiting = %+v", e)
				}
			}},
		{"resolve", func(f *fixture) ([]domain.Event, error) { return f.tk.Resolve("fixed") },
			func(t *testing.T, _ domain.TicketState, ev []domain.Event) {
				if e := only[domain.TicketResolved](t, ev); e.Resolution != "fixed" {
					t.Errorf("resolved = %+v", e)
				}
			}},
		{"reopen", func(f *fixture) ([]domain.Event, error) { return f.tk.Reopen("still broken", f.now, f.policy) },
			func(t *testing.T, _ domain.TicketState, ev []domain.Event) {
				if e := only[domain.TicketReopened](t, ev); e.Reason != "still broken" {
					t.Errorf("reopened = %+v", e)
				}
			}},
		{"close", func(f *fixture) ([]domain.Event, error) { return f.tk.Close() },
			func(t *testing.T, _ domain.TicketState, ev []domain.Event) { only[domain.TicketClosed](t, ev) }},
		{"customer reply", func(f *fixture) ([]domain.Event, error) { return f.tk.CustomerReply("谢谢", f.now, f.policy) },
			checkCustomerReply},
		{"rate", func(f *fixture) ([]domain.Event, error) { return f.tk.Rate(5, nil, "很好") },
			func(t *testing.T, _ domain.TicketState, ev []domain.Event) {
				if e := only[domain.TicketRated](t, ev); e.Score != 5 || e.Comment != "很好" {
					t.Errorf("rated = %+v", e)
				}
			}},
	}
}

func checkCustomerReply(t *testing.T, before domain.TicketState, ev []domain.Event) {
	want := []string{"CustomerReplied"}
	if before.Status == resolved {
		want = append(want, "TicketReopened")
	}
	if got := eventTypes(ev); !sameStrings(got, want) {
		t.Fatalf("events = %v, want %v", got, want)
	}
	e := ev[0].(domain.CustomerReplied)
	if e.Body != "谢谢" {
		t.Errorf("customer replied = %+v", e)
	}
	if (e.SLA != nil) != (before.Status == waiting) {
		t.Errorf("CustomerReplied.SLA = %v from %s: carries shifted dues only when it ends a wait", e.SLA, before.Status)
	}
}

// only asserts that events is exactly one event of type E and returns it.
func only[E domain.Event](t *testing.T, events []domain.Event) E {
	t.Helper()
	if len(events) != 1 {
		t.Fatalf("events = %v, want exactly one", eventTypes(events))
	}
	e, ok := events[0].(E)
	if !ok {
		t.Fatalf("event is %T, want %T", events[0], *new(E))
	}
	return e
}

// TestCommandMatrix runs every command from every status: an allowed one must produce its
// events and lead to API.md's status after; a refused one must be a TransitionError and
// leave the ticket as it was.
func TestCommandMatrix(t *testing.T) {
	for _, cmd := range matrixCommands() {
		for _, from := range allStatuses {
			t.Run(cmd.name+"/from_"+string(from), func(t *testing.T) {
				f := ticketIn(t, from)
				f.advance(time.Minute)
				before := f.state()
				events, err := cmd.run(f)
				if !slices.Contains(apiAllowed[cmd.name], from) {
					wantTransitionError(t, err, from)
					if len(events) != 0 {
						t.Fatalf("refused command produced events %v", eventTypes(events))
					}
					return
				}
				if err != nil {
					t.Fatalf("allowed by API.md, got error %v", err)
				}
				cmd.check(t, before, events)
				f.apply(events)
				if got, want := f.state().Status, apiStatusAfter(cmd.name, from); got != want {
					t.Fatalf("status after = %q, want %q", got, want)
				}
				if got, want := f.state().Version, before.Version+int64(len(events)); got != want {
					t.Fatalf("version = %d, want %d", got, want)
				}
			})
		}
	}
}

// TestMatrixCoversAPI guards the table itself: every command of the matrix has an API.md row.
func TestMatrixCoversAPI(t *testing.T) {
	for _, cmd := range matrixCommands() {
		if _, ok := apiAllowed[cmd.name]; !ok {
			t.Errorf("command %q has no expected row", cmd.name)
		}
	}
	if len(matrixCommands()) != len(apiAllowed) {
		t.Errorf("%d commands, %d expected rows", len(matrixCommands()), len(apiAllowed))
	}
}
