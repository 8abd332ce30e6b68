package knowledge_test

import (
	"strings"
	"testing"

	"github.com/ticketengine/ticketengine/cmd/internal/service"
	"github.com/ticketengine/ticketengine/cmd/internal/service/servicetest"
)

// TestKnowledgeBaseOnEmbedded and TestKnowledgeBaseOnPostgres: articles through the
// whole API (roles, workflow, If-Match, revisions, the portal), a draft from a resolved
// ticket, and a ticket's similar tickets and articles, on bleve with memory read models
// and on PostgreSQL read models with pgsearch.
func TestKnowledgeBaseOnEmbedded(t *testing.T) {
	c, _ := servicetest.StartService(t, service.Config{EventStore: "memory:", Data: t.TempDir()})
	testKnowledgeBase(c)
}

func TestKnowledgeBaseOnPostgres(t *testing.T) {
	c, _ := servicetest.StartService(t, servicetest.PostgresConfig(t))
	testKnowledgeBase(c)
}

var invoiceArticle = map[string]any{
	"title":    map[string]any{"zh": "如何开具发票", "en": "How to get an invoice"},
	"body":     map[string]any{"zh": "在**订单页**点击「申请发票」，填写抬头和税号。<script>alert(1)</script>", "en": "Open the order and choose *Request invoice*."},
	"category": "billing", "tags": []string{"Invoice"},
}

