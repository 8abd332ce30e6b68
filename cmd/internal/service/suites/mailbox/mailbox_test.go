package mailbox_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/ticketengine/ticketengine/adapters/imapmail/dovecottest"
	"github.com/ticketengine/ticketengine/cmd/internal/service"
	"github.com/ticketengine/ticketengine/cmd/internal/service/servicetest"
)

// TestMailboxRoundTrip: the assembled service reads a real Dovecot mailbox (IDLE), a
// customer's mail opens a ticket of channel email, and their answer naming the ticket's
// number in the subject lands on it as their reply.
func TestMailboxRoundTrip(t *testing.T) {
	dc := dovecottest.Start(t)
	const box = "help@support.example.com"
	c, _ := servicetest.StartService(t, service.Config{EventStore: "memory:", Data: t.TempDir(),
		Inbound: service.InboundConfig{Mailboxes: dc.URL(box, "name=help&poll=1s&language=zh")}})
	dc.Append(t, box, "INBOX", []byte("From: 王芳 <wang.fang@example.cn>\nTo: help@support.example.com\n"+
		"Subject: =?UTF-8?B?6YCA5qy+?=\nMessage-ID: <first@example.cn>\nContent-Type: text/plain; charset=utf-8\n\n我要退款。\n"))
	var ticket map[string]any
	servicetest.WaitFor(t, 20*time.Second, "the mail's ticket", func() bool {
		items := c.Must(200, "GET", "/tickets?channel=email", nil).Body["items"].([]any)
		if len(items) > 0 {
			ticket = items[0].(map[string]any)
		}
		return ticket != nil
	})
	if ticket["subject"] != "退款" || ticket["source"] != "mail:help" {
		t.Fatalf("ticket %v", ticket)
	}
	id, number := ticket["id"].(string), ticket["number"].(string)
	dc.Append(t, box, "INBOX", []byte(fmt.Sprintf("From: wang.fang@example.cn\nTo: help@support.example.com\n"+
		"Subject: Re: [%s] refund\nMessage-ID: <second@example.cn>\nContent-Type: text/plain; charset=utf-8\n\n"+
		"订单号 778899。\n\nOn Mon, 30 Nov 2026 at 10:00, Support <help@support.example.com> wrote:\n> 请提供订单号\n", number)))
	var items []any
	servicetest.WaitFor(t, 20*time.Second, "the answer on the ticket", func() bool {
		items = c.Must(200, "GET", "/tickets/"+id+"/messages", nil).Body["items"].([]any)
		return len(items) >= 2
	})
	last := items[len(items)-1].(map[string]any)
	if last["body"] != "订单号 778899。" || last["kind"] != "customer" {
		t.Fatalf("the answer: %v", last)
	}
	if all, seen := dc.Count(t, box, "INBOX"); all != 2 || seen != 2 {
		t.Fatalf("INBOX %d mails, %d seen", all, seen)
	}
}
