package notify_test

import (
	"context"
	"io"
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
	refused := func(err error) bool {
		return err != nil && strings.Contains(err.Error(), "--mail-templates") && strings.Contains(err.Error(), "customer_received.en.tmpl")
	}
	env := func(k string) string { return map[string]string{"TICKETS_MAIL_TEMPLATES": bad}[k] }
	if _, _, err := service.Parse("ticketd", []string{"--smtp-url", "log:"}, env, io.Discard); !refused(err) {
		t.Fatalf("TICKETS_MAIL_TEMPLATES with a bad template accepted: %v", err)
	}
	cfg := service.Config{EventStore: "memory:", Data: t.TempDir(), Policies: service.PolicyConfig{SMTPURL: "log:", SMTPFrom: "help@example.com", MailTemplates: bad}}
	if _, err := service.Build(context.Background(), cfg, nil); !refused(err) {
		t.Fatalf("a bad template started: %v", err)
	}
	for _, bad := range []string{"ftp://desk.example.com", "desk.example.com"} {
		if _, _, err := service.Parse("ticketd", []string{"--public-url", bad}, func(string) string { return "" }, io.Discard); err == nil || !strings.Contains(err.Error(), "--public-url") {
			t.Errorf("--public-url %s: %v", bad, err)
		}
	}

	mail := smtptest.Start(t)
	svc, _ := servicetest.RunService(t, service.Config{EventStore: "memory:", Data: t.TempDir(), Policies: service.PolicyConfig{
		SMTPURL: mail.URL(), SMTPFrom: "help@example.com", MailTemplates: good}})
	res, err := svc.Commands.Receive.Handle(context.Background(), command.ReceiveTicket{Channel: domain.ChannelWeb, Subject: "Login",
		Customer: domain.Customer{Name: "Ann", Email: "ann@example.com", Tier: domain.TierCore}}, command.CommandMeta{Actor: "admin"})
	if err != nil {
		t.Fatal(err)
	}
	if m := servicetest.MailTo(t, mail, "ann@example.com", res.Ticket.Number); m.Subject != "["+res.Ticket.Number+"] Thanks, Ann" || m.Body != "Custom: Login" {
		t.Fatalf("override not used: %q %q", m.Subject, m.Body)
	}
}
