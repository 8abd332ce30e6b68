package service_test

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/ticketengine/ticketengine/adapters/eventstore/esdb/esdbtest"
	"github.com/ticketengine/ticketengine/application/command"
	"github.com/ticketengine/ticketengine/cmd/internal/service"
	"github.com/ticketengine/ticketengine/cmd/internal/service/servicetest"
	"github.com/ticketengine/ticketengine/domain"
)

// TestDeskOnEveryStore: the desk on ticketd as built, on every event store: a staff
// account signs in with its password, a bearer token still works beside the session, a
// command sent at an old version is the 409 page with the current one and writes
// nothing, and the account's deactivation ends its session.
func TestDeskOnEveryStore(t *testing.T) {
	for name, cfg := range map[string]func(t *testing.T) service.Config{
		"memory":   func(t *testing.T) service.Config { return service.Config{EventStore: "memory:", Data: t.TempDir()} },
		"embedded": func(t *testing.T) service.Config { return service.Config{Data: t.TempDir()} },
		"postgres": servicetest.PostgresConfig,
		"eventstore": func(t *testing.T) service.Config {
			return service.Config{EventStore: esdbtest.Start(t).ConnectionString(), Data: t.TempDir()}
		},
	} {
		t.Run(name, func(t *testing.T) { testDesk(t, cfg(t)) })
	}
}

func testDesk(t *testing.T, cfg service.Config) {
	c, svc := servicetest.StartService(t, cfg)
	ctx, admin := context.Background(), command.CommandMeta{Actor: "admin"}
	acc, err := svc.Commands.CreateStaff.Handle(ctx, command.CreateStaff{Name: "王芳", Email: "Wang@Example.com", Role: domain.RoleAgent,
		Team: domain.DefaultTeam, Language: "zh", Password: "a long passphrase"}, admin)
	if err != nil {
		t.Fatal(err)
	}
	status, h, _ := servicetest.Page(t, http.MethodPost, c.Base+"/desk/signin", url.Values{"email": {"wang@example.com"}, "password": {"a long passphrase"}})
	cookie := ""
	for _, v := range h.Values("Set-Cookie") {
		if strings.HasPrefix(v, "desk_session=") {
			cookie, _, _ = strings.Cut(v, ";")
		}
	}
	if status != http.StatusSeeOther || cookie == "" {
		t.Fatalf("sign-in: %d %v", status, h)
	}
	c.Must(http.StatusOK, http.MethodGet, "/agents", nil) // the bearer token beside the session

	res, err := svc.Commands.Receive.Handle(ctx, command.ReceiveTicket{Channel: domain.ChannelEmail,
		Customer: domain.Customer{Name: "陈静", Email: "chen@example.com", Tier: domain.TierCore}, Subject: "退款", Body: "重复扣款"}, admin)
	if err != nil {
		t.Fatal(err)
	}
	ticket := "/desk/tickets/" + res.Ticket.ID.String()
	if status, _, body := deskPage(t, cookie, http.MethodGet, c.Base+ticket, nil); status != http.StatusOK || !strings.Contains(body, "重复扣款") {
		t.Fatalf("ticket page: %d", status)
	}
	// A colleague's change comes first; the page was loaded at the version before it.
	changed, err := svc.Commands.Classify.Handle(ctx, command.ClassifyTicket{TicketID: res.Ticket.ID,
		ClassifyTicket: domain.ClassifyTicket{Category: "billing", Priority: domain.P2}}, admin)
	if err != nil {
		t.Fatal(err)
	}
	old := strconv.FormatInt(res.Ticket.Version, 10)
	status, _, body := deskPage(t, cookie, http.MethodPost, c.Base+ticket+"/reply", url.Values{"version": {old}, "body": {"晚到的回复"}})
	want := `data-field="version" data-value="` + strconv.FormatInt(changed.Ticket.Version, 10) + `"`
	if status != http.StatusConflict || !strings.Contains(body, want) || !strings.Contains(body, "晚到的回复") {
		t.Fatalf("reply at an old version: %d\n%s", status, body)
	}
	if msgs, _, err := svc.ReadSide.Messages(ctx, res.Ticket.ID, -1, 100, ""); err != nil || len(msgs) != 1 {
		t.Fatalf("the refused reply was written: %d messages, %v", len(msgs), err)
	}
	if _, err := svc.Commands.Deactivate.Handle(ctx, command.DeactivateAccount{AccountID: acc.ID, Reason: "left"}, admin); err != nil {
		t.Fatal(err)
	}
	if status, h, _ := deskPage(t, cookie, http.MethodGet, c.Base+"/desk/queue", nil); status != http.StatusSeeOther ||
		!strings.HasPrefix(h.Get("Location"), "/desk/signin") {
		t.Fatalf("after deactivation: %d %v", status, h)
	}
}

// deskPage is page with the session cookie.
func deskPage(t *testing.T, cookie, method, target string, form url.Values) (int, http.Header, string) {
	t.Helper()
	var body *strings.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	} else {
		body = strings.NewReader("")
	}
	req, err := http.NewRequest(method, target, body)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Cookie", cookie)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	hc := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var sb strings.Builder
	_, _ = io.Copy(&sb, res.Body)
	return res.StatusCode, res.Header, sb.String()
}
