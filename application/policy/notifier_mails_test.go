package policy_test

import (
	"context"
	"encoding/json"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/application/command"
	"github.com/ticketengine/ticketengine/application/eventlog"
	"github.com/ticketengine/ticketengine/application/policy"
	"github.com/ticketengine/ticketengine/domain"
)

// supervisors is a fake StaffDirectory: one supervisor for every team, and the teams asked.
type supervisors struct {
	mu    sync.Mutex
	teams []string
}

func (s *supervisors) Agent(context.Context, uuid.UUID) (policy.Recipient, bool, error) {
	return policy.Recipient{}, false, nil
}

func (s *supervisors) Supervisors(_ context.Context, team string) ([]policy.Recipient, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.teams = append(s.teams, team)
	return []policy.Recipient{{Name: "主管", Email: "sup@example.com", Language: "zh"}}, nil
}

// The customer's mails through a ticket's life: each threaded under the receipt (its
// Message-ID the root), each with its own stable id, the number in every subject.
func TestCustomerMailsAreThreadedUnderTheReceipt(t *testing.T) {
	store := newStore()
	box := &outbox{}
	n := startNode(t, store, policy.Options{Notifier: notifier(store, box), Policy: domain.DefaultSLAPolicy(), Routing: true})
	agent(t, n.cmds, "wang", "", 5, true, "billing")
	id := receive(t, n.cmds, domain.TierStandard, "Invoice")
	number := ticketState(t, store, id).Number
	classify(t, n.cmds, id, "billing", domain.P3, "")
	waitAssigned(t, store, id)
	ctx := context.Background()
	must(t, func() error {
		_, err := n.cmds.Reply.Handle(ctx, command.ReplyToTicket{TicketID: id, Body: "internal note"}, staff)
		return err
	})
	replyWithAttachment(t, store, id, "Here is the corrected invoice.", "invoice-2026.pdf")
	must(t, func() error {
		_, err := n.cmds.Resolve.Handle(ctx, command.ResolveTicket{TicketID: id, Resolution: "sent again"}, staff)
		return err
	})
	must(t, func() error {
		_, err := n.cmds.Reopen.Handle(ctx, command.ReopenTicket{TicketID: id, Reason: "still wrong"}, staff)
		return err
	})
	must(t, func() error {
		_, err := n.cmds.Resolve.Handle(ctx, command.ResolveTicket{TicketID: id, Resolution: "fixed"}, staff)
		return err
	})
	must(t, func() error { _, err := n.cmds.Close.Handle(ctx, command.CloseTicket{TicketID: id}, staff); return err })
	eventually(t, 5*time.Second, "the closing mail", func() bool { return box.count("li@example.com", "is closed") == 1 })
	settle()

	root := "<" + id.String() + "@example.com>"
	mails := box.find("li@example.com", number)
	kinds := []string{"We received", "An agent is on", "Re: [" + number + "] Invoice", "resolved", "How did we do", "open again", "resolved", "How did we do", "closed"}
	if len(mails) != len(kinds) {
		t.Fatalf("%d mails, want %d (the internal note is not mailed): %+v", len(mails), len(kinds), mails)
	}
	ids := map[string]bool{}
	for i, m := range mails {
		if !strings.Contains(m.Subject, kinds[i]) || !strings.Contains(m.Subject, number) {
			t.Errorf("mail %d: subject %q, want %q", i, m.Subject, kinds[i])
		}
		if ids[m.MessageID] || !strings.HasSuffix(m.MessageID, "@example.com>") {
			t.Errorf("mail %d: Message-ID %q repeated or malformed", i, m.MessageID)
		}
		ids[m.MessageID] = true
		if i == 0 && (m.MessageID != root || m.InReplyTo != "") {
			t.Errorf("the receipt is not the thread's root: %+v", m)
		}
		if i > 0 && (m.InReplyTo != root || len(m.References) != 1 || m.References[0] != root) {
			t.Errorf("mail %d is not in the thread: In-Reply-To %q References %q", i, m.InReplyTo, m.References)
		}
	}
	if r := mails[2].Body; !strings.Contains(r, "Here is the corrected invoice.") || !strings.Contains(r, "invoice-2026.pdf") {
		t.Errorf("reply mail without its text and attachment's name:\n%s", r)
	}
	if r := mails[4].Body; !strings.Contains(r, "https://p.example/portal/tickets/"+number+"?code=code#rating") {
		t.Errorf("rating request without the link:\n%s", r)
	}
	if r := mails[5].Body; !strings.Contains(r, "still wrong") {
		t.Errorf("reopened mail without the reason:\n%s", r)
	}
}

