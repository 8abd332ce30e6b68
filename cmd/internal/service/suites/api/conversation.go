package api

import (
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/cmd/internal/service"
	"github.com/ticketengine/ticketengine/cmd/internal/service/servicetest"
)

const noteMarker = "INTERNAL-NOTE-7f3 the card was charged twice by our bug"

// testConversation: an agent reads the whole conversation of a ticket routed to them,
// oldest first and page by page: the original message, their public reply and internal
// note, the customer's reply from the portal. No answer the customer gets (the portal's
// view, replies, rating) ever holds the note, and the conversation is staff's only.
func testConversation(c servicetest.Client, _ *service.Service) {
	t := c.T
	created := c.Must(201, "POST", "/tickets", servicetest.NewTicket)
	id, number, code := created.Body["id"].(string), created.Body["number"].(string), created.Body["access_code"].(string)
	agent := c.Must(201, "POST", "/agents", map[string]any{"name": "刘洋", "email": "liu@example.com", "team": "support", "skills": []string{"billing"}, "capacity": 5})
	agentID := agent.Body["id"].(string)
	as := servicetest.Client{T: t, Base: c.Base, Token: agent.Body["token"].(string)}
	customer := servicetest.Client{T: t, Base: c.Base}
	var seen []servicetest.Response // every answer the customer gets
	portal := "/portal/tickets/" + number
	c.Must(200, "POST", "/tickets/"+id+"/assign", map[string]any{"agent_id": agentID})
	as.Must(200, "POST", "/tickets/"+id+"/replies", map[string]any{"body": "请提供订单号", "public": true})
	as.Must(200, "POST", "/tickets/"+id+"/replies", map[string]any{"body": noteMarker, "public": false})
	seen = append(seen, customer.Must(200, "GET", portal+"?code="+code+"&min_version=3", nil))
	seen = append(seen, customer.Must(200, "POST", portal+"/replies?code="+code, map[string]any{"body": "订单号 12345"}))
	conv := as.Must(200, "GET", "/tickets/"+id+"/messages?min_version=4", nil)
	items, _ := conv.Body["items"].([]any)
	want := []string{
		"customer|customer|c-42|陈静|I was charged twice",
		"public|agent|" + agentID + "|刘洋|请提供订单号",
		"internal|agent|" + agentID + "|刘洋|" + noteMarker,
		"customer|customer|c-42|陈静|订单号 12345",
	}
	if got := strings.Join(messageLines(items), "\n"); got != strings.Join(want, "\n") || conv.Body["next"] != nil {
		t.Fatalf("the agent's view of the conversation:\n%s\nwant\n%s\n%s", got, strings.Join(want, "\n"), conv.Raw)
	}
	var paged []any
	for path, n := "/tickets/"+id+"/messages?limit=1", 0; path != ""; n++ {
		page := as.Must(200, "GET", path, nil)
		got, _ := page.Body["items"].([]any)
		if len(got) != 1 || n > len(want) {
			t.Fatalf("page %d: %s", n, page.Raw)
		}
		paged, path = append(paged, got...), ""
		if next, ok := page.Body["next"].(string); ok {
			path = "/tickets/" + id + "/messages?limit=1&cursor=" + url.QueryEscape(next)
		}
	}
	if strings.Join(messageLines(paged), "\n") != strings.Join(want, "\n") {
		t.Fatalf("pages of one: %v", messageLines(paged))
	}
	as.Must(200, "POST", "/tickets/"+id+"/resolve", map[string]any{"resolution": "refunded"})
	seen = append(seen, customer.Must(200, "POST", portal+"/rating?code="+code, map[string]any{"score": 5}))
	seen = append(seen, customer.Must(200, "GET", portal+"?code="+code+"&min_version=6", nil))
	for _, r := range seen {
		if strings.Contains(r.Raw, "INTERNAL-NOTE") || strings.Contains(r.Raw, "charged twice by our bug") {
			t.Fatalf("a customer's answer shows the internal note: %s", r.Raw)
		}
	}
	if !strings.Contains(seen[len(seen)-1].Raw, "请提供订单号") {
		t.Fatalf("the portal lacks the public reply: %s", seen[len(seen)-1].Raw)
	}
	customer.InvalidOnPurpose().Must(401, "GET", "/tickets/"+id+"/messages", nil)
	// The access code is no credential here: an unknown parameter of the route.
	customer.InvalidOnPurpose().Must(400, "GET", "/tickets/"+id+"/messages?code="+code, nil)
	as.Must(404, "GET", "/tickets/"+uuid.NewString()+"/messages", nil)
	as.InvalidOnPurpose().Must(422, "GET", "/tickets/"+id+"/messages?cursor=nope", nil)
}

