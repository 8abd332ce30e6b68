package policy_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/application/command"
	"github.com/ticketengine/ticketengine/application/eventlog"
	"github.com/ticketengine/ticketengine/application/policy"
	"github.com/ticketengine/ticketengine/domain"
)

// silencePolicy: a waiting ticket's customer is reminded after 1 s and the ticket resolved
// after 2 s of silence (48 h and 7 days in a real policy file).
func silencePolicy() domain.SLAPolicy {
	p := fastPolicy()
	p.Stages = []domain.StageRule{
		{Name: "waiting_reminder", Stage: domain.StatusWaiting, After: time.Second, Action: domain.StageRemindCustomer},
		{Name: "waiting_silence", Stage: domain.StatusWaiting, After: 2 * time.Second, Action: domain.StageResolve},
	}
	return p
}

// waitingTicket receives a standard ticket (hours of SLA: no breach interferes), escalates
// it to a team and puts it on hold for the customer.
func waitingTicket(t *testing.T, c *command.Commands) uuid.UUID {
	t.Helper()
	id := receive(t, c, domain.TierStandard, "导出失败")
	ctx := context.Background()
	if _, err := c.Escalate.Handle(ctx, command.EscalateTicket{TicketID: id, EscalateTicket: domain.EscalateTicket{Team: "tier2", Reason: "needs logs"}}, staff); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Wait.Handle(ctx, command.WaitOnCustomer{TicketID: id, Reason: "请提供日志"}, staff); err != nil {
		t.Fatal(err)
	}
	return id
}

// checkSilenceOutcome: one reminder, then one stage resolution and one TicketResolved, in
// that order, all by the stage monitor.
func checkSilenceOutcome(t *testing.T, store eventlog.EventStore, id uuid.UUID) {
	t.Helper()
	var order []string
	for _, r := range events(t, store, id) {
		switch r.Type {
		case domain.TypeStageDeadlinePassed, domain.TypeTicketResolved:
			if r.Meta.Actor != command.SystemActor || r.Meta.Rule != policy.RuleStageMonitor {
				t.Fatalf("%s has meta %+v", r.Type, r.Meta)
			}
			order = append(order, r.Type)
		}
	}
	want := []string{domain.TypeStageDeadlinePassed, domain.TypeStageDeadlinePassed, domain.TypeTicketResolved}
	if len(order) != len(want) {
		t.Fatalf("stage events %v, want %v", order, want)
	}
	if n := count(t, store, id, domain.TypeStageDeadlinePassed, map[string]string{"rule": "waiting_reminder", "action": "remind_customer"}); n != 1 {
		t.Fatalf("%d reminders, want 1", n)
	}
	recs := events(t, store, id)
	var remindedAt, resolvedAt int
	for i, r := range recs {
		if r.Type == domain.TypeStageDeadlinePassed && remindedAt == 0 {
			remindedAt = i
		}
		if r.Type == domain.TypeTicketResolved {
			resolvedAt = i
		}
	}
	if remindedAt == 0 || remindedAt > resolvedAt {
		t.Fatalf("the reminder (at %d) must come before the resolution (at %d)", remindedAt, resolvedAt)
	}
}

func TestSilenceResolvesOnceAfterTheReminderWithTwoProcesses(t *testing.T) {
	store := newStore()
	n1 := startNode(t, store, policy.Options{Policy: silencePolicy()})
	startNode(t, store, policy.Options{Policy: silencePolicy()})
	id := waitingTicket(t, n1.cmds)
	eventually(t, 10*time.Second, "resolution after silence", func() bool {
		return count(t, store, id, domain.TypeTicketResolved, nil) > 0
	})
	time.Sleep(700 * time.Millisecond) // several retry periods of both monitors
	checkSilenceOutcome(t, store, id)
}

func TestStageLimitFiresOnceAcrossARestart(t *testing.T) {
	store := newStore()
	n1 := startNode(t, store, policy.Options{Policy: silencePolicy()})
	id := waitingTicket(t, n1.cmds)
	eventually(t, 10*time.Second, "reminder", func() bool {
		return count(t, store, id, domain.TypeStageDeadlinePassed, map[string]string{"rule": "waiting_reminder"}) > 0
	})
	n1.halt()
	n2 := startNode(t, store, policy.Options{Policy: silencePolicy()})
	eventually(t, 10*time.Second, "resolution after the restart", func() bool {
		return count(t, store, id, domain.TypeTicketResolved, nil) > 0
	})
	n2.halt()
	startNode(t, store, policy.Options{Policy: silencePolicy()}) // a third start finds nothing to do
	time.Sleep(700 * time.Millisecond)
	checkSilenceOutcome(t, store, id)
}

