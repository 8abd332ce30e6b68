package httpapi_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	blobmemory "github.com/ticketengine/ticketengine/adapters/blobstore/memory"
	"github.com/ticketengine/ticketengine/adapters/eventstore/memstore"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/ticketengine/ticketengine/adapters/httpapi"
	"github.com/ticketengine/ticketengine/adapters/readmodel/memreadmodel"
	"github.com/ticketengine/ticketengine/adapters/watermillrelay"
	"github.com/ticketengine/ticketengine/application/access"
	"github.com/ticketengine/ticketengine/application/attachments"
	"github.com/ticketengine/ticketengine/application/auth"
	"github.com/ticketengine/ticketengine/application/command"
	"github.com/ticketengine/ticketengine/domain"
	"github.com/ticketengine/ticketengine/projections"
	"github.com/ticketengine/ticketengine/projections/readmodeltest"
)

const adminToken = "admin-token-for-read-tests"

// readEnv is a server whose read side follows the event store through the Watermill
// relay, as ticketd runs it.
type readEnv struct {
	w      *readmodeltest.World
	srv    *httptest.Server
	server *httpapi.Server
	tokens map[access.Role]string
}

func newReadEnv(t *testing.T) *readEnv {
	ctx, cancel := context.WithCancel(context.Background())
	w := readmodeltest.NewWorld(t, memstore.New())
	store := memreadmodel.New()
	engine, err := projections.NewEngine(ctx, store)
	if err != nil {
		t.Fatal(err)
	}
	svc := projections.NewService(w.Events, store, engine, w.Clock)
	bus := watermillrelay.NewGoChannel(slog.Default())
	done := make(chan error, 1)
	go func() { done <- watermillrelay.Run(ctx, w.Events, bus, engine, svc, slog.Default()) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Error(err)
		}
		_ = bus.Close()
	})
	atts, err := attachments.New(attachments.Config{Store: w.Events, Blobs: blobmemory.New(), Clock: w.Clock})
	if err != nil {
		t.Fatal(err)
	}
	server, err := httpapi.New(httpapi.Options{Commands: w.Commands, Store: w.Events, Clock: w.Clock,
		Auth: auth.NewAuthenticator(w.Events, adminToken), Registry: prometheus.NewRegistry(), ReadSide: svc, Attachments: atts})
	if err != nil {
		t.Fatal(err)
	}
	e := &readEnv{w: w, srv: httptest.NewServer(server), server: server, tokens: map[access.Role]string{access.RoleAdmin: adminToken}}
	t.Cleanup(e.srv.Close)
	for _, role := range []access.Role{access.RoleAnalyst, access.RoleSupervisor, access.RoleAuditor} {
		tok, err := w.Commands.IssueToken.Handle(ctx, command.IssueToken{Role: role, Subject: "t"}, command.CommandMeta{Actor: "admin"})
		if err != nil {
			t.Fatal(err)
		}
		e.tokens[role] = tok.Token
	}
	return e
}

// do sends a request and returns the status, headers and body.
func (e *readEnv) do(t *testing.T, method, path string, role access.Role, header ...string) (int, http.Header, string) {
	t.Helper()
	req, err := http.NewRequest(method, e.srv.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if role != "" {
		req.Header.Set("Authorization", "Bearer "+e.tokens[role])
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, string(body)
}

func TestQueueAndAgentsOverHTTP(t *testing.T) {
	e := newReadEnv(t)
	a := e.w.Agent(t, "Alice", "support")
	tk := e.w.Receive(t, domain.TierVIP, domain.ChannelChat, "登录失败", "无法登录")
	r, err := e.w.Commands.Assign.Handle(context.Background(), command.AssignTicket{TicketID: tk.Ticket.ID, AgentID: a.ID}, command.CommandMeta{Actor: "admin"})
	if err != nil {
		t.Fatal(err)
	}
	// The agent read waits for the projection to reach the agent's version; the queue
	// then reflects the assignment too (same commit).
	code, _, body := e.do(t, "GET", "/agents/"+a.ID.String()+"?min_version=1", access.RoleSupervisor)
	var av projections.AgentView
	if code != 200 || json.Unmarshal([]byte(body), &av) != nil || !av.Online {
		t.Fatalf("agent: %d %s", code, body)
	}
	// A list read has no ticket to wait for: it waits for what was stored when it came.
	if _, _, b := e.do(t, "GET", "/agents", access.RoleSupervisor); !strings.Contains(b, `"open_tickets":1`) {
		t.Fatalf("the agents list does not show the assignment just made: %s", b)
	}
	code, _, body = e.do(t, "GET", "/queues?assignee="+a.ID.String(), access.RoleAnalyst)
	_, _, ticket := e.do(t, "GET", "/tickets/"+tk.Ticket.ID.String(), access.RoleSupervisor)
	var page struct {
		Items []json.RawMessage `json:"items"`
		Next  *string           `json:"next"`
	}
	if code != 200 || json.Unmarshal([]byte(body), &page) != nil || len(page.Items) != 1 || page.Next != nil {
		t.Fatalf("queue: %d %s", code, body)
	}
	if strings.TrimSpace(string(page.Items[0])) != strings.TrimSpace(ticket) {
		t.Errorf("queue item\n%s\nGET /tickets/{id}\n%s", page.Items[0], ticket)
	}
	if r.Ticket.Version != 1 {
		t.Errorf("version %d", r.Ticket.Version)
	}
	for path, want := range map[string]int{"/queues?priority=P9": 422, "/queues?breached=maybe": 422, "/queues?status=closed": 422, "/queues?limit=0": 422, "/agents/not-an-id": 404,
		"/queues?assignee=not-an-id": 422, "/tickets?assignee=not-an-id": 422} {
		if code, _, body := e.do(t, "GET", path, access.RoleAdmin); code != want || (want == 422 && strings.Contains(path, "assignee") && !strings.Contains(body, `"assignee"`)) {
			t.Errorf("%s: %d %s", path, code, body)
		}
	}
	if code, _, _ := e.do(t, "GET", "/queues", ""); code != 401 {
		t.Errorf("queue without a token: %d", code)
	}
	fresh := e.w.Receive(t, domain.TierStandard, domain.ChannelAPI, "刚刚收到", "b")
	if _, _, b := e.do(t, "GET", "/queues?status=received", access.RoleSupervisor); !strings.Contains(b, fresh.Ticket.ID.String()) {
		t.Errorf("the queue read right after a receipt lacks the ticket: %s", b)
	}
	code, _, body = e.do(t, "GET", "/agents", access.RoleAuditor)
	if code != 200 || !strings.Contains(body, `"items":[{"id":"`+a.ID.String()) {
		t.Errorf("agents: %d %s", code, body)
	}
}

func waitFor(t *testing.T, ok func() bool) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); !ok(); {
		if time.Now().After(deadline) {
			t.Fatal("timed out")
		}
		time.Sleep(10 * time.Millisecond)
	}
}