// replyWithAttachment appends a public reply that carries an attachment, as replies will
// once attachments exist: the mail lists the file's name.
func replyWithAttachment(t *testing.T, store eventlog.EventStore, id uuid.UUID, body, file string) {
	t.Helper()
	recs := events(t, store, id)
	last := recs[len(recs)-1]
	data, _ := json.Marshal(map[string]any{"body": body, "public": true,
		"attachments": []map[string]any{{"id": uuid.NewString(), "filename": file, "content_type": "application/pdf", "size": 10, "sha256": "00"}}})
	rec := []eventlog.Record{{ID: uuid.New(), Stream: last.Stream, Version: last.Version + 1, Type: domain.TypeTicketReplied, Data: data,
		Meta: eventlog.Metadata{Actor: "agent", OccurredAt: eventlog.Truncate(time.Now())}}}
	if err := eventlog.Seal(last.Hash, rec); err != nil {
		t.Fatal(err)
	}
	if _, err := store.Append(context.Background(), last.Stream, last.Version, rec); err != nil {
		t.Fatal(err)
	}
}

// The assignee hears of the assignment with the first lines and the desk link; the team's
// supervisors (from the directory) of the breach and the escalation, in their language.
func TestAgentAndSupervisorMails(t *testing.T) {
	store := newStore()
	box := &outbox{}
	dir := &supervisors{}
	o := notifierOptions(store, box)
	o.Staff = dir
	n := startNode(t, store, policy.Options{Notifier: policy.NewNotifier(o), Routing: true})
	agent(t, n.cmds, "zhang", "", 5, true, "billing")
	res, err := n.cmds.Receive.Handle(context.Background(), command.ReceiveTicket{Channel: domain.ChannelEmail, Subject: "发票",
		Body: "第一行\n\n第二行\n第三行", Customer: domain.Customer{Name: "Li", Email: "li@example.com", Tier: domain.TierVIP}}, staff)
	if err != nil {
		t.Fatal(err)
	}
	id := res.Ticket.ID
	classify(t, n.cmds, id, "billing", domain.P1, "")
	eventually(t, 5*time.Second, "assignment mail", func() bool { return box.count("zhang@example.com", "Assigned to you") == 1 })
	m := box.find("zhang@example.com", "Assigned to you")[0]
	if !strings.Contains(m.Body, "第一行\n第二行\n第三行") || !strings.Contains(m.Body, "https://desk.example/desk/tickets/"+id.String()) {
		t.Fatalf("assignment mail without the first lines or the link:\n%s", m.Body)
	}
	eventually(t, 10*time.Second, "breach and escalation mails", func() bool {
		return box.count("sup@example.com", "SLA 已违约") == 1 && box.count("sup@example.com", "已升级至 escalations") == 1
	})
	if b := box.find("sup@example.com", "SLA 已违约")[0].Body; !strings.Contains(b, "首次响应") || !strings.Contains(b, "https://desk.example/desk/tickets/") {
		t.Fatalf("breach mail:\n%s", b)
	}
	if b := box.find("sup@example.com", "已升级")[0].Body; !strings.Contains(b, "SLA 违约") {
		t.Fatalf("escalation mail:\n%s", b)
	}
}

// Today's directory is the engine's view of agents: an agent's address and language, and
// no supervisors (staff accounts will supply them).
func TestTheEngineViewIsTodaysStaffDirectory(t *testing.T) {
	store := newStore()
	n := startNode(t, store, policy.Options{})
	res, err := n.cmds.RegisterAgent.Handle(context.Background(), command.RegisterAgent{Name: "刘洋", Email: "liu@example.com",
		Skills: []string{"billing"}, Capacity: 2, Language: "zh"}, staff)
	if err != nil {
		t.Fatal(err)
	}
	dir := n.engine.Staff()
	eventually(t, 5*time.Second, "the agent in the view", func() bool { _, ok, _ := dir.Agent(context.Background(), res.Agent.ID); return ok })
	if r, _, _ := dir.Agent(context.Background(), res.Agent.ID); r != (policy.Recipient{Name: "刘洋", Email: "liu@example.com", Language: "zh"}) {
		t.Fatalf("agent %+v", r)
	}
	if _, ok, _ := dir.Agent(context.Background(), uuid.New()); ok {
		t.Fatal("an unknown agent was found")
	}
	if s, err := dir.Supervisors(context.Background(), "billing"); err != nil || len(s) != 0 {
		t.Fatalf("supervisors %v %v", s, err)
	}
}
