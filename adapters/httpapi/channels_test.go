package httpapi_test

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/ticketengine/ticketengine/adapters/eventstore/memstore"
	"github.com/ticketengine/ticketengine/adapters/httpapi"
	"github.com/ticketengine/ticketengine/application/auth"
	"github.com/ticketengine/ticketengine/application/command"
	"github.com/ticketengine/ticketengine/application/eventstoretest"
	"github.com/ticketengine/ticketengine/application/inbound"
	"github.com/ticketengine/ticketengine/domain"
	"github.com/ticketengine/ticketengine/projections"
)

const channelSecret = "wechat-secret-0123456789"

type channelEnv struct {
	srv   *httptest.Server
	clock *eventstoretest.Clock
	store *memstore.Store
}

func newChannelEnv(t *testing.T) *channelEnv {
	t.Helper()
	store := memstore.New()
	clock := eventstoretest.NewClock(time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC))
	secrets, err := auth.NewSecrets(make([]byte, 32))
	if err != nil {
		t.Fatal(err)
	}
	cmds := command.NewCommands(command.Config{Store: store, Clock: clock, Policy: domain.DefaultSLAPolicy(), Secrets: secrets})
	channels, err := httpapi.ParseChannels("wechat=chat:" + channelSecret + ", hotline=phone:" + channelSecret + "x")
	if err != nil {
		t.Fatal(err)
	}
	in := inbound.New(store, clock, inbound.Commands{Receive: cmds.Receive, Reply: cmds.CustomerReply, AutoMessage: cmds.AutoMessage}, nil)
	server, err := httpapi.New(httpapi.Options{Commands: cmds, Store: store, Clock: clock,
		Auth: auth.NewAuthenticator(store, adminToken), Registry: prometheus.NewRegistry(), Channels: channels, Intake: in})
	if err != nil {
		t.Fatal(err)
	}
	e := &channelEnv{srv: httptest.NewServer(server), clock: clock, store: store}
	t.Cleanup(e.srv.Close)
	return e
}

func sign(secret, stamp string, body []byte) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(stamp + "."))
	mac.Write(body)
	return "sha256=" + hex.EncodeToString(mac.Sum(nil))
}

// post sends a channel message signed at the given time with secret.
func (e *channelEnv) post(t *testing.T, name, secret string, at time.Time, body string) (int, map[string]any) {
	t.Helper()
	stamp := strconv.FormatInt(at.Unix(), 10)
	req, _ := http.NewRequest(http.MethodPost, e.srv.URL+"/channels/"+name+"/messages", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Tickets-Timestamp", stamp)
	req.Header.Set("X-Tickets-Signature", sign(secret, stamp, []byte(body)))
	return e.send(t, req)
}

func (e *channelEnv) send(t *testing.T, req *http.Request) (int, map[string]any) {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var out map[string]any
	_ = json.Unmarshal(b, &out)
	return resp.StatusCode, out
}

func (e *channelEnv) get(t *testing.T, path string) map[string]any {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, e.srv.URL+path, nil)
	req.Header.Set("Authorization", "Bearer "+adminToken)
	code, out := e.send(t, req)
	if code != 200 {
		t.Fatalf("GET %s: %d %v", path, code, out)
	}
	return out
}

func chatMessage(id, conv, body string) string {
	b, _ := json.Marshal(map[string]any{"message_id": id, "conversation_id": conv,
		"customer": map[string]string{"id": "wx-42", "name": "李雷", "email": "lilei@example.com"},
		"subject":  "退款进度", "body": body})
	return string(b)
}

