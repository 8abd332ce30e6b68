package httpapi_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/ticketengine/ticketengine/application/access"
	"github.com/ticketengine/ticketengine/domain"
	"github.com/ticketengine/ticketengine/projections"
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
	if code, _, body := e.do(t, "GET", "/queues", access.RoleSupervisor); code != 200 || !strings.Contains(body, after.Ticket.ID.String()) {
		t.Fatalf("queue after a skipped event: %d %s", code, body)
	}
	want := map[string]int{} // every projection of tickets skipped it once
	for _, p := range projections.Catalogue() {
		if p.Reads() == projections.TicketStreams {
			want[p.Name()] = 1
		}
	}
	failures, err := json.Marshal(want)
	if err != nil || len(want) < 3 {
		t.Fatalf("projections of tickets %v (%v)", want, err)
	}
	code, _, body := e.do(t, "GET", "/readyz", "")
	if code != 200 || !strings.Contains(body, `"projection_failures":`+string(failures)) {
		t.Fatalf("readyz: %d %s", code, body)
	}
	_, _, metrics := e.do(t, "GET", "/metrics", "")
	for _, want := range []string{`tickets_projection_failures_total{projection="portal"} 1`, `tickets_projection_failures_total{projection="agents"} 0`} {
		if !strings.Contains(metrics, want) {
			t.Fatalf("metrics lack %s:\n%.3000s", want, metrics)
		}
	}
}
