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

// The threading headers reach the server as given, the Chinese subject as RFC 2047
// encoded words, the text as UTF-8; an id that could inject a header is not used.
func TestThreadingHeadersAndEncodingOnTheWire(t *testing.T) {
	srv := smtptest.Start(t)
	m, err := smtp.New(smtp.Config{URL: srv.URL(), From: "Support <support@example.com>"})
	if err != nil {
		t.Fatal(err)
	}
	root := "<6f1c2a4e-0000-4000-8000-000000000001@example.com>"
	mail := policy.Mail{To: "wang@example.com", Subject: "回复：[TK-ABC123] 发票抬头错误", Body: "好的",
		MessageID: "<a1@example.com>", InReplyTo: root, References: []string{root}}
	bad := mail
	bad.MessageID, bad.InReplyTo = "<x@example.com>\r\nBcc: evil@example.com", "not an id"
	for _, msg := range []policy.Mail{mail, bad} {
		if err := m.Send(context.Background(), msg); err != nil {
			t.Fatal(err)
		}
	}
	msgs := srv.Messages()
	if len(msgs) != 2 {
		t.Fatalf("%d messages", len(msgs))
	}
	h := msgs[0].Header
	if h.Get("Message-ID") != "<a1@example.com>" || h.Get("In-Reply-To") != root || h.Get("References") != root {
		t.Fatalf("threading headers %q %q %q", h.Get("Message-ID"), h.Get("In-Reply-To"), h.Get("References"))
	}
	if raw := h.Get("Subject"); !strings.HasPrefix(raw, "=?UTF-8?b?") || msgs[0].Subject != mail.Subject {
		t.Fatalf("subject on the wire %q, decoded %q", raw, msgs[0].Subject)
	}
	if ct := h.Get("Content-Type"); ct != "text/plain; charset=UTF-8" || msgs[0].Body != "好的" {
		t.Fatalf("Content-Type %q, body %q", ct, msgs[0].Body)
	}
	h = msgs[1].Header
	if id := h.Get("Message-ID"); !strings.HasSuffix(id, "@example.com>") || strings.Contains(id, "x@") || h.Get("Bcc") != "" || h.Get("In-Reply-To") != "" {
		t.Fatalf("an unsafe id was used: Message-ID %q Bcc %q In-Reply-To %q", id, h.Get("Bcc"), h.Get("In-Reply-To"))
	}
}

// TestReplyToIsTheSupportMailbox: with a Reply-To configured, the customer's answer goes
// to the mailbox ticketd reads, whatever From is; without one there is none.
func TestReplyToIsTheSupportMailbox(t *testing.T) {
	srv := smtptest.Start(t)
	m, err := smtp.New(smtp.Config{URL: srv.URL(), From: "Support <noreply@example.com>", ReplyTo: "客服 <support@example.com>"})
	if err != nil {
		t.Fatal(err)
	}
	plain, err := smtp.New(smtp.Config{URL: srv.URL(), From: "Support <noreply@example.com>"})
	if err != nil {
		t.Fatal(err)
	}
	for _, mailer := range []*smtp.Mailer{m, plain} {
		if err := mailer.Send(context.Background(), policy.Mail{To: "wang@example.com", Subject: "[TK-ABC123] x", Body: "y"}); err != nil {
			t.Fatal(err)
		}
	}
	msgs := srv.Messages()
	if got := msgs[0].Header.Get("Reply-To"); !strings.Contains(got, "<support@example.com>") {
		t.Fatalf("Reply-To %q", got)
	}
	if got := msgs[1].Header.Get("Reply-To"); got != "" {
		t.Fatalf("Reply-To %q without one configured", got)
	}
	if _, err := smtp.New(smtp.Config{URL: srv.URL(), From: "a@example.com", ReplyTo: "not an address"}); err == nil {
		t.Fatal("a bad Reply-To was accepted")
	}
}
