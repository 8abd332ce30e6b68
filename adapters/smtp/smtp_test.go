package smtp_test

import (
	"context"
	"strings"
	"testing"

	"github.com/ticketengine/ticketengine/adapters/smtp"
	"github.com/ticketengine/ticketengine/adapters/smtp/smtptest"
	"github.com/ticketengine/ticketengine/application/policy"
)

func TestSendsUTF8MailToARealServer(t *testing.T) {
	srv := smtptest.Start(t)
	m, err := smtp.New(smtp.Config{URL: srv.URL(), From: "Support <support@example.com>"})
	if err != nil {
		t.Fatal(err)
	}
	body := "您好：\n工单 TK-ABC123 已解决。\n" + strings.Repeat("长文本", 40)
	if err := m.Send(context.Background(), policy.Mail{To: "wang@example.com", Subject: "[TK-ABC123] 您的请求已解决\r\nBcc: x@evil", Body: body}); err != nil {
		t.Fatal(err)
	}
	msgs := srv.Messages()
	if len(msgs) != 1 {
		t.Fatalf("%d messages", len(msgs))
	}
	got := msgs[0]
	if got.To != "wang@example.com" || got.From != "support@example.com" {
		t.Fatalf("envelope %s → %s", got.From, got.To)
	}
	if got.Body != body {
		t.Fatalf("body %q", got.Body)
	}
	if !strings.HasPrefix(got.Subject, "[TK-ABC123] 您的请求已解决") || got.Header.Get("Bcc") != "" {
		t.Fatalf("subject %q, bcc %q: a newline in the subject must not add a header", got.Subject, got.Header.Get("Bcc"))
	}
}

func TestRefusalAndBadConfigAreErrors(t *testing.T) {
	srv := smtptest.Start(t)
	srv.SetReject(true)
	m, err := smtp.New(smtp.Config{URL: srv.URL(), From: "support@example.com"})
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Send(context.Background(), policy.Mail{To: "a@example.com", Subject: "s", Body: "b"}); err == nil {
		t.Fatal("a refused message reported as sent")
	}
	for _, bad := range []smtp.Config{{URL: "http://x", From: "a@example.com"}, {URL: "smtp://x:25", From: "not an address"}} {
		if _, err := smtp.New(bad); err == nil {
			t.Errorf("%+v accepted", bad)
		}
	}
}
