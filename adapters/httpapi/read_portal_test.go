package httpapi_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ticketengine/ticketengine/application/access"
	"github.com/ticketengine/ticketengine/application/command"
	"github.com/ticketengine/ticketengine/domain"
	"github.com/ticketengine/ticketengine/projections"
)

func TestPortalReadOverHTTP(t *testing.T) {
	e := newReadEnv(t)
	ctx := context.Background()
	tk := e.w.Receive(t, domain.TierCore, domain.ChannelWeb, "发票错误", "金额不对")
	path := "/portal/tickets/" + tk.Ticket.Number + "?code=" + url.QueryEscape(tk.AccessCode)
	// Ten look-ups a minute are fine; the first one waits for the new ticket's projection.
	for range 10 {
		if code, _, body := e.do(t, "GET", path, ""); code != 200 || !strings.Contains(body, "金额不对") {
			t.Fatalf("portal: %d %s", code, body)
		}
	}
	meta := command.CommandMeta{Actor: "admin"}
	if _, err := e.w.Commands.Reply.Handle(ctx, command.ReplyToTicket{TicketID: tk.Ticket.ID, Body: "NOTE-INTERNAL refund fraud?", Public: false}, meta); err != nil {
		t.Fatal(err)
	}
	r, err := e.w.Commands.Reply.Handle(ctx, command.ReplyToTicket{TicketID: tk.Ticket.ID, Body: "我们正在核对", Public: true}, meta)
	if err != nil {
		t.Fatal(err)
	}
	code, hdr, body := e.do(t, "GET", path+"&min_version="+strconv.FormatInt(r.Ticket.Version, 10), "")
	var view projections.PortalView
	if code != 200 || json.Unmarshal([]byte(body), &view) != nil || view.Version != r.Ticket.Version || hdr.Get("ETag") != `"2"` {
		t.Fatalf("read-your-writes: %d %v %s", code, hdr, body)
	}
	if strings.Contains(body, "NOTE-INTERNAL") || !strings.Contains(body, "我们正在核对") || strings.Contains(body, "@example.com") || strings.Contains(body, "support") {
		t.Errorf("portal view: %s", body)
	}
	// The customer's own reply through the portal, then read at its version.
	req, _ := http.NewRequest("POST", e.srv.URL+"/portal/tickets/"+tk.Ticket.Number+"/replies?code="+url.QueryEscape(tk.AccessCode), strings.NewReader(`{"body":"谢谢"}`))
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var wrote struct{ Version int64 }
	_ = json.NewDecoder(resp.Body).Decode(&wrote)
	resp.Body.Close()
	if _, _, body := e.do(t, "GET", path+"&min_version="+strconv.FormatInt(wrote.Version, 10), ""); !strings.Contains(body, `"kind":"customer_reply","text":"谢谢"`) {
		t.Errorf("after the customer's reply: %d %s", resp.StatusCode, body)
	}
	// A wrong code and an unknown number are the same answer.
	c1, h1, wrong := e.do(t, "GET", "/portal/tickets/"+tk.Ticket.Number+"?code=WRONGWRONG12", "")
	c2, h2, unknown := e.do(t, "GET", "/portal/tickets/TK-000000?code="+url.QueryEscape(tk.AccessCode), "")
	if c1 != 404 || c2 != 404 || wrong != unknown || h1.Get("Content-Type") != h2.Get("Content-Type") {
		t.Errorf("wrong code %d %s; unknown number %d %s", c1, wrong, c2, unknown)
	}
	// After 20 failed look-ups in a minute the address is refused, with Retry-After.
	for range 18 {
		e.do(t, "GET", "/portal/tickets/TK-000000?code=x", "")
	}
	code, hdr, _ = e.do(t, "GET", path, "")
	if code != http.StatusTooManyRequests || hdr.Get("Retry-After") == "" {
		t.Errorf("after 20 failures: %d, Retry-After %q", code, hdr.Get("Retry-After"))
	}
}