// The customer's answer ends the stage: no reminder, no resolution.
func TestCustomerAnswerEndsTheWaitingStage(t *testing.T) {
	store := newStore()
	n := startNode(t, store, policy.Options{Policy: silencePolicy()})
	id := waitingTicket(t, n.cmds)
	if _, err := n.cmds.CustomerReply.Handle(context.Background(), command.CustomerReply{TicketID: id, Body: "日志在此"}, staff); err != nil {
		t.Fatal(err)
	}
	time.Sleep(2500 * time.Millisecond)
	if got := count(t, store, id, domain.TypeStageDeadlinePassed, nil); got != 0 {
		t.Fatalf("%d stage events after the customer answered", got)
	}
}

// The customer is mailed the reminder, once, before the mail saying the request is resolved.
func TestCustomerIsMailedTheReminderBeforeTheSilenceResolution(t *testing.T) {
	store := newStore()
	box := &outbox{}
	n := startNode(t, store, policy.Options{Policy: silencePolicy(), Notifier: notifier(store, box)})
	id := waitingTicket(t, n.cmds)
	eventually(t, 10*time.Second, "the resolution mail", func() bool {
		return len(box.find("li@example.com", "resolved"))+len(box.find("li@example.com", "已解决")) > 0
	})
	time.Sleep(500 * time.Millisecond)
	checkSilenceOutcome(t, store, id)
	reminder, resolved := -1, -1
	box.mu.Lock()
	for i, m := range box.mails {
		if m.To != "li@example.com" {
			continue
		}
		if strings.Contains(m.Subject, "Reminder") || strings.Contains(m.Subject, "提醒") {
			if reminder >= 0 {
				t.Errorf("a second reminder: %q", m.Subject)
			}
			reminder = i
		}
		if strings.Contains(m.Subject, "resolved") || strings.Contains(m.Subject, "已解决") {
			resolved = i
		}
	}
	box.mu.Unlock()
	if reminder < 0 || reminder > resolved {
		t.Fatalf("reminder mail at %d, resolution mail at %d", reminder, resolved)
	}
}

// The stage's owner is warned at the warning share of the limit and told when a notify
// limit passes: both mails to the assignee, once each.
func TestStageOwnerIsWarnedThenNotified(t *testing.T) {
	store := newStore()
	box := &outbox{}
	p := fastPolicy() // warning share 0.5
	p.Stages = []domain.StageRule{{Name: "assigned_too_long", Stage: domain.StatusAssigned, After: 2 * time.Second, Action: domain.StageNotify}}
	n := startNode(t, store, policy.Options{Policy: p, Notifier: notifier(store, box)})
	wang := agent(t, n.cmds, "wang", "", 5, true)
	id := receive(t, n.cmds, domain.TierStandard, "发票")
	if _, err := n.cmds.Assign.Handle(context.Background(), command.AssignTicket{TicketID: id, AgentID: wang}, staff); err != nil {
		t.Fatal(err)
	}
	eventually(t, 10*time.Second, "the passing", func() bool {
		return count(t, store, id, domain.TypeStageDeadlinePassed, map[string]string{"rule": "assigned_too_long", "action": "notify"}) == 1
	})
	eventually(t, 5*time.Second, "two mails to the owner", func() bool {
		return len(box.find("wang@example.com", "Stage time limit"))+len(box.find("wang@example.com", "节点时限")) >= 2
	})
	time.Sleep(500 * time.Millisecond)
	if got := len(box.find("wang@example.com", "Stage time limit")) + len(box.find("wang@example.com", "节点时限")); got != 2 {
		t.Fatalf("%d stage mails to the owner, want the warning and the passing", got)
	}
	if w := count(t, store, id, domain.TypeStageWarningIssued, nil); w != 1 {
		t.Fatalf("%d warnings, want 1", w)
	}
}
