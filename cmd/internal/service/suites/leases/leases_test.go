package leases_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/ticketengine/ticketengine/adapters/eventstore/esdb"
	"github.com/ticketengine/ticketengine/adapters/eventstore/esdb/esdbtest"
	"github.com/ticketengine/ticketengine/adapters/lease/pglease"
	"github.com/ticketengine/ticketengine/application/command"
	"github.com/ticketengine/ticketengine/application/eventlog"
	"github.com/ticketengine/ticketengine/application/lease"
	"github.com/ticketengine/ticketengine/application/lease/leasetest"
	"github.com/ticketengine/ticketengine/application/policy"
	"github.com/ticketengine/ticketengine/cmd/internal/service"
	"github.com/ticketengine/ticketengine/cmd/internal/service/servicetest"
	"github.com/ticketengine/ticketengine/domain"
)

// gauge reads one of a service's counters from its metrics registry.
func gauge(t *testing.T, reg *prometheus.Registry, name string) float64 {
	t.Helper()
	fams, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range fams {
		if f.GetName() == name {
			return f.GetMetric()[0].GetCounter().GetValue()
		}
	}
	t.Fatalf("no metric %s", name)
	return 0
}

// The SLA monitor's hand-over on each shared store: PostgreSQL (the table leases) and
// the EventStoreDB protocol server (a stream per lease).
func TestLeaseHandsTheSLAMonitorOverOnPostgres(t *testing.T) {
	dsn := servicetest.FreshPostgresSchema(t)
	shared, err := pglease.Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = shared.Close() })
	leaseHandOver(t, dsn, shared)
}

func TestLeaseHandsTheSLAMonitorOverOnEventStoreDB(t *testing.T) {
	conn := esdbtest.Start(t).ConnectionString()
	es, err := esdb.Open(context.Background(), conn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = es.Close() })
	leaseHandOver(t, conn, es.Leases())
	// a's policies saved the view's checkpoint on the way out, in the shared server, for
	// the next leader to start from (policy/checkpoint.go, esdb/checkpoints.go).
	servicetest.WaitFor(t, 5*time.Second, "the policy view's checkpoint", func() bool {
		pos, state, err := es.Checkpoints().LoadCheckpoint(context.Background(), policy.ViewCheckpoint)
		return err == nil && pos > 0 && len(state) > 0
	})
}