func TestKPIAndRebuildOverHTTP(t *testing.T) {
	e := newReadEnv(t)
	ctx := context.Background()
	a := e.w.Agent(t, "Alice", "support")
	var last command.TicketResult
	for i, ch := range []domain.Channel{domain.ChannelEmail, domain.ChannelEmail, domain.ChannelPhone} {
		tk := e.w.Receive(t, domain.TierStandard, ch, "s", "b")
		meta := command.CommandMeta{Actor: "admin"}
		if _, err := e.w.Commands.Assign.Handle(ctx, command.AssignTicket{TicketID: tk.Ticket.ID, AgentID: a.ID}, meta); err != nil {
			t.Fatal(err)
		}
		e.w.Clock.Advance(time.Duration(i+1) * time.Minute)
		r, err := e.w.Commands.Resolve.Handle(ctx, command.ResolveTicket{TicketID: tk.Ticket.ID, Resolution: "ok"}, meta)
		if err != nil {
			t.Fatal(err)
		}
		last = r
	}
	_ = last
	q := "/reports/kpi?from=" + readmodelEpoch() + "&to=" + url.QueryEscape(e.w.Clock.Now().Add(time.Hour).Format(time.RFC3339)) + "&group_by=channel"
	var rows struct{ Rows []projections.KPIRow }
	waitFor(t, func() bool {
		_, _, body := e.do(t, "GET", q, access.RoleAnalyst)
		return json.Unmarshal([]byte(body), &rows) == nil && len(rows.Rows) == 2 && rows.Rows[0].Resolved == 2 && rows.Rows[1].Resolved == 1
	})
	if r := rows.Rows[0]; r.Group != "email" || r.Received != 2 || *r.ResolutionSecondsAvg != 90 || *r.FCRRate != 1 {
		t.Errorf("email row %+v", r)
	}
	code, hdr, csv := e.do(t, "GET", q, access.RoleSupervisor, "Accept", "text/csv")
	lines := strings.Split(strings.TrimSpace(csv), "\n")
	if code != 200 || !strings.HasPrefix(hdr.Get("Content-Type"), "text/csv") || len(lines) != 3 ||
		!strings.HasPrefix(lines[0], "group,received,resolved,resolution_rate,") || lines[1] != "email,2,2,1,90,90,114,90,90,114,1,0,0,1,1,,,0,0,,0," {
		t.Errorf("csv: %d %v\n%s", code, hdr, csv)
	}
	for path, want := range map[string]int{"/reports/kpi?group_by=weather": 422, "/reports/kpi?from=yesterday": 422,
		"/reports/kpi?from=2026-03-02T10:00:00Z&to=2026-03-02T09:00:00Z": 422} {
		if code, _, body := e.do(t, "GET", path, access.RoleAnalyst); code != want {
			t.Errorf("%s: %d %s", path, code, body)
		}
	}
	if code, _, body := e.do(t, "GET", "/reports/kpi?from=2026-03-02&to=2026-03-03&group_by=channel", access.RoleAnalyst); code != 200 || !strings.Contains(body, `"group":"email","received":2`) {
		t.Errorf("dates as from and to: %d %s", code, body)
	}
	if code, _, _ := e.do(t, "GET", q, access.RoleAuditor); code != 403 {
		t.Errorf("auditor read the KPIs: %d", code)
	}
	_, _, before := e.do(t, "GET", q, access.RoleAnalyst)
	code, _, body := e.do(t, "POST", "/admin/rebuild/kpi", access.RoleAdmin)
	var st projections.RebuildStats
	if code != 200 || json.Unmarshal([]byte(body), &st) != nil || st.Projection != "kpi" || st.Events == 0 {
		t.Fatalf("rebuild: %d %s", code, body)
	}
	if _, _, after := e.do(t, "GET", q, access.RoleAnalyst); after != before {
		t.Errorf("the rebuild changed the report:\n%s\n%s", before, after)
	}
	if code, _, _ := e.do(t, "POST", "/admin/rebuild/nope", access.RoleAdmin); code != 404 {
		t.Errorf("unknown read model: %d", code)
	}
	if code, _, _ := e.do(t, "POST", "/admin/rebuild/kpi", access.RoleSupervisor); code != 403 {
		t.Errorf("a supervisor rebuilt: %d", code)
	}
	_, _, metrics := e.do(t, "GET", "/metrics", "")
	if !strings.Contains(metrics, `tickets_projection_lag_events{projection="kpi"} 0`) || !strings.Contains(metrics, "tickets_projection_lag_seconds") {
		t.Errorf("metrics lack the projection lag:\n%.2000s", metrics)
	}
}

func readmodelEpoch() string { return url.QueryEscape("2026-03-02T00:00:00Z") }
