package notify_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/adapters/eventstore/esdb/esdbtest"
	"github.com/ticketengine/ticketengine/adapters/smtp/smtptest"
	"github.com/ticketengine/ticketengine/application/command"
	"github.com/ticketengine/ticketengine/application/policy"
	"github.com/ticketengine/ticketengine/cmd/internal/service"
	"github.com/ticketengine/ticketengine/cmd/internal/service/servicetest"
	"github.com/ticketengine/ticketengine/domain"
)

// The mails people expect, through a real SMTP server, on every event store.

func TestMailsOnMemoryStore(t *testing.T) {
	runMails(t, service.Config{EventStore: "memory:", Data: t.TempDir()})
}

func TestMailsOnEmbeddedStore(t *testing.T) { runMails(t, service.Config{Data: t.TempDir()}) }

func TestMailsOnPostgresStore(t *testing.T) {
	runMails(t, service.Config{EventStore: servicetest.FreshPostgresSchema(t), Data: t.TempDir()})
}

func TestMailsOnEventStoreDB(t *testing.T) {
	runMails(t, service.Config{EventStore: esdbtest.Start(t).ConnectionString(), Data: t.TempDir()})
}

// supervisorDirectory stands in for staff accounts: every team has one supervisor.
type supervisorDirectory struct {
	mu    sync.Mutex
	teams map[string]bool
}

func (d *supervisorDirectory) Agent(context.Context, uuid.UUID) (policy.Recipient, bool, error) {
	return policy.Recipient{}, false, nil
}

func (d *supervisorDirectory) Supervisors(_ context.Context, team string) ([]policy.Recipient, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.teams[team] = true
	return []policy.Recipient{{Name: "Sam", Email: "sam@example.com", Language: "en"}}, nil
}

