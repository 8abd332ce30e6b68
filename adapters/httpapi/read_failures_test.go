package httpapi_test

import (
	"strings"
	"testing"

	"github.com/ticketengine/ticketengine/application"
	"github.com/ticketengine/ticketengine/domain"
)

// TestSkippedEventIsReported: a record the projections cannot decode (written by another
// version, or imported) is skipped on the live path; the ticket received after it is in
// /queues, /readyz stays 200 and names the failures per projection, and the counter
// tickets_projection_failures_total counts them.
func TestSkippedEventIsReported(t *testing.T) {
	e := newReadEnv(t)
	tk := e.w.Receive(t, domain.TierCore, domain.ChannelWeb, "before", "body")
	e.w.AppendRaw(t, tk.Ticket.ID, domain.TypeCustomerReplied, `{"body":42}`)
	after := e.w.Receive(t, domain.TierVIP, domain.ChannelEmail, "after", "body")
	// A list read waits for what was stored when it came: both records are applied.
	if code, _, body := e.do(t, "GET", "/queues", application.RoleSupervisor); code != 200 || !strings.Contains(body, after.Ticket.ID.String()) {
		t.Fatalf("queue after a skipped event: %d %s", code, body)
	}
	code, _, body := e.do(t, "GET", "/readyz", "")
	if code != 200 || !strings.Contains(body, `"projection_failures":{"kpi":1,"portal":1,"queues":1}`) {
		t.Fatalf("readyz: %d %s", code, body)
	}
	_, _, metrics := e.do(t, "GET", "/metrics", "")
	for _, want := range []string{`tickets_projection_failures_total{projection="portal"} 1`, `tickets_projection_failures_total{projection="agents"} 0`} {
		if !strings.Contains(metrics, want) {
			t.Fatalf("metrics lack %s:\n%.3000s", want, metrics)
		}
	}
}
