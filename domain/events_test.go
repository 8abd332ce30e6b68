package domain_test

import (
	"encoding/json"
	"errors"
	"reflect"
	"testing"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/domain"
)

// sampleTicketEvents has one event of every ticket type, each field set to a non-zero value,
// keyed by the stored type name written out by hand: a renamed constant fails here.
func sampleTicketEvents() map[string]domain.Event {
	due := domain.SLADue{FirstResponseDue: t0.Add(h), ResolutionDue: t0.Add(8 * h)}
	return map[string]domain.Event{
		"TicketReceived": domain.TicketReceived{TicketID: uuid.New(), Number: "TK-7F3K9Q", AccessCodeHash: "ab12",
			Channel: domain.ChannelChat, Customer: domain.Customer{ID: "c1", Name: "王", Email: "w@example.com", Tier: domain.TierVIP, Language: "zh"},
			Subject: "主题", Body: "正文", Priority: domain.P3, Team: "support", SLA: due},
		"TicketClassified":       domain.TicketClassified{Category: "账单", Priority: domain.P1, Team: "finance", Rule: "kw", SLA: due},
		"TicketReprioritized":    domain.TicketReprioritized{Priority: domain.P2, Rule: "vip", SLA: due},
		"TicketAssigned":         domain.TicketAssigned{AgentID: agentA, AgentName: "李娜", Auto: true, Rule: "skills"},
		"TicketEscalated":        domain.TicketEscalated{Team: "tier2", Reason: "sla_breach", Level: 2, SLA: &due},
		"TicketReplied":          domain.TicketReplied{Body: "您好", Public: true},
		"CustomerReplied":        domain.CustomerReplied{Body: "谢谢", SLA: &due},
		"TicketAwaitingCustomer": domain.TicketAwaitingCustomer{Reason: "logs"},
		"TicketResolved":         domain.TicketResolved{Resolution: "fixed"},
		"TicketReopened":         domain.TicketReopened{Reason: "again", SLA: due},
		"TicketClosed":           domain.TicketClosed{},
		"TicketRated":            domain.TicketRated{Score: 4, Comment: "好"},
		"SLAWarningIssued":       domain.SLAWarningIssued{Clock: domain.ClockResolution, Due: t0.Add(8 * h)},
		"SLABreached":            domain.SLABreached{Clock: domain.ClockFirstResponse, Due: t0.Add(h)},
	}
}

func TestTicketEventsRoundTrip(t *testing.T) {
	samples := sampleTicketEvents()
	if len(samples) != 14 {
		t.Fatalf("%d samples, want every one of the 14 ticket event types", len(samples))
	}
	for typ, e := range samples {
		if e.EventType() != typ {
			t.Errorf("%T.EventType() = %q, want %q", e, e.EventType(), typ)
		}
		data, err := json.Marshal(e)
		if err != nil {
			t.Fatalf("%s: marshal: %v", typ, err)
		}
		got, err := domain.DecodeTicketEvent(typ, data)
		if err != nil {
			t.Fatalf("%s: decode: %v", typ, err)
		}
		if !reflect.DeepEqual(got, e) {
			t.Errorf("%s: round trip\n got %#v\nwant %#v", typ, got, e)
		}
	}
}

// TestEventDataUsesCommandFieldNames: API.md says an event's data carries the command's
// fields under the same names.
func TestEventDataUsesCommandFieldNames(t *testing.T) {
	samples := sampleTicketEvents()
	want := map[string][]string{
		"TicketClassified":       {"category", "priority", "team"},
		"TicketAssigned":         {"agent_id"},
		"TicketEscalated":        {"team", "reason"},
		"TicketReplied":          {"body", "public"},
		"CustomerReplied":        {"body"},
		"TicketAwaitingCustomer": {"reason"},
		"TicketResolved":         {"resolution"},
		"TicketReopened":         {"reason"},
		"TicketRated":            {"score", "comment"},
	}
	for typ, keys := range want {
		data, _ := json.Marshal(samples[typ])
		var fields map[string]any
		if err := json.Unmarshal(data, &fields); err != nil {
			t.Fatal(err)
		}
		for _, k := range keys {
			if _, ok := fields[k]; !ok {
				t.Errorf("%s data %s lacks %q", typ, data, k)
			}
		}
	}
}