// messageLines writes each item as kind|author kind|author id|author name|body.
func messageLines(items []any) []string {
	out := make([]string, len(items))
	for i, x := range items {
		m := x.(map[string]any)
		a := m["author"].(map[string]any)
		att, ok := m["attachments"].([]any)
		if !ok || len(att) != 0 {
			return []string{fmt.Sprintf("attachments %v", m["attachments"])}
		}
		out[i] = fmt.Sprintf("%v|%v|%v|%v|%v", m["kind"], a["kind"], a["id"], a["name"], m["body"])
	}
	return out
}

// testTicketList: GET /tickets finds closed tickets with filters and pages with the
// cursor, newest first; customer is a record (its id or any of its external ids), so
// tickets of two external ids with one email are one customer's, and an unconfirmed
// self-service ticket with that email is in no customer's list.
func testTicketList(c servicetest.Client, _ *service.Service) {
	t := c.T
	agentID := c.Must(201, "POST", "/agents", map[string]any{"name": "王芳", "email": "wang@example.com", "team": "support", "capacity": 5}).Body["id"].(string)
	var ids []string // in the order received
	for i, ch := range []string{"chat", "email", "web", "email"} {
		tk := map[string]any{"channel": ch, "subject": fmt.Sprintf("问题 %d", i), "body": "body",
			"customer": map[string]any{"id": fmt.Sprintf("cust-%d", i%2), "name": "客户", "email": "k@example.com", "tier": "core"}}
		ids = append(ids, c.Must(201, "POST", "/tickets", tk).Body["id"].(string))
	}
	c.Must(200, "POST", "/tickets/"+ids[1]+"/assign", map[string]any{"agent_id": agentID})
	c.Must(200, "POST", "/tickets/"+ids[1]+"/resolve", map[string]any{"resolution": "done"})
	c.Must(200, "POST", "/tickets/"+ids[1]+"/close", nil)
	list := func(query string) []string {
		t.Helper()
		var got []string
		path := "/tickets?" + query
		for n := 0; path != ""; n++ {
			page := c.Must(200, "GET", path, nil)
			items, _ := page.Body["items"].([]any)
			if n > 10 {
				t.Fatalf("%s: pages do not end", query)
			}
			for _, x := range items {
				got = append(got, x.(map[string]any)["id"].(string))
			}
			path = ""
			if next, ok := page.Body["next"].(string); ok {
				path = "/tickets?" + query + "&cursor=" + url.QueryEscape(next)
			}
		}
		return got
	}
	// Newest first, then id descending: tickets received in one millisecond go by id.
	created := map[string]string{}
	for _, id := range ids {
		created[id] = c.Must(200, "GET", "/tickets/"+id, nil).Body["created_at"].(string)
	}
	order := func(in ...string) []string {
		out := slices.Clone(in)
		slices.SortFunc(out, func(a, b string) int {
			if c := strings.Compare(created[b], created[a]); c != 0 {
				return c
			}
			return strings.Compare(b, a)
		})
		return out
	}
	newestFirst := order(ids...)
	record := c.Must(200, "GET", "/customers/cust-0", nil).Body["id"].(string)
	for query, want := range map[string][]string{
		"limit=1":                               newestFirst,
		"limit=2":                               newestFirst,
		"status=closed":                         {ids[1]},
		"status=closed&customer=cust-1":         {ids[1]},
		"status=closed&customer=cust-0":         {ids[1]}, // cust-0 and cust-1: one record (one email)
		"channel=email&limit=1":                 order(ids[3], ids[1]),
		"customer=cust-0&limit=1":               newestFirst,
		"customer=cust-1":                       newestFirst,
		"customer=" + record:                    newestFirst,
		"customer=nobody":                       nil,
		"customer=" + uuid.NewString():          nil,
		"assignee=" + agentID + "&team=support": {ids[1]},
		"tag=vip":                               nil,
		"from=2000-01-01T00:00:00Z&to=2100-01-01T00:00:00Z&limit=3": newestFirst,
		"to=2000-01-01T00:00:00Z":                                   nil,
	} {
		if got := list(query); strings.Join(got, ",") != strings.Join(want, ",") {
			t.Errorf("GET /tickets?%s: %v, want %v", query, got, want)
		}
	}
	// Self-service with the same email, the address not confirmed: in no record's list.
	servicetest.Client{T: t, Base: c.Base}.Must(201, "POST", "/portal/tickets", servicetest.SelfServiceTicket("K@example.com", "冒充"))
	if got := list("channel=web"); len(got) != 2 || !slices.Contains(got, ids[2]) {
		t.Fatalf("GET /tickets?channel=web: %v, want the self-service ticket and %s", got, ids[2])
	}
	for _, ref := range []string{"cust-0", record} {
		if got := list("customer=" + ref); !slices.Equal(got, newestFirst) {
			t.Fatalf("GET /tickets?customer=%s after a self-service ticket with the email: %v, want %v", ref, got, newestFirst)
		}
	}
	closed := c.Must(200, "GET", "/tickets?status=closed", nil)
	if !strings.Contains(closed.Raw, `"status":"closed"`) || !strings.Contains(closed.Raw, `"number":`) {
		t.Fatalf("a closed ticket as GET /tickets/{id} shows it: %s", closed.Raw)
	}
	testTicketSearch(t, c, list, ids)
	c.InvalidOnPurpose().Must(422, "GET", "/tickets?status=open", nil)
	c.InvalidOnPurpose().Must(422, "GET", "/tickets?cursor=nope", nil)
	servicetest.Client{T: t, Base: c.Base}.InvalidOnPurpose().Must(401, "GET", "/tickets", nil)
}