func testKnowledgeBase(c servicetest.Client) {
	t := c.T
	tokens := map[string]string{}
	for role, subject := range map[string]string{"supervisor": "lead-1", "auditor": "aud-1"} {
		tokens[role] = c.Must(201, "POST", "/tokens", map[string]any{"role": role, "subject": subject}).Body["token"].(string)
	}
	reg := c.Must(201, "POST", "/agents", map[string]any{"name": "刘洋", "email": "liu@example.com", "team": "support", "capacity": 5})
	agentID := reg.Body["id"].(string)
	tokens["agent"] = reg.Body["token"].(string)
	as := func(role string) servicetest.Client {
		return servicetest.Client{T: t, Base: c.Base, Token: tokens[role]}
	}
	agent, lead, portal := as("agent"), as("supervisor"), servicetest.Client{T: t, Base: c.Base}

	as("auditor").Must(403, "POST", "/articles", invoiceArticle)
	created := agent.Must(201, "POST", "/articles", invoiceArticle)
	id := created.Body["id"].(string)
	if created.Body["status"] != "draft" || created.Body["version"] != float64(0) || created.Body["revision"] != float64(1) ||
		created.Header.Get("Location") != "/articles/"+id || created.Body["author"] != "agent:"+agentID {
		t.Fatalf("created: %v %s", created.Header, created.Raw)
	}
	if html := created.Body["body_html"].(map[string]any)["zh"].(string); !strings.Contains(html, "<strong>订单页</strong>") || strings.Contains(html, "<script") {
		t.Fatalf("body_html: %q", html)
	}
	art := "/articles/" + id
	// A customer never sees a draft: the same 404 as an unknown id.
	draft404 := portal.Must(404, "GET", "/portal/"+art[1:], nil)
	unknown404 := portal.Must(404, "GET", "/portal/articles/00000000-0000-4000-8000-000000000000", nil)
	if draft404.Raw != unknown404.Raw {
		t.Fatalf("draft %s vs unknown %s", draft404.Raw, unknown404.Raw)
	}
	lead.Must(409, "POST", art+"/approve", nil)                          // still a draft
	agent.Must(412, "POST", art+"/submit", nil, "If-Match", `"5"`)       // stale
	agent.Must(200, "POST", art+"/submit", nil, "If-Match", `"0"`)       // in_review, version 1
	agent.Must(403, "POST", art+"/approve", nil)                         // agents never approve
	agent.Must(403, "POST", art+"/publish", nil)                         // nor publish
	approved := lead.Must(200, "POST", art+"/approve", map[string]any{}) // version 2
	if approved.Body["status"] != "approved" || approved.Body["approver"] != "supervisor:lead-1" {
		t.Fatalf("approved: %s", approved.Raw)
	}
	lead.Must(200, "POST", art+"/publish", nil)
	got := portal.Must(200, "GET", "/portal"+art, nil)
	if !strings.Contains(got.Raw, "如何开具发票") || strings.Contains(got.Raw, agentID) {
		t.Fatalf("portal article: %s", got.Raw)
	}
	if list := portal.Must(200, "GET", "/portal/articles?q=发票", nil); !strings.Contains(list.Raw, id) || !strings.Contains(list.Raw, `"score"`) {
		t.Fatalf("portal search 发票: %s", list.Raw)
	}
	if list := portal.Must(200, "GET", "/portal/articles?q=invoices", nil); !strings.Contains(list.Raw, id) {
		t.Fatalf("portal search invoices: %s", list.Raw)
	}
	if list := portal.Must(200, "GET", "/portal/articles?q=退款", nil); strings.Contains(list.Raw, id) {
		t.Fatalf("portal search 退款 found the invoice article: %s", list.Raw)
	}

	// Revising keeps the published revision live; nobody approves their own revision.
	rev := map[string]any{"title": map[string]any{"zh": "如何开具电子发票"}, "body": map[string]any{"zh": "新流程"}, "category": "billing"}
	lead.Must(412, "POST", art+"/revise", rev, "If-Match", `"1"`)
	revised := lead.Must(200, "POST", art+"/revise", rev, "If-Match", `"3"`)
	if revised.Body["status"] != "draft" || revised.Body["revision"] != float64(2) || revised.Body["live_revision"] != float64(1) {
		t.Fatalf("revised: %s", revised.Raw)
	}
	if got := portal.Must(200, "GET", "/portal"+art, nil); strings.Contains(got.Raw, "电子发票") {
		t.Fatalf("the draft revision went live: %s", got.Raw)
	}
	lead.Must(200, "POST", art+"/submit", nil)
	lead.Must(403, "POST", art+"/approve", nil) // lead-1 wrote revision 2
	c.Must(200, "POST", art+"/approve", nil)
	c.Must(200, "POST", art+"/publish", nil)
	if got := portal.Must(200, "GET", "/portal"+art, nil); !strings.Contains(got.Raw, "电子发票") {
		t.Fatalf("revision 2 not live: %s", got.Raw)
	}
	r1 := agent.Must(200, "GET", art+"/revisions/1", nil)
	if r1.Body["status"] != "superseded" || r1.Body["author"] != "agent:"+agentID || r1.Body["approver"] != "supervisor:lead-1" {
		t.Fatalf("revision 1: %s", r1.Raw)
	}
	agent.Must(404, "GET", art+"/revisions/3", nil)
	if list := as("auditor").Must(200, "GET", "/articles?status=published", nil); !strings.Contains(list.Raw, id) {
		t.Fatalf("staff list: %s", list.Raw)
	}
	c.InvalidOnPurpose().Must(422, "GET", "/articles?status=gone", nil)
	c.InvalidOnPurpose().Must(422, "POST", "/articles", map[string]any{"title": map[string]any{"zh": "x"}, "body": map[string]any{}})
	c.InvalidOnPurpose().Must(400, "POST", "/articles", map[string]any{"title": map[string]any{"zh": "x"}, "body": map[string]any{"zh": "y"}, "extra": 1})

	// A resolved ticket becomes a draft naming it; an open one cannot.
	refund := func(subject, body string) string {
		r := c.Must(201, "POST", "/tickets", map[string]any{"channel": "web", "subject": subject, "body": body,
			"customer": map[string]any{"name": "王芳", "email": "wang@example.com", "tier": "core", "language": "zh"}})
		return r.Body["id"].(string)
	}
	old := refund("退款一直没有到账", "上周申请的退款还没到账，订单号 8812")
	c.Must(200, "POST", "/tickets/"+old+"/assign", map[string]any{"agent_id": agentID})
	agent.Must(409, "POST", "/tickets/"+old+"/article", nil)
	agent.Must(200, "POST", "/tickets/"+old+"/replies", map[string]any{"body": "退款已原路退回，3 个工作日内到账。"})
	agent.Must(200, "POST", "/tickets/"+old+"/resolve", map[string]any{"resolution": "财务已重新发起退款"})
	fromTicket := agent.Must(201, "POST", "/tickets/"+old+"/article", nil)
	if fromTicket.Body["status"] != "draft" || !strings.Contains(fromTicket.Raw, old) ||
		!strings.Contains(fromTicket.Raw, "退款已原路退回") || !strings.Contains(fromTicket.Raw, "财务已重新发起退款") ||
		fromTicket.Body["title"].(map[string]any)["zh"] != "退款一直没有到账" {
		t.Fatalf("article from ticket: %s", fromTicket.Raw)
	}
	agent.Must(404, "POST", "/tickets/00000000-0000-4000-8000-000000000000/article", nil)

	// Similar: the resolved refund ticket and, once published, the refund article; never
	// the ticket itself, never an open ticket.
	fromID := fromTicket.Body["id"].(string)
	agent.Must(200, "POST", "/articles/"+fromID+"/submit", nil)
	lead.Must(200, "POST", "/articles/"+fromID+"/approve", nil)
	lead.Must(200, "POST", "/articles/"+fromID+"/publish", nil)
	other := refund("退款没到账怎么办", "我的退款还没有到账")
	now := refund("发票抬头写错了", "需要重新开发票")
	sim := as("auditor").Must(200, "GET", "/tickets/"+other+"/similar", nil)
	tickets, articles := sim.Body["tickets"].([]any), sim.Body["articles"].([]any)
	if len(tickets) == 0 || tickets[0].(map[string]any)["id"] != old || strings.Contains(sim.Raw, `"id":"`+other+`"`) || strings.Contains(sim.Raw, now) {
		t.Fatalf("similar tickets of %s: %s", other, sim.Raw)
	}
	if len(articles) == 0 || articles[0].(map[string]any)["id"] != fromID {
		t.Fatalf("similar articles of %s: %s", other, sim.Raw)
	}
	inv := agent.Must(200, "GET", "/tickets/"+now+"/similar?limit=3", nil)
	if arts := inv.Body["articles"].([]any); len(arts) == 0 || arts[0].(map[string]any)["id"] != id {
		t.Fatalf("similar articles of the invoice ticket: %s", inv.Raw)
	}
	c.InvalidOnPurpose().Must(422, "GET", "/tickets/"+now+"/similar?limit=99", nil)
	c.Must(404, "GET", "/tickets/00000000-0000-4000-8000-000000000000/similar", nil)
	// The KPI report carries deflections by day and by category, not by the other groupings.
	if kpi := c.Must(200, "GET", "/reports/kpi?from=2000-01-01&to=2100-01-01&group_by=category", nil); !strings.Contains(kpi.Raw, `"deflections":0`) {
		t.Fatalf("kpi by category: %s", kpi.Raw)
	}
	if kpi := c.Must(200, "GET", "/reports/kpi?from=2000-01-01&to=2100-01-01&group_by=channel", nil); strings.Contains(kpi.Raw, "deflections") {
		t.Fatalf("kpi by channel: %s", kpi.Raw)
	}
	lead.Must(200, "POST", art+"/archive", nil)
	portal.Must(404, "GET", "/portal"+art, nil)
	lead.Must(409, "POST", art+"/archive", nil)
}
