package notify_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ticketengine/ticketengine/adapters/smtp/smtptest"
	"github.com/ticketengine/ticketengine/application/command"
	"github.com/ticketengine/ticketengine/cmd/internal/service"
	"github.com/ticketengine/ticketengine/cmd/internal/service/servicetest"
	"github.com/ticketengine/ticketengine/domain"
)

// Breach and escalation mails reach the supervisors' accounts of the team, as the staff
// accounts read model lists them: with no directory configured, ticketd wires its own.

func TestSupervisorAccountsGetBreachMailsInMemory(t *testing.T) {
	supervisorMails(t, service.Config{EventStore: "memory:", Data: t.TempDir()})
}

func TestSupervisorAccountsGetBreachMailsOnPostgresReadModels(t *testing.T) {
	supervisorMails(t, service.Config{ReadModel: servicetest.FreshPostgresSchema(t), Data: t.TempDir()})
}

func supervisorMails(t *testing.T, cfg service.Config) {
	mail := smtptest.Start(t)
	policyFile := filepath.Join(t.TempDir(), "policy.yaml")
	if err := os.WriteFile(policyFile, []byte(servicetest.FastPolicyYAML), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg.SLAPolicy = policyFile
	cfg.Policies = service.PolicyConfig{SMTPURL: mail.URL(), SMTPFrom: "help@example.com",
		PortalURL: "https://help.example.com/help", PublicURL: "https://desk.example.com"}
	svc, _ := servicetest.RunService(t, cfg)
	ctx := context.Background()
	admin := command.CommandMeta{Actor: "admin"}
	for _, s := range []command.CreateStaff{
		{Name: "李娜", Email: "li.na@example.com", Role: "supervisor", Team: "escalations", Language: "zh", Password: "correct horse battery"},
		{Name: "Bill", Email: "bill@example.com", Role: "supervisor", Team: "billing", Language: "en", Password: "correct horse battery"},
		{Name: "Other", Email: "other@example.com", Role: "supervisor", Team: "shipping", Language: "en", Password: "correct horse battery"},
		{Name: "Ann", Email: "ann@example.com", Role: "analyst", Language: "en", Password: "correct horse battery"},
	} {
		if _, err := svc.Commands.CreateStaff.Handle(ctx, s, admin); err != nil {
			t.Fatal(err)
		}
	}
	res, err := svc.Commands.Receive.Handle(ctx, command.ReceiveTicket{Channel: domain.ChannelEmail, Subject: "无法登录",
		Body: "登录一直失败", Customer: domain.Customer{Name: "王芳", Email: "wang@example.com", Tier: domain.TierVIP, Language: "zh"}}, admin)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Commands.Classify.Handle(ctx, command.ClassifyTicket{TicketID: res.Ticket.ID,
		ClassifyTicket: domain.ClassifyTicket{Category: "billing", Priority: domain.P1, Team: "Billing"}}, admin); err != nil {
		t.Fatal(err)
	}
	// The fast policy breaches the first response within seconds (the supervisor of
	// the ticket's team, matched without case, hears of it) and escalates to "escalations", whose supervisor hears of that, in
	// Chinese. Nobody else is mailed: not shipping's supervisor, not the analyst.
	escalated := servicetest.MailTo(t, mail, "li.na@example.com", "已升级至 escalations")
	breach := servicetest.MailTo(t, mail, "bill@example.com", "SLA breached")
	link := "https://desk.example.com/desk/tickets/" + res.Ticket.ID.String()
	if !strings.Contains(breach.Body, link) || !strings.Contains(escalated.Body, "李娜，您好") {
		t.Fatalf("supervisor mails:\n%s\n%s", breach.Body, escalated.Body)
	}
	for _, m := range mail.Messages() {
		if m.To == "other@example.com" || m.To == "ann@example.com" {
			t.Fatalf("mail to %s, who is not a supervisor of the team: %s", m.To, m.Subject)
		}
	}
}
