package api

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ticketengine/ticketengine/application/eventlog"
	"github.com/ticketengine/ticketengine/cmd/internal/service"
	"github.com/ticketengine/ticketengine/cmd/internal/service/servicetest"
	"github.com/ticketengine/ticketengine/domain"
)

// Tags, macros and NPS on every store configuration (Run).

// tagsOf is a ticket answer's tags.
func tagsOf(r servicetest.Response) []string {
	var out []string
	for _, x := range r.Body["tags"].([]any) {
		out = append(out, x.(string))
	}
	return out
}

// ticketRecords reads a ticket's stream straight from the event store.
func ticketRecords(t *testing.T, svc *service.Service, id string) []eventlog.Record {
	t.Helper()
	recs, err := svc.Store.ReadStream(context.Background(), eventlog.TicketStreamPrefix+id)
	if err != nil {
		t.Fatal(err)
	}
	return recs
}

// testTags: tags added and removed in one command (one event), shown on every staff
// view, filtered by /queues, /tickets (with and without q) and the KPI report.
func testTags(c servicetest.Client, svc *service.Service) {
	t := c.T
	tagged := c.Must(201, "POST", "/tickets", servicetest.NewTicket).Body["id"].(string)
	other := c.Must(201, "POST", "/tickets", servicetest.NewTicket).Body["id"].(string)
	r := c.Must(200, "POST", "/tickets/"+tagged+"/tags", map[string]any{"add": []string{" VIP ", "Refund  Request"}})
	if got := tagsOf(r); !slices.Equal(got, []string{"refund_request", "vip"}) || r.Body["version"] != float64(1) {
		t.Fatalf("tags after the first command: %s", r.Raw)
	}
	r = c.Must(200, "POST", "/tickets/"+tagged+"/tags", map[string]any{"add": []string{"billing"}, "remove": []string{"VIP", "absent"}})
	if got := tagsOf(r); !slices.Equal(got, []string{"billing", "refund_request"}) || r.Body["version"] != float64(2) {
		t.Fatalf("tags after add and remove: %s", r.Raw)
	}
	recs := ticketRecords(t, svc, tagged)
	if last := recs[len(recs)-1]; len(recs) != 3 || last.Type != domain.TypeTicketTagsChanged ||
		string(last.Data) != `{"added":["billing"],"removed":["vip"]}` {
		t.Fatalf("one event for add and remove: %d records, last %s %s", len(recs), last.Type, last.Data)
	}
	// Nothing to change appends nothing; bad tags, too many and a contradiction are 422s.
	if r := c.Must(200, "POST", "/tickets/"+tagged+"/tags", map[string]any{"add": []string{"BILLING"}}); r.Body["version"] != float64(2) {
		t.Fatalf("a repeated tag appended: %s", r.Raw)
	}
	many := make([]string, domain.MaxTags+1)
	for i := range many {
		many[i] = fmt.Sprintf("t%d", i)
	}
	for _, bad := range []map[string]any{{"add": many}, {"add": []string{strings.Repeat("长", domain.MaxTagLength+1)}},
		{"add": []string{"  "}}, {"add": []string{"x"}, "remove": []string{"X"}}} {
		c.InvalidOnPurpose().Must(422, "POST", "/tickets/"+tagged+"/tags", bad)
	}
	if n := len(ticketRecords(t, svc, tagged)); n != 3 {
		t.Fatalf("refused tag commands appended: %d records", n)
	}
	if got := tagsOf(c.Must(200, "GET", "/tickets/"+tagged, nil)); !slices.Equal(got, []string{"billing", "refund_request"}) {
		t.Fatalf("GET /tickets/{id} tags %v", got)
	}
	if got := tagsOf(c.Must(200, "GET", "/tickets/"+other, nil)); len(got) != 0 {
		t.Fatalf("an untagged ticket shows tags %v", got)
	}
	for path, want := range map[string][]string{
		"/queues?tag=billing":                {tagged},
		"/queues?tag=Refund%20Request":       {tagged},
		"/queues?tag=vip":                    nil,
		"/tickets?tag=BILLING":               {tagged},
		"/tickets?tag=billing&channel=email": nil,
		"/tickets?tag=vip":                   nil,
		"/tickets?q=" + url.QueryEscape("退款") + "&tag=billing": {tagged},
	} {
		if strings.Contains(path, "q=") && svc.ReadSide.Search == nil {
			continue // search is off in this configuration
		}
		if got := servicetest.IDs(c.Must(200, "GET", path, nil)); !slices.Equal(got, want) {
			t.Errorf("%s: %v, want %v", path, got, want)
		}
	}
	c.InvalidOnPurpose().Must(422, "GET", "/queues?tag=%20", nil)
	kpi := "/reports/kpi?from=2000-01-01&to=2100-01-01"
	servicetest.WaitFor(t, 5*time.Second, "KPI by tag", func() bool {
		r := c.Must(200, "GET", kpi+"&group_by=tag", nil)
		return strings.Contains(r.Raw, `"group":"","received":1`) && strings.Contains(r.Raw, `"group":"billing","received":1`) &&
			strings.Contains(r.Raw, `"group":"refund_request","received":1`)
	})
	if r := c.Must(200, "GET", kpi+"&group_by=day&tag=Billing", nil); !strings.Contains(r.Raw, `"received":1,`) {
		t.Fatalf("KPI tag filter: %s", r.Raw)
	}
	c.Must(200, "POST", "/tickets/"+other+"/assign", map[string]any{"agent_id": registerAgent(c, "周敏")})
	c.Must(200, "POST", "/tickets/"+other+"/resolve", map[string]any{"resolution": "done"})
	c.Must(200, "POST", "/tickets/"+other+"/close", nil)
	c.Must(409, "POST", "/tickets/"+other+"/tags", map[string]any{"add": []string{"late"}})
}

