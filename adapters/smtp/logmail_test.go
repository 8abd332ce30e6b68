package smtp_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"strings"
	"testing"

	"github.com/ticketengine/ticketengine/adapters/smtp"
	"github.com/ticketengine/ticketengine/application/policy"
)

// TestLogMailerWritesEachMailAsOneLogLine: under --smtp-url log: a mail is one INFO line
// whose field mail holds its headers and its text as sent, links and Chinese intact.
func TestLogMailerWritesEachMailAsOneLogLine(t *testing.T) {
	var out bytes.Buffer
	m, err := smtp.NewLog(slog.New(slog.NewJSONHandler(&out, nil)), "Support <support@example.com>")
	if err != nil {
		t.Fatal(err)
	}
	body := "您好：\n请确认：http://127.0.0.1:8080/portal/tickets/TK-ABC123/confirm?code=x&token=y\n"
	if err := m.Send(context.Background(), policy.Mail{To: "wang@example.com", Subject: "[TK-ABC123] 已收到", Body: body,
		MessageID: "<b@example.com>", InReplyTo: "<a@example.com>"}); err != nil {
		t.Fatal(err)
	}
	if err := m.Send(context.Background(), policy.Mail{To: "not an address", Subject: "s", Body: "b"}); err == nil {
		t.Fatal("a recipient that is not an address was logged")
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 1 {
		t.Fatalf("%d log lines, want 1:\n%s", len(lines), out.String())
	}
	var line struct {
		Level string
		Mail  struct {
			From, To, Subject, Text string
			MessageID               string `json:"message_id"`
			InReplyTo               string `json:"in_reply_to"`
		}
	}
	if err := json.Unmarshal([]byte(lines[0]), &line); err != nil {
		t.Fatal(err)
	}
	got := line.Mail
	if line.Level != "INFO" || got.From != `"Support" <support@example.com>` || got.To != "<wang@example.com>" ||
		got.Subject != "[TK-ABC123] 已收到" || got.Text != body || got.MessageID != "<b@example.com>" || got.InReplyTo != "<a@example.com>" {
		t.Fatalf("logged %+v from %s", line, lines[0])
	}
}

func TestNewLogRefusesABadSender(t *testing.T) {
	if _, err := smtp.NewLog(slog.Default(), "nobody"); err == nil {
		t.Fatal("a sender that is not an address")
	}
}
