package webtest_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/application/attachments"
	"github.com/ticketengine/ticketengine/application/command"
	"github.com/ticketengine/ticketengine/application/eventlog"
	"github.com/ticketengine/ticketengine/cmd/internal/service"
	"github.com/ticketengine/ticketengine/domain"
)

// engine is ticketd's assembly behind a test server: the pages and the API as ticketd
// serves them (svc.HTTP), attachments and NPS on.
type engine struct {
	svc   *service.Service
	url   string
	agent uuid.UUID
}

func startEngine(t *testing.T) *engine {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	cfg := service.Config{EventStore: "memory:", Data: t.TempDir()}
	cfg.Policies.Disabled = true // the test plays the agent itself
	svc, err := service.Build(ctx, cfg, nil)
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	svc.Start(ctx)
	srv := httptest.NewServer(svc.HTTP)
	t.Cleanup(func() {
		srv.Close()
		cancel()
		svc.Wait()
		_ = svc.Close()
	})
	e := &engine{svc: svc, url: srv.URL}
	a, err := svc.Commands.RegisterAgent.Handle(ctx, command.RegisterAgent{Name: "李伟", Email: "li@example.com", Capacity: 10, Language: "zh"}, staff())
	if err != nil {
		t.Fatal(err)
	}
	e.agent = a.Agent.ID
	return e
}

func staff() command.CommandMeta { return command.CommandMeta{Actor: "admin"} }

// open opens a web ticket through the application layer, as the help center does.
func (e *engine) open(t *testing.T, subject string) (number, code string, id uuid.UUID) {
	t.Helper()
	res, err := e.svc.Commands.Receive.Handle(context.Background(), command.ReceiveTicket{Channel: domain.ChannelWeb,
		Customer: domain.Customer{Name: "Ann", Email: "ann@example.com"}, Subject: subject, Body: "Hello", Unverified: true}, staff())
	if err != nil {
		t.Fatal(err)
	}
	return res.Ticket.Number, res.AccessCode, res.Ticket.ID
}

// resolve is the agent's part: take the ticket and resolve it.
func (e *engine) resolve(t *testing.T, id uuid.UUID) {
	t.Helper()
	ctx := context.Background()
	if _, err := e.svc.Commands.Assign.Handle(ctx, command.AssignTicket{TicketID: id, AgentID: e.agent}, staff()); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.Commands.Resolve.Handle(ctx, command.ResolveTicket{TicketID: id, Resolution: "Refunded today."}, staff()); err != nil {
		t.Fatal(err)
	}
}

func (e *engine) find(t *testing.T, number, code string) uuid.UUID {
	t.Helper()
	id, err := e.svc.Commands.FindByNumber.Find(context.Background(), number, code)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// replyWithFile is the agent's public answer carrying a file, uploaded and claimed
// through application/attachments as POST /attachments and a reply naming it do.
func (e *engine) replyWithFile(t *testing.T, id uuid.UUID, name string, content []byte) {
	t.Helper()
	ctx, meta := context.Background(), eventlog.Metadata{Actor: "admin"}
	a, err := e.svc.Attachments.Upload(ctx, attachments.Upload{Uploader: "admin", Filename: name, Meta: meta}, bytes.NewReader(content))
	if err != nil {
		t.Fatal(err)
	}
	err = e.svc.Attachments.Attach(ctx, "admin", []string{a.ID}, attachments.ClaimKey("admin", ""), meta, func(atts []domain.Attachment) error {
		_, err := e.svc.Commands.Reply.Handle(ctx, command.ReplyToTicket{TicketID: id, Body: "The refund receipt is attached.", Public: true, Attachments: atts}, staff())
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

// kpi is GET /reports/kpi over the API, with the admin token.
func (e *engine) kpi(t *testing.T) string {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, e.url+"/reports/kpi?from=2000-01-01&to=2100-01-01", nil)
	req.Header.Set("Authorization", "Bearer "+e.svc.AdminToken)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET /reports/kpi: %d %s", res.StatusCode, raw)
	}
	return string(raw)
}
