package hotissues_test

import (
	"context"
	"net/url"
	"testing"
	"time"

	"github.com/ticketengine/ticketengine/application"
	"github.com/ticketengine/ticketengine/application/hotissues"
	"github.com/ticketengine/ticketengine/cmd/internal/service"
	"github.com/ticketengine/ticketengine/cmd/internal/service/servicetest"
	"github.com/ticketengine/ticketengine/projections"
)

// TestHotReportOverHTTP: GET /reports/hot, as the document declares it, for supervisors,
// analysts and admins only: the period's spikes, top terms and top categories.
func TestHotReportOverHTTP(t *testing.T) {
	c, svc := servicetest.StartService(t, service.Config{EventStore: "memory:", Data: t.TempDir()})
	for i := range 4 {
		subject, category := "退款失败", "refunds"
		if i == 3 {
			subject, category = "invoices missing", "billing"
		}
		id := c.Must(201, "POST", "/tickets", map[string]any{"channel": "web", "subject": subject, "body": "订单退款失败，invoice",
			"customer": map[string]any{"name": "客户", "email": "hot@example.com", "tier": "standard"}}).Body["id"].(string)
		c.Must(200, "POST", "/tickets/"+id+"/classify", map[string]any{"category": category, "priority": "P3"})
	}
	m := hotissues.DefaultMethod()
	m.MinWeeks, m.MinCount, m.Z = 0, 3, 1 // a history of seconds: judge it against nothing
	d := &hotissues.Detector{Method: m, Tickets: projections.DetectorTickets{Service: svc.ReadSide}, Store: svc.Store, Clock: application.SystemClock{}}
	servicetest.WaitFor(t, 5*time.Second, "the spike of refunds", func() bool {
		_, err := d.Check(context.Background(), time.Now().Add(time.Second))
		if err != nil {
			t.Fatal(err)
		}
		return hotSpikes(t, svc.Store)["category:refunds"] == 1
	})
	tokens := map[string]string{}
	for _, role := range []string{"supervisor", "analyst", "auditor"} {
		tokens[role] = c.Must(201, "POST", "/tokens", map[string]any{"role": role, "subject": role + "-1"}).Body["token"].(string)
	}
	tokens["agent"] = c.Must(201, "POST", "/agents", map[string]any{"name": "Li", "email": "li@example.com", "team": "support",
		"skills": []string{}, "capacity": 5, "language": "zh"}).Body["token"].(string)
	q := "/reports/hot?from=" + url.QueryEscape(time.Now().Add(-2*time.Hour).Format(time.RFC3339))
	for role, want := range map[string]int{"supervisor": 200, "analyst": 200, "agent": 403, "auditor": 403} {
		servicetest.Client{T: t, Base: c.Base, Token: tokens[role]}.Must(want, "GET", q, nil)
	}
	r := c.Must(200, "GET", q, nil)
	spikes := r.Body["spikes"].([]any)
	cats := r.Body["top_categories"].([]any)
	terms := r.Body["top_terms"].([]any)
	first := func(xs []any, k string) any { return xs[0].(map[string]any)[k] }
	if len(spikes) == 0 || len(cats) != 2 || first(cats, "category") != "refunds" || first(cats, "count") != 3.0 ||
		len(terms) == 0 || first(terms, "count") != 4.0 {
		t.Fatalf("report %s", r.Raw)
	}
	c.Must(400, "GET", "/reports/hot?group_by=day", nil)
	c.Must(422, "GET", "/reports/hot?from=2026-12-02&to=2026-12-01", nil)
}
