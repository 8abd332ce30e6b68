package policy_test

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/application/eventlog"
	"github.com/ticketengine/ticketengine/application/hotissues"
	"github.com/ticketengine/ticketengine/application/policy"
	"github.com/ticketengine/ticketengine/domain"
)

// A spike is mailed once to each supervisor of the teams behind it (one mail for a
// supervisor of two teams), in their language, with a stable Message-ID, the spike's
// reference in the subject and desk links to its tickets.
func TestHotIssueIsMailedToTheTeamsSupervisorsOnce(t *testing.T) {
	store := newStore()
	box := &outbox{}
	mails := notifier(store, box)
	sup := &supervisors{}
	mails.SetStaff(sup)
	startNode(t, store, policy.Options{Notifier: mails, Policy: domain.DefaultSLAPolicy()})
	ticket := uuid.New()
	e := hotissues.Detected{Series: "term:退款", WindowStart: time.Now().Add(-time.Hour).UTC().Truncate(time.Second),
		WindowEnd: time.Now().UTC(), Count: 30, Baseline: 1.5, Threshold: 10, Tickets: []uuid.UUID{ticket}, Teams: []string{"billing", "support"}}
	data, err := json.Marshal(e)
	if err != nil {
		t.Fatal(err)
	}
	id := hotissues.SpikeID(e.Series, e.WindowEnd)
	rec := []eventlog.Record{{ID: uuid.New(), Stream: hotissues.Stream(id), Type: hotissues.TypeDetected, Data: data,
		Meta: eventlog.Metadata{Actor: "system", OccurredAt: eventlog.Truncate(time.Now())}}}
	if err := eventlog.Seal("", rec); err != nil {
		t.Fatal(err)
	}
	if _, err := store.Append(context.Background(), rec[0].Stream, eventlog.NoStream, rec); err != nil {
		t.Fatal(err)
	}
	eventually(t, 5*time.Second, "the hot-issue mail", func() bool { return box.count("sup@example.com", "热点问题") == 1 })
	time.Sleep(300 * time.Millisecond) // a second mail to the same supervisor would have come by now
	got := box.find("sup@example.com", "热点问题")
	if len(got) != 1 || box.duplicates() != 0 {
		t.Fatalf("%d mails to the supervisor of both teams, want 1", len(got))
	}
	m := got[0]
	ref := "HOT-" + strings.ToUpper(strings.ReplaceAll(id.String(), "-", "")[:8])
	if !strings.Contains(m.Subject, ref) || !strings.Contains(m.Subject, "term:退款") || !strings.Contains(m.Body, "30 个工单") ||
		!strings.Contains(m.Body, "https://desk.example/desk/tickets/"+ticket.String()) || !strings.HasSuffix(m.MessageID, "@example.com>") {
		t.Fatalf("mail %q:\n%s", m.Subject, m.Body)
	}
	sup.mu.Lock()
	defer sup.mu.Unlock()
	if !slices.Equal(sup.teams, []string{"billing", "support"}) {
		t.Fatalf("supervisors asked of %v", sup.teams)
	}
}
