package policy_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/application/command"
	"github.com/ticketengine/ticketengine/application/eventlog"
	"github.com/ticketengine/ticketengine/application/policy"
	"github.com/ticketengine/ticketengine/domain"
)

func testRules() policy.Rules {
	return policy.Rules{
		RaiseTiers: []domain.Tier{domain.TierVIP},
		Classification: []policy.ClassificationRule{
			{Name: "billing_keywords", Keywords: []string{"invoice", "refund", "发票", "退款"}, Category: "billing", Priority: domain.P2},
			{Name: "phone_outage", Channels: []domain.Channel{domain.ChannelPhone}, Keywords: []string{"down", "宕机"}, Category: "outage", Priority: domain.P1, Team: "ops"},
		},
	}
}

func receiveOn(t *testing.T, c *command.Commands, ch domain.Channel, tier domain.Tier, subject, body string) uuid.UUID {
	t.Helper()
	res, err := c.Receive.Handle(context.Background(), command.ReceiveTicket{Channel: ch, Subject: subject, Body: body,
		// One customer per tier: a record's tier is authoritative once it exists.
		Customer: domain.Customer{Name: "客户", Email: "c-" + string(tier) + "@example.com", Tier: tier}}, staff)
	if err != nil {
		t.Fatal(err)
	}
	return res.Ticket.ID
}

// systemEvent finds the ticket's event of a type recorded by the system, or fails.
func systemEvent(t *testing.T, store eventlog.EventStore, id uuid.UUID, typ string) eventlog.Record {
	t.Helper()
	var found eventlog.Record
	eventually(t, 5*time.Second, typ+" by system", func() bool {
		for _, r := range events(t, store, id) {
			if r.Type == typ && r.Meta.Actor == command.SystemActor {
				found = r
				return true
			}
		}
		return false
	})
	return found
}

func TestRulesClassifyOnReceiptAndRaiseVIP(t *testing.T) {
	store := newStore()
	n := startNode(t, store, policy.Options{Rules: testRules(), Policy: domain.DefaultSLAPolicy()})
	c := n.cmds

	zh := receiveOn(t, c, domain.ChannelWeb, domain.TierVIP, "申请退款", "上个月的订单")
	r := systemEvent(t, store, zh, domain.TypeTicketClassified)
	if r.Meta.Rule != "billing_keywords" || r.Meta.CausationID == "" {
		t.Fatalf("classified with meta %+v", r.Meta)
	}
	r = systemEvent(t, store, zh, domain.TypeTicketReprioritized)
	if r.Meta.Rule != "tier_vip" {
		t.Fatalf("reprioritized with meta %+v", r.Meta)
	}
	if s := ticketState(t, store, zh); s.Category != "billing" || s.Priority != domain.P1 || s.Status != domain.StatusClassified {
		t.Fatalf("zh ticket: %s %s %s; want billing P1 (P2 raised for vip) classified", s.Category, s.Priority, s.Status)
	}

	en := receiveOn(t, c, domain.ChannelEmail, domain.TierStandard, "Where is my INVOICE?", "")
	systemEvent(t, store, en, domain.TypeTicketClassified)
	settle()
	if s := ticketState(t, store, en); s.Priority != domain.P2 || count(t, store, en, domain.TypeTicketReprioritized, nil) != 0 {
		t.Fatalf("standard ticket: priority %s; want P2 and no tier rule", s.Priority)
	}

	phone := receiveOn(t, c, domain.ChannelPhone, domain.TierVIP, "系统宕机", "")
	systemEvent(t, store, phone, domain.TypeTicketClassified)
	settle()
	if s := ticketState(t, store, phone); s.Team != "ops" || s.Priority != domain.P1 || count(t, store, phone, domain.TypeTicketReprioritized, nil) != 0 {
		t.Fatalf("phone ticket: team %s priority %s; want ops P1, never above P1", s.Team, s.Priority)
	}
	emailDown := receiveOn(t, c, domain.ChannelEmail, domain.TierStandard, "site down", "")
	settle()
	if s := ticketState(t, store, emailDown); s.Status != domain.StatusReceived {
		t.Fatalf("the phone-only rule classified an email: %s", s.Status)
	}

	plain := receiveOn(t, c, domain.ChannelChat, domain.TierVIP, "hello", "")
	systemEvent(t, store, plain, domain.TypeTicketReprioritized)
	if s := ticketState(t, store, plain); s.Priority != domain.P2 || s.Status != domain.StatusReceived {
		t.Fatalf("vip without a rule: %s %s; want P2 (P3 raised), still received", s.Priority, s.Status)
	}
}

func TestRulesLeaveAPersonsClassificationAloneAndDoNotRepeat(t *testing.T) {
	store := newStore()
	n := startNode(t, store, policy.Options{Rules: testRules(), Policy: domain.DefaultSLAPolicy()})
	id := receiveOn(t, n.cmds, domain.ChannelWeb, domain.TierStandard, "refund please", "")
	systemEvent(t, store, id, domain.TypeTicketClassified)
	classify(t, n.cmds, id, "complaints", domain.P4, "")
	n.halt()
	startNode(t, store, policy.Options{Rules: testRules(), Policy: domain.DefaultSLAPolicy()}) // a restart
	settle()
	if got := count(t, store, id, domain.TypeTicketClassified, nil); got != 2 {
		t.Fatalf("%d classifications, want the rule's and the person's", got)
	}
	if s := ticketState(t, store, id); s.Category != "complaints" || s.Priority != domain.P4 {
		t.Fatalf("%s %s: the person's classification was overridden", s.Category, s.Priority)
	}
}

func TestRuleClassificationTriggersRouting(t *testing.T) {
	store := newStore()
	n := startNode(t, store, policy.Options{Rules: testRules(), Routing: true, Policy: domain.DefaultSLAPolicy()})
	ann := agent(t, n.cmds, "ann", "support", 2, true, "billing")
	id := receiveOn(t, n.cmds, domain.ChannelWeb, domain.TierVIP, "发票开错了", "")
	wantAssigned(t, store, id, ann, "the classified ticket, to ann")
	settle()
	if s := ticketState(t, store, id); s.Priority != domain.P1 || s.Assignee != ann {
		t.Fatalf("%s %v", s.Priority, s.Assignee)
	}
	if got := count(t, store, id, domain.TypeTicketAssigned, nil); got != 1 {
		t.Fatalf("%d assignments", got)
	}
}