// testTicketSearch: GET /tickets?q= finds Chinese by a two-character word inside a
// sentence and English by its stem, keeps the other filters, pages through the ranked
// hits, and gives each item a highlighted snippet.
func testTicketSearch(t *testing.T, c servicetest.Client, list func(string) []string, ids []string) {
	t.Helper()
	customer := map[string]any{"id": "cust-search", "name": "客户", "email": "s@example.com", "tier": "core"}
	zh := c.Must(201, "POST", "/tickets", map[string]any{"channel": "email", "customer": customer,
		"subject": "抬头", "body": "上个月的发票抬头写错了"}).Body["id"].(string)
	en := c.Must(201, "POST", "/tickets", map[string]any{"channel": "web", "customer": customer,
		"subject": "billing", "body": "Two invoices were charged twice"}).Body["id"].(string)
	sorted := func(in []string) string { out := slices.Clone(in); slices.Sort(out); return strings.Join(out, ",") }
	for query, want := range map[string][]string{
		"q=" + url.QueryEscape("发票"):                    {zh},
		"q=invoice":                                     {en},
		"q=invoice&channel=email":                       nil,
		"q=" + url.QueryEscape("问题") + "&limit=1":       ids,
		"q=" + url.QueryEscape("问题") + "&status=closed": {ids[1]},
	} {
		if got := list(query); sorted(got) != sorted(want) {
			t.Errorf("GET /tickets?%s: %v, want %v", query, got, want)
		}
	}
	found := c.Must(200, "GET", "/tickets?q="+url.QueryEscape("发票"), nil)
	if !strings.Contains(found.Raw, `"snippet":"`) || !strings.Contains(found.Raw, "\u003cmark\u003e发票\u003c/mark\u003e") && !strings.Contains(found.Raw, "<mark>发票</mark>") {
		t.Errorf("no highlighted snippet: %s", found.Raw)
	}
	c.InvalidOnPurpose().Must(422, "GET", "/tickets?q=x&cursor=nope", nil)
}