func TestChannelMessageOpensThreadsAndRepeatsNothing(t *testing.T) {
	e := newChannelEnv(t)
	now := e.clock.Now()
	code, first := e.post(t, "wechat", channelSecret, now, chatMessage("w1", "conv-1", "我的退款还没到\u0007"))
	if code != 201 || first["number"] == "" || first["message_id"] != "w1" {
		t.Fatalf("first message: %d %v", code, first)
	}
	id := first["ticket_id"].(string)
	ticket := e.get(t, "/tickets/"+id)
	if ticket["source"] != "wechat" || ticket["channel"] != "chat" {
		t.Fatalf("ticket source %v channel %v, want wechat and chat", ticket["source"], ticket["channel"])
	}
	code, again := e.post(t, "wechat", channelSecret, now, chatMessage("w1", "conv-1", "我的退款还没到"))
	if code != 201 || again["ticket_id"] != id || again["number"] != first["number"] {
		t.Fatalf("repeat: %d %v", code, again)
	}
	code, second := e.post(t, "wechat", channelSecret, now, chatMessage("w2", "conv-1", "还在等"))
	if code != 201 || second["ticket_id"] != id {
		t.Fatalf("second message of the conversation: %d %v", code, second)
	}
	conv, err := projections.ReadConversation(context.Background(), e.store, uuid.MustParse(id))
	if err != nil {
		t.Fatal(err)
	}
	items := conv.Messages
	if len(items) != 2 {
		t.Fatalf("%d messages, want 2 (the repeat appended nothing)", len(items))
	}
	if body := items[0].Body; body != "我的退款还没到" {
		t.Fatalf("first body %q: the control character should be dropped", body)
	}
}

func TestChannelMessageRefusesBadSignatures(t *testing.T) {
	e := newChannelEnv(t)
	now := e.clock.Now()
	msg := chatMessage("w1", "c", "hi")
	for name, c := range map[string]struct {
		secret string
		at     time.Time
	}{
		"wrong secret":      {"not-the-secret-0123456789", now},
		"six minutes old":   {channelSecret, now.Add(-6 * time.Minute)},
		"six minutes ahead": {channelSecret, now.Add(6 * time.Minute)},
	} {
		if code, body := e.post(t, "wechat", c.secret, c.at, msg); code != 401 {
			t.Errorf("%s: %d %v, want 401", name, code, body)
		}
	}
	if code, _ := e.post(t, "wechat", channelSecret, now.Add(-4*time.Minute), msg); code != 201 {
		t.Errorf("four minutes old: %d, want 201", code)
	}
	req, _ := http.NewRequest(http.MethodPost, e.srv.URL+"/channels/wechat/messages", bytes.NewReader([]byte(msg)))
	req.Header.Set("Content-Type", "application/json")
	if code, _ := e.send(t, req); code != 401 {
		t.Errorf("unsigned: %d, want 401", code)
	}
	if code, _ := e.post(t, "line", channelSecret, now, msg); code != 404 {
		t.Errorf("unknown channel: %d, want 404", code)
	}
	if code, _ := e.post(t, "hotline", channelSecret, now, msg); code != 401 {
		t.Errorf("another channel's secret: %d, want 401", code)
	}
	if code, body := e.post(t, "wechat", channelSecret, now, `{"message_id":"x","sender":1}`); code != 400 {
		t.Errorf("unknown field: %d %v, want 400", code, body)
	}
	if code, body := e.post(t, "wechat", channelSecret, now, `{"customer":{"email":"a@b.example"},"body":"x"}`); code != 422 {
		t.Errorf("no message_id: %d %v, want 422", code, body)
	}
}

func TestParseChannelsRefusesBadSettings(t *testing.T) {
	for _, spec := range []string{
		"wechat=chat",                  // no secret
		"wechat=sms:0123456789abcdef",  // not a channel
		"wechat=chat:short",            // short secret
		"WeChat=chat:0123456789abcdef", // not lower case
		"mail=email:0123456789abcdef",  // the mailboxes' name
		"a=chat:0123456789abcdef,a=chat:0123456789abcdef",
	} {
		if _, err := httpapi.ParseChannels(spec); err == nil {
			t.Errorf("%q: accepted", spec)
		}
	}
	got, err := httpapi.ParseChannels("wechat=chat:0123456789abcdef,hotline=phone:fedcba9876543210")
	if err != nil || got["wechat"].Channel != domain.ChannelChat || got["hotline"].Channel != domain.ChannelPhone {
		t.Fatalf("%v %v", got, err)
	}
}
