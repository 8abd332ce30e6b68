package service_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ticketengine/ticketengine/adapters/smtp/smtptest"
	"github.com/ticketengine/ticketengine/application/command"
	"github.com/ticketengine/ticketengine/cmd/internal/service"
	"github.com/ticketengine/ticketengine/domain"
)

// --mail-templates: a good override words the mails; a bad one stops the start with an
// error naming the flag and the file.
func TestMailTemplatesFlag(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad")
	good := filepath.Join(dir, "good")
	for d, src := range map[string]string{bad: `{{define "subject"}}no number{{end}}{{define "body"}}x{{end}}`,
		good: `{{define "subject"}}[{{.Number}}] Thanks, {{.Customer}}{{end}}{{define "body"}}Custom: {{.Subject}}{{end}}`} {
		if err := os.Mkdir(d, 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(d, "customer_received.en.tmpl"), []byte(src), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	cfg, _, err := service.Parse("ticketd", []string{"--data", t.TempDir(), "--smtp-url", "log:", "--mail-templates", bad}, func(string) string { return "" }, os.Stderr)
	if err != nil {
		t.Fatal(err)
	}
	_, err = service.Build(context.Background(), cfg, nil)
	if err == nil || !strings.Contains(err.Error(), "--mail-templates") || !strings.Contains(err.Error(), "customer_received.en.tmpl") {
		t.Fatalf("a bad template started: %v", err)
	}

	mail := smtptest.Start(t)
	svc, _ := runService(t, service.Config{EventStore: "memory:", Data: t.TempDir(), Policies: service.PolicyConfig{
		SMTPURL: mail.URL(), SMTPFrom: "help@example.com", MailTemplates: good}})
	res, err := svc.Commands.Receive.Handle(context.Background(), command.ReceiveTicket{Channel: domain.ChannelWeb, Subject: "Login",
		Customer: domain.Customer{Name: "Ann", Email: "ann@example.com", Tier: domain.TierCore}}, command.CommandMeta{Actor: "admin"})
	if err != nil {
		t.Fatal(err)
	}
	if m := mailTo(t, mail, "ann@example.com", res.Ticket.Number); m.Subject != "["+res.Ticket.Number+"] Thanks, Ann" || m.Body != "Custom: Login" {
		t.Fatalf("override not used: %q %q", m.Subject, m.Body)
	}
}