// registerAgent registers an agent of the support team and returns its id.
func registerAgent(c servicetest.Client, name string) string {
	return c.Must(201, "POST", "/agents", map[string]any{"name": name, "email": name + "@example.com", "team": "support", "capacity": 5}).Body["id"].(string)
}

// testNPSReport: ratings with and without nps; nps worked out by hand; group_by priority
// and agent (with the agent's name).
func testNPSReport(c servicetest.Client, _ *service.Service) {
	t := c.T
	agent := registerAgent(c, "刘洋")
	customer := servicetest.Client{T: t, Base: c.Base}
	// Scores and NPS answers: 10 and 9 promote, 3 detracts, 7 is passive, one gives none.
	answers := []any{10, 9, 3, 7, nil}
	for i, nps := range answers {
		created := c.Must(201, "POST", "/tickets", servicetest.NewTicket)
		id, number, code := created.Body["id"].(string), created.Body["number"].(string), created.Body["access_code"].(string)
		if i == 0 {
			c.Must(200, "POST", "/tickets/"+id+"/classify", map[string]any{"category": "billing", "priority": "P1"})
		}
		c.Must(200, "POST", "/tickets/"+id+"/assign", map[string]any{"agent_id": agent})
		c.Must(200, "POST", "/tickets/"+id+"/resolve", map[string]any{"resolution": "done"})
		rating := map[string]any{"score": 4}
		if nps != nil {
			rating["nps"] = nps
		}
		customer.Must(200, "POST", "/portal/tickets/"+number+"/rating?code="+code, rating)
		if i == 0 {
			customer.InvalidOnPurpose().Must(422, "POST", "/portal/tickets/"+number+"/rating?code="+code, map[string]any{"score": 4, "nps": 11})
		}
	}
	// (2 promoters − 1 detractor) / 4 answers = 25 points.
	kpi := "/reports/kpi?from=2000-01-01&to=2100-01-01"
	servicetest.WaitFor(t, 5*time.Second, "NPS in the KPI report", func() bool {
		r := c.Must(200, "GET", kpi+"&group_by=day", nil)
		return strings.Contains(r.Raw, `"rated":5,`) && strings.Contains(r.Raw, `"nps":25,"nps_responses":4`)
	})
	byPrio := c.Must(200, "GET", kpi+"&group_by=priority", nil).Raw
	if !strings.Contains(byPrio, `"group":"P1","received":1`) || !strings.Contains(byPrio, `"group":"P3","received":4`) ||
		!strings.Contains(byPrio, `"nps":100,"nps_responses":1`) || !strings.Contains(byPrio, `"nps":0,"nps_responses":3`) {
		t.Fatalf("group_by=priority: %s", byPrio)
	}
	byAgent := c.Must(200, "GET", kpi+"&group_by=agent", nil).Raw
	if !strings.Contains(byAgent, `"group":"`+agent+`","name":"刘洋","received":5`) {
		t.Fatalf("group_by=agent: %s", byAgent)
	}
	csv := c.Must(200, "GET", kpi+"&group_by=agent", nil, "Accept", "text/csv").Raw
	if !strings.Contains(csv, ",nps,nps_responses,name\n") || !strings.Contains(csv, ",25,4,刘洋\n") {
		t.Fatalf("CSV by agent: %s", csv)
	}
}