// leaseHandOver: two services on one event store; only the one holding the lease runs
// the SLA monitor (it records the warning). When it loses the lease store (dies, as the
// other sees it), the other takes the lease over within about a TTL and records the
// breach; the warning, the breach and its escalation are recorded once each.
func leaseHandOver(t *testing.T, eventStore string, shared lease.Store) {
	dir := t.TempDir()
	policyFile := filepath.Join(dir, "policy.yaml")
	if err := os.WriteFile(policyFile, []byte(slowerPolicyYAML), 0o600); err != nil {
		t.Fatal(err)
	}
	const ttl = time.Second
	node := func(name string) (*service.Service, *leasetest.Cuttable) {
		l := &leasetest.Cuttable{Store: shared}
		cfg := service.Config{EventStore: eventStore, Data: filepath.Join(dir, name), SLAPolicy: policyFile, LeaseTTL: ttl, Leases: l,
			SecretKey: strings.Repeat("5e", 32), AdminToken: "adm_two_nodes_0123456789"}
		cfg.Policies.Routing = true
		svc, _ := servicetest.RunService(t, cfg)
		return svc, l
	}
	a, aLeases := node("a")
	servicetest.WaitFor(t, 5*time.Second, "a holds the lease", func() bool {
		e, err := shared.Acquire(context.Background(), "policies", "probe", ttl)
		if err == nil { // free: give it back at once
			_ = shared.Release(context.Background(), "policies", "probe", e)
		}
		return errors.Is(err, lease.ErrHeld)
	})
	b, _ := node("b")
	id := vipP1Ticket(t, b) // commands on the node without the lease work as anywhere
	servicetest.WaitFor(t, 5*time.Second, "warning", func() bool { return servicetest.CountTypes(t, b.Store, id)[domain.TypeSLAWarningIssued] > 0 })
	if e := leaseEpoch(t, a.Registry); e < 1 {
		t.Fatalf("the leaseholder's tickets_lease_epoch is %v", e)
	}
	if e := leaseEpoch(t, b.Registry); e != 0 {
		t.Fatalf("the other's tickets_lease_epoch is %v, want 0", e)
	}
	if w := gauge(t, a.Registry, "tickets_sla_warnings_total"); w != 1 {
		t.Fatalf("the leaseholder recorded %v warnings, want 1", w)
	}
	aLeases.Off.Store(true)
	servicetest.WaitFor(t, 10*time.Second, "escalation after the hand-over", func() bool {
		return servicetest.CountTypes(t, b.Store, id)[domain.TypeTicketEscalated] > 0
	})
	time.Sleep(ttl) // anything recorded twice would be by now
	n := servicetest.CountTypes(t, a.Store, id)
	if n[domain.TypeSLABreached] != 1 || n[domain.TypeTicketEscalated] != 1 || n[domain.TypeSLAWarningIssued] != 1 {
		t.Fatalf("events %v: want one warning, one breach, one escalation", n)
	}
	if ab, bb := gauge(t, a.Registry, "tickets_sla_breaches_total"), gauge(t, b.Registry, "tickets_sla_breaches_total"); ab != 0 || bb != 1 {
		t.Fatalf("breaches recorded by a: %v, by b: %v; want the new leaseholder b alone", ab, bb)
	}
	if ea, eb := leaseEpoch(t, a.Registry), leaseEpoch(t, b.Registry); ea != 0 || eb < 2 {
		t.Fatalf("tickets_lease_epoch after the hand-over: a %v, b %v", ea, eb)
	}
	if w := gauge(t, b.Registry, "tickets_sla_warnings_total"); w != 0 {
		t.Fatalf("b recorded %v warnings while a held the lease", w)
	}
	// The epoch travels with what the leaseholder appended: the warning under a's, the
	// breach and escalation under b's, greater (read back through the store).
	recs, err := a.Store.ReadStream(context.Background(), eventlog.TicketStream(id))
	if err != nil {
		t.Fatal(err)
	}
	epochs := map[string]uint64{}
	for _, r := range recs {
		epochs[r.Type] = r.Meta.LeaseEpoch
	}
	if w, br, es := epochs[domain.TypeSLAWarningIssued], epochs[domain.TypeSLABreached], epochs[domain.TypeTicketEscalated]; w == 0 || br <= w || es != br {
		t.Fatalf("lease epochs of warning, breach, escalation: %d, %d, %d; want the warning's under a, the others' under b's greater one", w, br, es)
	}
	if epochs[domain.TypeTicketReceived] != 0 {
		t.Fatalf("a client's command carries lease epoch %d", epochs[domain.TypeTicketReceived])
	}
}

// slowerPolicyYAML: a VIP P1's warning at 2 s, its breach at 4 s: time for a TTL of 1 s
// to pass between them.
const slowerPolicyYAML = `
warning_share: 0.5
escalation_team: escalations
targets:
  vip:
    P1: {first_response: 4s, resolution: 1h}
`

func vipP1Ticket(t *testing.T, svc *service.Service) uuid.UUID {
	t.Helper()
	ctx := context.Background()
	admin := command.CommandMeta{Actor: "admin"}
	res, err := svc.Commands.Receive.Handle(ctx, command.ReceiveTicket{Channel: domain.ChannelWeb, Subject: "支付失败",
		Customer: domain.Customer{Name: "王芳", Email: "wang@example.com", Tier: domain.TierVIP, Language: "zh"}}, admin)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Commands.Classify.Handle(ctx, command.ClassifyTicket{TicketID: res.Ticket.ID,
		ClassifyTicket: domain.ClassifyTicket{Category: "payments", Priority: domain.P1}}, admin); err != nil {
		t.Fatal(err)
	}
	return res.Ticket.ID
}

// leaseEpoch reads a service's tickets_lease_epoch of the policies' lease (0 when absent).
func leaseEpoch(t *testing.T, reg *prometheus.Registry) float64 {
	t.Helper()
	fams, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range fams {
		for _, m := range f.GetMetric() {
			if f.GetName() == "tickets_lease_epoch" && m.GetLabel()[0].GetValue() == "policies" {
				return m.GetGauge().GetValue()
			}
		}
	}
	return 0
}
