package service_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"strconv"
	"testing"
	"time"

	"github.com/ticketengine/ticketengine/cmd/internal/service"
	"github.com/ticketengine/ticketengine/cmd/internal/service/servicetest"
)

// TestChannelIntake runs the signed intake through the whole assembly (the answers are
// checked against the OpenAPI document by the client): a WeChat conversation opens a
// ticket of channel chat showing its source, its next message is the customer's reply,
// and the message after the ticket was closed opens a follow-up.
func TestChannelIntake(t *testing.T) {
	const secret = "wechat-secret-for-the-suite"
	c, _ := servicetest.StartService(t, service.Config{EventStore: "memory:", Data: t.TempDir(),
		Inbound: service.InboundConfig{Channels: "wechat=chat:" + secret}})
	post := func(id, body string) servicetest.Response {
		t.Helper()
		b, _ := json.Marshal(map[string]any{"message_id": id, "conversation_id": "wx-conv-1",
			"customer": map[string]any{"id": "oWx42", "name": "韩梅梅", "email": "han@example.com"},
			"subject":  "发票抬头错了", "body": body})
		stamp := strconv.FormatInt(time.Now().Unix(), 10)
		mac := hmac.New(sha256.New, []byte(secret))
		mac.Write([]byte(stamp + "."))
		mac.Write(b)
		return servicetest.Client{T: t, Base: c.Base}.Must(201, "POST", "/channels/wechat/messages", string(b),
			"X-Tickets-Timestamp", stamp, "X-Tickets-Signature", "sha256="+hex.EncodeToString(mac.Sum(nil)))
	}
	first := post("m-1", "发票抬头写错了，请重开")
	id := first.Body["ticket_id"].(string)
	if again := post("m-1", "发票抬头写错了，请重开"); again.Body["ticket_id"] != id {
		t.Fatalf("repeat went to %v, want %s", again.Body["ticket_id"], id)
	}
	ticket := c.Must(200, "GET", "/tickets/"+id, nil)
	if ticket.Body["source"] != "wechat" || ticket.Body["channel"] != "chat" || ticket.Body["version"] != float64(0) {
		t.Fatalf("ticket: %s", ticket.Raw)
	}
	post("m-2", "公司名称是某某有限公司")
	msgs := c.Must(200, "GET", "/tickets/"+id+"/messages", nil).Body["items"].([]any)
	if len(msgs) != 2 {
		t.Fatalf("%d messages, want 2", len(msgs))
	}
	c.Must(200, "POST", "/tickets/"+id+"/escalate", map[string]any{"team": "billing", "reason": "invoice"})
	c.Must(200, "POST", "/tickets/"+id+"/resolve", map[string]any{"resolution": "reissued"})
	c.Must(200, "POST", "/tickets/"+id+"/close", nil)
	next := post("m-3", "又错了")
	nid := next.Body["ticket_id"].(string)
	follow := c.Must(200, "GET", "/tickets/"+nid, nil)
	if nid == id || follow.Body["follow_up_of"] != id {
		t.Fatalf("follow-up: %s", follow.Raw)
	}
}