// runMails takes a VIP ticket in Chinese through its life: the assignee's mail with the
// first lines and the desk link, the supervisor's breach and escalation mails, then the
// customer's for a public reply, the resolution with the rating request, the reopening
// and the closing; every customer mail threaded under the receipt.
func runMails(t *testing.T, cfg service.Config) {
	mail := smtptest.Start(t)
	policyFile := filepath.Join(t.TempDir(), "policy.yaml")
	if err := os.WriteFile(policyFile, []byte(servicetest.FastPolicyYAML), 0o600); err != nil {
		t.Fatal(err)
	}
	dir := &supervisorDirectory{teams: map[string]bool{}}
	cfg.SLAPolicy = policyFile
	cfg.Policies = service.PolicyConfig{Routing: true, SMTPURL: mail.URL(), SMTPFrom: "Help <help@example.com>",
		PortalURL: "https://help.example.com/portal/", PublicURL: "https://desk.example.com/", Staff: dir}
	svc, _ := servicetest.RunService(t, cfg)
	ctx := context.Background()
	admin := command.CommandMeta{Actor: "admin"}
	agent, err := svc.Commands.RegisterAgent.Handle(ctx, command.RegisterAgent{Name: "张伟", Email: "zhang@example.com",
		Skills: []string{"billing"}, Capacity: 3, Language: "zh"}, admin)
	if err != nil {
		t.Fatal(err)
	}
	must := func(_ any, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(svc.Commands.SetPresence.Handle(ctx, command.SetAgentPresence{AgentID: agent.Agent.ID, Online: true}, admin))
	res, err := svc.Commands.Receive.Handle(ctx, command.ReceiveTicket{Channel: domain.ChannelEmail, Subject: "发票抬头错误",
		Body: "您好，\n\n发票抬头写错了。\n请重新开具。", Customer: domain.Customer{Name: "王芳", Email: "wang@example.com", Tier: domain.TierVIP, Language: "zh"}}, admin)
	if err != nil {
		t.Fatal(err)
	}
	id, number := res.Ticket.ID, res.Ticket.Number
	must(svc.Commands.Classify.Handle(ctx, command.ClassifyTicket{TicketID: id,
		ClassifyTicket: domain.ClassifyTicket{Category: "billing", Priority: domain.P1}}, admin))

	assigned := servicetest.MailTo(t, mail, "zhang@example.com", "分配给您的工单")
	if !strings.Contains(assigned.Body, "您好，\n发票抬头写错了。\n请重新开具。") || !strings.Contains(assigned.Body, "https://desk.example.com/desk/tickets/"+id.String()) {
		t.Fatalf("assignment mail without the first lines or the desk link:\n%s", assigned.Body)
	}
	breach := servicetest.MailTo(t, mail, "sam@example.com", "SLA breached")
	escalated := servicetest.MailTo(t, mail, "sam@example.com", "Escalated to escalations")
	if !strings.Contains(breach.Body, "first response") || !strings.Contains(escalated.Body, "SLA breached") || !dir.teams["escalations"] {
		t.Fatalf("supervisor mails:\n%s\n%s\nteams asked %v", breach.Body, escalated.Body, dir.teams)
	}

	// The escalation took it off the agent's hands; a supervisor gives it back.
	must(svc.Commands.Assign.Handle(ctx, command.AssignTicket{TicketID: id, AgentID: agent.Agent.ID}, admin))
	must(svc.Commands.Reply.Handle(ctx, command.ReplyToTicket{TicketID: id, Body: "内部备注"}, admin))
	must(svc.Commands.Reply.Handle(ctx, command.ReplyToTicket{TicketID: id, Body: "已为您重新开具发票。", Public: true}, admin))
	if r := servicetest.MailTo(t, mail, "wang@example.com", "回复：["+number+"]"); !strings.Contains(r.Body, "已为您重新开具发票。") || strings.Contains(r.Body, "内部备注") {
		t.Fatalf("reply mail:\n%s", r.Body)
	}
	must(svc.Commands.Resolve.Handle(ctx, command.ResolveTicket{TicketID: id, Resolution: "已重开"}, admin))
	link := "https://help.example.com/portal/tickets/" + number + "?code=" + res.AccessCode + "#rating"
	if r := servicetest.MailTo(t, mail, "wang@example.com", "请为本次服务评分"); !strings.Contains(r.Body, link) {
		t.Fatalf("rating request without %s:\n%s", link, r.Body)
	}
	must(svc.Commands.Reopen.Handle(ctx, command.ReopenTicket{TicketID: id, Reason: "抬头仍然不对"}, admin))
	if r := servicetest.MailTo(t, mail, "wang@example.com", "已重新打开"); !strings.Contains(r.Body, "抬头仍然不对") {
		t.Fatalf("reopened mail:\n%s", r.Body)
	}
	must(svc.Commands.Resolve.Handle(ctx, command.ResolveTicket{TicketID: id, Resolution: "已修正"}, admin))
	must(svc.Commands.Close.Handle(ctx, command.CloseTicket{TicketID: id}, admin))
	servicetest.MailTo(t, mail, "wang@example.com", "您的请求已关闭")
	checkThread(t, mail, "wang@example.com", id, number)
}

// checkThread: the customer's mails form one thread whose root is the receipt, each with
// a Message-ID of its own, the number in the subject (RFC 2047 on the wire), UTF-8 text.
func checkThread(t *testing.T, mail *smtptest.Server, to string, id uuid.UUID, number string) {
	t.Helper()
	root := "<" + id.String() + "@example.com>"
	seen := map[string]bool{}
	n := 0
	for _, m := range mail.Messages() {
		if m.To != to {
			continue
		}
		n++
		h := m.Header
		mid := h.Get("Message-ID")
		if seen[mid] || !strings.HasSuffix(mid, "@example.com>") {
			t.Errorf("Message-ID %q repeated or not ours", mid)
		}
		seen[mid] = true
		if mid != root && (h.Get("In-Reply-To") != root || h.Get("References") != root) {
			t.Errorf("%q not in the thread: In-Reply-To %q References %q", m.Subject, h.Get("In-Reply-To"), h.Get("References"))
		}
		if !strings.Contains(m.Subject, "["+number+"]") || !strings.HasPrefix(h.Get("Subject"), "=?UTF-8?b?") ||
			h.Get("Content-Type") != "text/plain; charset=UTF-8" {
			t.Errorf("subject %q (on the wire %q), Content-Type %q", m.Subject, h.Get("Subject"), h.Get("Content-Type"))
		}
	}
	// received, assigned, reply, resolved, rating, reopened, (re-assigned), resolved, rating, closed
	if !seen[root] || n < 9 {
		t.Errorf("%d customer mails, the receipt (root) among them: %v", n, seen[root])
	}
}