func TestDecodeTicketEventErrors(t *testing.T) {
	if _, err := domain.DecodeTicketEvent("TicketDeleted", []byte(`{}`)); !errors.Is(err, domain.ErrInvalid) {
		t.Errorf("unknown type: %v", err)
	}
	if _, err := domain.DecodeTicketEvent("ticketreceived", []byte(`{}`)); err == nil {
		t.Error("type names are case-sensitive, got no error")
	}
	if _, err := domain.DecodeTicketEvent("TicketRated", []byte(`{"score":"five"}`)); !errors.Is(err, domain.ErrInvalid) {
		t.Errorf("malformed data: %v", err)
	}
	if _, err := domain.DecodeTicketEvent("TicketRated", []byte(`{`)); !errors.Is(err, domain.ErrInvalid) {
		t.Errorf("truncated data: %v", err)
	}
	// A data-less event may be stored with no body at all.
	if e, err := domain.DecodeTicketEvent("TicketClosed", nil); err != nil || e != (domain.TicketClosed{}) {
		t.Errorf("empty TicketClosed: %v %v", e, err)
	}
}

func TestAgentEventsRoundTrip(t *testing.T) {
	samples := map[string]domain.Event{
		"AgentRegistered": domain.AgentRegistered{AgentID: agentA, AgentProfile: domain.AgentProfile{Name: "李娜",
			Email: "li@example.com", Team: "support", Skills: []string{"billing", "退款"}, Capacity: 8, Language: "zh"}},
		"AgentWentOnline":  domain.AgentWentOnline{},
		"AgentWentOffline": domain.AgentWentOffline{},
	}
	for typ, e := range samples {
		if e.EventType() != typ {
			t.Errorf("%T.EventType() = %q", e, e.EventType())
		}
		data, err := json.Marshal(e)
		if err != nil {
			t.Fatal(err)
		}
		got, err := domain.DecodeAgentEvent(typ, data)
		if err != nil || !reflect.DeepEqual(got, e) {
			t.Errorf("%s: got %#v, %v", typ, got, err)
		}
	}
	if _, err := domain.DecodeAgentEvent("AgentFired", []byte(`{}`)); !errors.Is(err, domain.ErrInvalid) {
		t.Errorf("unknown agent type: %v", err)
	}
	if _, err := domain.DecodeAgentEvent("AgentRegistered", []byte(`[]`)); !errors.Is(err, domain.ErrInvalid) {
		t.Errorf("malformed agent data: %v", err)
	}
	if _, err := domain.DecodeAgentEvent("TicketClosed", []byte(`{}`)); err == nil {
		t.Error("a ticket event decoded as an agent event")
	}
}

// TestTicketStateJSONRoundTrip: projections keep TicketState as a snapshot, so it must survive JSON.
func TestTicketStateJSONRoundTrip(t *testing.T) {
	f := coreWaiting(t, t0.Add(30*m))
	f.advance(h)
	ev, err := f.tk.CustomerReply("ok", f.now, f.policy)
	f.must(t, "customer reply", ev, err)
	f.wait(t)
	want := f.state()
	data, err := json.Marshal(want)
	if err != nil {
		t.Fatal(err)
	}
	var got domain.TicketState
	if err := json.Unmarshal(data, &got); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("snapshot round trip\n got %+v\nwant %+v", got, want)
	}
	// A restored snapshot continues like the original.
	r := domain.RestoreTicket(got)
	f.advance(h)
	ev1, err1 := f.tk.CustomerReply("x", f.now, f.policy)
	ev2, err2 := r.CustomerReply("x", f.now, f.policy)
	if err1 != nil || err2 != nil || !reflect.DeepEqual(ev1, ev2) {
		t.Fatalf("restored ticket decided %v / %v, original %v / %v", ev2, err2, ev1, err1)
	}
}
