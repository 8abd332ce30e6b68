package notify_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ticketengine/ticketengine/adapters/smtp/smtptest"
	"github.com/ticketengine/ticketengine/application/command"
	"github.com/ticketengine/ticketengine/cmd/internal/service"
	"github.com/ticketengine/ticketengine/cmd/internal/service/servicetest"
	"github.com/ticketengine/ticketengine/domain"
)

func TestCustomerAndAgentMailsThroughARealSMTPServer(t *testing.T) {
	mail := smtptest.Start(t)
	dir := t.TempDir()
	policyFile := filepath.Join(dir, "policy.yaml")
	if err := os.WriteFile(policyFile, []byte(servicetest.FastPolicyYAML), 0o600); err != nil {
		t.Fatal(err)
	}
	mail.SetReject(true) // the mail server is down when the ticket arrives
	svc, _ := servicetest.RunService(t, service.Config{EventStore: "memory:", Data: dir, SLAPolicy: policyFile, Policies: service.PolicyConfig{
		Routing: true, SMTPURL: mail.URL(), SMTPFrom: "Help <help@example.com>", PortalURL: "https://help.example.com/portal/"}})
	ctx := context.Background()
	admin := command.CommandMeta{Actor: "admin"}
	agent, err := svc.Commands.RegisterAgent.Handle(ctx, command.RegisterAgent{Name: "张伟", Email: "zhang@example.com",
		Skills: []string{"billing"}, Capacity: 3, Language: "zh"}, admin)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Commands.SetPresence.Handle(ctx, command.SetAgentPresence{AgentID: agent.Agent.ID, Online: true}, admin); err != nil {
		t.Fatal(err)
	}
	res, err := svc.Commands.Receive.Handle(ctx, command.ReceiveTicket{Channel: domain.ChannelEmail, Subject: "发票抬头错误",
		Customer: domain.Customer{Name: "王芳", Email: "wang@example.com", Tier: domain.TierVIP, Language: "zh"}}, admin)
	if err != nil {
		t.Fatal(err) // commands do not wait for the mail server
	}
	servicetest.WaitFor(t, 5*time.Second, "a refused attempt", func() bool { return mail.Refused() > 0 })
	mail.SetReject(false) // it recovers: the notifier's retry delivers
	number, id := res.Ticket.Number, res.Ticket.ID
	got := servicetest.MailTo(t, mail, "wang@example.com", number)
	link := "https://help.example.com/portal/tickets/" + number + "?code=" + res.AccessCode
	if !strings.Contains(got.Subject, "我们已收到您的请求") || !strings.Contains(got.Body, number) ||
		!strings.Contains(got.Body, "状态：已受理") || !strings.Contains(got.Body, link) {
		t.Fatalf("received mail:\n%s\n%s\nwant Chinese, the number, the status and %s", got.Subject, got.Body, link)
	}

	if _, err := svc.Commands.Classify.Handle(ctx, command.ClassifyTicket{TicketID: id,
		ClassifyTicket: domain.ClassifyTicket{Category: "billing", Priority: domain.P1}}, admin); err != nil {
		t.Fatal(err)
	}
	assigned := servicetest.MailTo(t, mail, "wang@example.com", "客服已开始处理")
	if !strings.Contains(assigned.Body, "张伟") || !strings.Contains(assigned.Body, "状态：处理中") {
		t.Fatalf("assigned mail: %s", assigned.Body)
	}
	servicetest.MailTo(t, mail, "zhang@example.com", "分配给您的工单")
	warning := servicetest.MailTo(t, mail, "zhang@example.com", "SLA 预警")
	if !strings.Contains(warning.Body, "首次响应") {
		t.Fatalf("warning mail: %s", warning.Body)
	}

	if _, err := svc.Commands.Wait.Handle(ctx, command.WaitOnCustomer{TicketID: id, Reason: "请提供订单号"}, admin); err != nil {
		t.Fatal(err)
	}
	waiting := servicetest.MailTo(t, mail, "wang@example.com", "需要您的回复")
	if !strings.Contains(waiting.Body, "请提供订单号") || !strings.Contains(waiting.Body, "等待您的回复") {
		t.Fatalf("waiting mail: %s", waiting.Body)
	}
	if _, err := svc.Commands.Resolve.Handle(ctx, command.ResolveTicket{TicketID: id, Resolution: "已重新开具发票"}, admin); err != nil {
		t.Fatal(err)
	}
	if resolved := servicetest.MailTo(t, mail, "wang@example.com", "已解决"); !strings.Contains(resolved.Body, "已重新开具发票") {
		t.Fatalf("resolved mail: %s", resolved.Body)
	}

	en, err := svc.Commands.Receive.Handle(ctx, command.ReceiveTicket{Channel: domain.ChannelWeb, Subject: "Login fails",
		Customer: domain.Customer{Name: "Ann", Email: "ann@example.com", Tier: domain.TierCore}}, admin)
	if err != nil {
		t.Fatal(err)
	}
	if m := servicetest.MailTo(t, mail, "ann@example.com", en.Ticket.Number); !strings.Contains(m.Subject, "We received your request") || !strings.Contains(m.Body, "Status: received") {
		t.Fatalf("English mail: %s / %s", m.Subject, m.Body)
	}
}
