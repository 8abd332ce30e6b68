package mailbox_test

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ticketengine/ticketengine/adapters/imapmail/dovecottest"
	"github.com/ticketengine/ticketengine/adapters/lease/pglease"
	"github.com/ticketengine/ticketengine/application/eventlog"
	"github.com/ticketengine/ticketengine/application/lease/leasetest"
	"github.com/ticketengine/ticketengine/cmd/internal/service"
	"github.com/ticketengine/ticketengine/cmd/internal/service/servicetest"
	"github.com/ticketengine/ticketengine/domain"
)

// TestMailboxOnTwoNodes: two services on one PostgreSQL read one mailbox. Only the
// holder of the lease mailbox-help reads it; when it dies (its lease store cut off, as
// the other sees a dead node) the other takes over and reads the rest. Every mail is on a
// ticket exactly once.
func TestMailboxOnTwoNodes(t *testing.T) {
	const n, box = 200, "help@support.example.com"
	dsn := servicetest.FreshPostgresSchema(t)
	dc := dovecottest.Start(t)
	shared, err := pglease.Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = shared.Close() })
	dir := t.TempDir()
	node := func(name string) (*service.Service, *leasetest.Cuttable) {
		l := &leasetest.Cuttable{Store: shared}
		cfg := service.Config{EventStore: dsn, Data: filepath.Join(dir, name), LeaseTTL: time.Second, Leases: l,
			SecretKey: strings.Repeat("5e", 32), AdminToken: "adm_two_nodes_0123456789",
			Inbound: service.InboundConfig{Mailboxes: dc.URL(box, "name=help&rate=10000&poll=1s")}}
		svc, _ := servicetest.RunService(t, cfg)
		return svc, l
	}
	a, aLeases := node("a")
	b, _ := node("b")
	raws := make([][]byte, n)
	for i := range raws {
		raws[i] = []byte(fmt.Sprintf("From: n%03d@example.cn\nTo: %s\nSubject: node %03d\nMessage-ID: <node-%03d@example.cn>\n"+
			"Content-Type: text/plain; charset=utf-8\n\n第 %d 封。\n", i, box, i, i, i))
	}
	dc.Append(t, box, "INBOX", raws[:n/2]...)
	servicetest.WaitFor(t, 60*time.Second, "the first half seen", func() bool { _, seen := dc.Count(t, box, "INBOX"); return seen == n/2 })
	holder, other := a, b
	if mailboxEpoch(t, b) > 0 {
		holder, other = b, a
	}
	if mailboxEpoch(t, holder) < 1 || mailboxEpoch(t, other) != 0 {
		t.Fatalf("epochs %v and %v: one node should hold the mailbox", mailboxEpoch(t, a), mailboxEpoch(t, b))
	}
	if holder == a {
		aLeases.Off.Store(true)
	} else {
		t.Skip("b took the lease first; the hand-over is tested when a holds it") // rare: a starts first
	}
	dc.Append(t, box, "INBOX", raws[n/2:]...)
	servicetest.WaitFor(t, 90*time.Second, "every mail seen", func() bool { _, seen := dc.Count(t, box, "INBOX"); return seen == n })
	if mailboxEpoch(t, b) < 1 {
		t.Fatalf("b did not take the mailbox over")
	}
	recs, err := b.Store.ReadAll(context.Background(), 0, 100000)
	if err != nil {
		t.Fatal(err)
	}
	subjects := map[string]int{}
	for _, r := range recs {
		if r.Type == domain.TypeTicketReceived && strings.HasPrefix(r.Stream, eventlog.TicketStreamPrefix) {
			e, err := domain.DecodeTicketEvent(r.Type, r.Data)
			if err != nil {
				t.Fatal(err)
			}
			subjects[e.(domain.TicketReceived).Subject]++
		}
	}
	if len(subjects) != n {
		t.Fatalf("%d distinct tickets from %d mails", len(subjects), n)
	}
	for s, k := range subjects {
		if k != 1 {
			t.Fatalf("%q became %d tickets", s, k)
		}
	}
}

func mailboxEpoch(t *testing.T, s *service.Service) float64 {
	t.Helper()
	fams, err := s.Registry.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range fams {
		for _, m := range f.GetMetric() {
			if f.GetName() == "tickets_lease_epoch" && m.GetLabel()[0].GetValue() == "mailbox-help" {
				return m.GetGauge().GetValue()
			}
		}
	}
	return 0
}
