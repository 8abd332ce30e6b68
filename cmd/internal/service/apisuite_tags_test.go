package service_test

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
	"github.com/ticketengine/ticketengine/domain"
)

// Tags, macros and NPS on every store configuration (runAPISuite).

// ids lists the ids of a page's items.
func ids(r response) []string {
	var out []string
	items, _ := r.Body["items"].([]any)
	for _, x := range items {
		out = append(out, x.(map[string]any)["id"].(string))
	}
	return out
}

// tagsOf is a ticket answer's tags.
func tagsOf(r response) []string {
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
func testTags(c client, svc *service.Service) {
	t := c.t
	tagged := c.must(201, "POST", "/tickets", newTicket).Body["id"].(string)
	other := c.must(201, "POST", "/tickets", newTicket).Body["id"].(string)
	r := c.must(200, "POST", "/tickets/"+tagged+"/tags", map[string]any{"add": []string{" VIP ", "Refund  Request"}})
	if got := tagsOf(r); !slices.Equal(got, []string{"refund_request", "vip"}) || r.Body["version"] != float64(1) {
		t.Fatalf("tags after the first command: %s", r.Raw)
	}
	r = c.must(200, "POST", "/tickets/"+tagged+"/tags", map[string]any{"add": []string{"billing"}, "remove": []string{"VIP", "absent"}})
	if got := tagsOf(r); !slices.Equal(got, []string{"billing", "refund_request"}) || r.Body["version"] != float64(2) {
		t.Fatalf("tags after add and remove: %s", r.Raw)
	}
	recs := ticketRecords(t, svc, tagged)
	if last := recs[len(recs)-1]; len(recs) != 3 || last.Type != domain.TypeTicketTagsChanged ||
		string(last.Data) != `{"added":["billing"],"removed":["vip"]}` {
		t.Fatalf("one event for add and remove: %d records, last %s %s", len(recs), last.Type, last.Data)
	}
	// Nothing to change appends nothing; bad tags, too many and a contradiction are 422s.
	if r := c.must(200, "POST", "/tickets/"+tagged+"/tags", map[string]any{"add": []string{"BILLING"}}); r.Body["version"] != float64(2) {
		t.Fatalf("a repeated tag appended: %s", r.Raw)
	}
	many := make([]string, domain.MaxTags+1)
	for i := range many {
		many[i] = fmt.Sprintf("t%d", i)
	}
	for _, bad := range []map[string]any{{"add": many}, {"add": []string{strings.Repeat("长", domain.MaxTagLength+1)}},
		{"add": []string{"  "}}, {"add": []string{"x"}, "remove": []string{"X"}}} {
		c.invalidOnPurpose().must(422, "POST", "/tickets/"+tagged+"/tags", bad)
	}
	if n := len(ticketRecords(t, svc, tagged)); n != 3 {
		t.Fatalf("refused tag commands appended: %d records", n)
	}
	if got := tagsOf(c.must(200, "GET", "/tickets/"+tagged, nil)); !slices.Equal(got, []string{"billing", "refund_request"}) {
		t.Fatalf("GET /tickets/{id} tags %v", got)
	}
	if got := tagsOf(c.must(200, "GET", "/tickets/"+other, nil)); len(got) != 0 {
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
		if got := ids(c.must(200, "GET", path, nil)); !slices.Equal(got, want) {
			t.Errorf("%s: %v, want %v", path, got, want)
		}
	}
	c.invalidOnPurpose().must(422, "GET", "/queues?tag=%20", nil)
	kpi := "/reports/kpi?from=2000-01-01&to=2100-01-01"
	waitFor(t, 5*time.Second, "KPI by tag", func() bool {
		r := c.must(200, "GET", kpi+"&group_by=tag", nil)
		return strings.Contains(r.Raw, `"group":"","received":1`) && strings.Contains(r.Raw, `"group":"billing","received":1`) &&
			strings.Contains(r.Raw, `"group":"refund_request","received":1`)
	})
	if r := c.must(200, "GET", kpi+"&group_by=day&tag=Billing", nil); !strings.Contains(r.Raw, `"received":1,`) {
		t.Fatalf("KPI tag filter: %s", r.Raw)
	}
	c.must(200, "POST", "/tickets/"+other+"/assign", map[string]any{"agent_id": registerAgent(c, "周敏")})
	c.must(200, "POST", "/tickets/"+other+"/resolve", map[string]any{"resolution": "done"})
	c.must(200, "POST", "/tickets/"+other+"/close", nil)
	c.must(409, "POST", "/tickets/"+other+"/tags", map[string]any{"add": []string{"late"}})
}

// registerAgent registers an agent of the support team and returns its id.
func registerAgent(c client, name string) string {
	return c.must(201, "POST", "/agents", map[string]any{"name": name, "email": name + "@example.com", "team": "support", "capacity": 5}).Body["id"].(string)
}

// testNPSReport: ratings with and without nps; nps worked out by hand; group_by priority
// and agent (with the agent's name).
func testNPSReport(c client, _ *service.Service) {
	t := c.t
	agent := registerAgent(c, "刘洋")
	customer := client{t: t, base: c.base}
	// Scores and NPS answers: 10 and 9 promote, 3 detracts, 7 is passive, one gives none.
	answers := []any{10, 9, 3, 7, nil}
	for i, nps := range answers {
		created := c.must(201, "POST", "/tickets", newTicket)
		id, number, code := created.Body["id"].(string), created.Body["number"].(string), created.Body["access_code"].(string)
		if i == 0 {
			c.must(200, "POST", "/tickets/"+id+"/classify", map[string]any{"category": "billing", "priority": "P1"})
		}
		c.must(200, "POST", "/tickets/"+id+"/assign", map[string]any{"agent_id": agent})
		c.must(200, "POST", "/tickets/"+id+"/resolve", map[string]any{"resolution": "done"})
		rating := map[string]any{"score": 4}
		if nps != nil {
			rating["nps"] = nps
		}
		customer.must(200, "POST", "/portal/tickets/"+number+"/rating?code="+code, rating)
		if i == 0 {
			customer.invalidOnPurpose().must(422, "POST", "/portal/tickets/"+number+"/rating?code="+code, map[string]any{"score": 4, "nps": 11})
		}
	}
	// (2 promoters − 1 detractor) / 4 answers = 25 points.
	kpi := "/reports/kpi?from=2000-01-01&to=2100-01-01"
	waitFor(t, 5*time.Second, "NPS in the KPI report", func() bool {
		r := c.must(200, "GET", kpi+"&group_by=day", nil)
		return strings.Contains(r.Raw, `"rated":5,`) && strings.Contains(r.Raw, `"nps":25,"nps_responses":4`)
	})
	byPrio := c.must(200, "GET", kpi+"&group_by=priority", nil).Raw
	if !strings.Contains(byPrio, `"group":"P1","received":1`) || !strings.Contains(byPrio, `"group":"P3","received":4`) ||
		!strings.Contains(byPrio, `"nps":100,"nps_responses":1`) || !strings.Contains(byPrio, `"nps":0,"nps_responses":3`) {
		t.Fatalf("group_by=priority: %s", byPrio)
	}
	byAgent := c.must(200, "GET", kpi+"&group_by=agent", nil).Raw
	if !strings.Contains(byAgent, `"group":"`+agent+`","name":"刘洋","received":5`) {
		t.Fatalf("group_by=agent: %s", byAgent)
	}
	csv := c.must(200, "GET", kpi+"&group_by=agent", nil, "Accept", "text/csv").Raw
	if !strings.Contains(csv, ",nps,nps_responses,name\n") || !strings.Contains(csv, ",25,4,刘洋\n") {
		t.Fatalf("CSV by agent: %s", csv)
	}
}
