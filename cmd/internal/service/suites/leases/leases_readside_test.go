package leases_test

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/adapters/lease/pglease"
	"github.com/ticketengine/ticketengine/application/command"
	"github.com/ticketengine/ticketengine/application/lease"
	"github.com/ticketengine/ticketengine/application/lease/leasetest"
	"github.com/ticketengine/ticketengine/cmd/internal/service"
	"github.com/ticketengine/ticketengine/cmd/internal/service/servicetest"
	"github.com/ticketengine/ticketengine/domain"
	"github.com/ticketengine/ticketengine/projections"
)

// holds reports whether someone holds the lease name in store (a probe that takes a free
// lease gives it back at once).
func holds(store lease.Store, name string) bool {
	e, err := store.Acquire(context.Background(), name, "probe", time.Second)
	if err == nil {
		_ = store.Release(context.Background(), name, "probe", e)
	}
	return errors.Is(err, lease.ErrHeld)
}

// committed is what a service's own engine has committed of each projection.
func committed(svc *service.Service) map[string]uint64 {
	out := map[string]uint64{}
	for _, p := range svc.ReadSide.Engine.Progress() {
		out[p.Name] = p.Committed
	}
	return out
}

// TestLeaseHandsTheSharedProjectorOver: two services on one PostgreSQL (events and read
// models). Only the holder of the lease "projector" writes the shared read models; the
// other serves reads from them, read-your-writes included (it waits for the shared
// checkpoint). When the holder is cut off from the lease store, the other takes the
// projector over from the shared checkpoints, and the first still answers its reads.
func TestLeaseHandsTheSharedProjectorOver(t *testing.T) {
	dsn := servicetest.FreshPostgresSchema(t)
	shared, err := pglease.Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = shared.Close() })
	dir := t.TempDir()
	node := func(name string) (*service.Service, *leasetest.Cuttable) {
		l := &leasetest.Cuttable{Store: shared}
		cfg := service.Config{EventStore: dsn, ReadModel: dsn, Data: filepath.Join(dir, name), LeaseTTL: time.Second, Leases: l,
			SecretKey: strings.Repeat("5e", 32), AdminToken: "adm_two_nodes_0123456789"}
		cfg.Policies.Disabled = true
		svc, _ := servicetest.RunService(t, cfg)
		return svc, l
	}
	a, aLeases := node("a")
	servicetest.WaitFor(t, 5*time.Second, "a projects", func() bool { return holds(shared, "projector") })
	b, _ := node("b")
	before := committed(b)

	id, version := receiveOn(t, b)
	readOwnWrite(t, b, id, version)
	readOwnWrite(t, a, id, version)
	servicetest.WaitFor(t, 10*time.Second, "b finds the ticket in the shared search index", func() bool {
		hits, err := b.ReadSide.SearchTickets(context.Background(), "zebrafish", false, 10)
		if err != nil {
			t.Fatal(err)
		}
		for _, h := range hits {
			if h.TicketID == id.String() {
				return true
			}
		}
		return false
	})
	if after := committed(b); !equal(after, before) {
		t.Fatalf("b, without the lease, committed %v (had %v)", after, before)
	}

	aLeases.Off.Store(true) // a dies, as b sees it
	id2, version2 := receiveOn(t, a)
	servicetest.WaitFor(t, 10*time.Second, "b projects after the hand-over", func() bool {
		return committed(b)[projections.Portal] > before[projections.Portal]
	})
	readOwnWrite(t, b, id2, version2)
	readOwnWrite(t, a, id2, version2) // a stands by now, and reads what b projects
	id3, version3 := receiveOn(t, a)
	readOwnWrite(t, a, id3, version3)
}

func receiveOn(t *testing.T, svc *service.Service) (uuid.UUID, int64) {
	t.Helper()
	res, err := svc.Commands.Receive.Handle(context.Background(), command.ReceiveTicket{Channel: domain.ChannelWeb, Subject: "Rechnung doppelt",
		Body:     "invoice charged twice, reference zebrafish",
		Customer: domain.Customer{Name: "Jürgen Groß", Email: "jg@example.de", Language: "en", Tier: domain.TierCore}}, command.CommandMeta{Actor: "admin"})
	if err != nil {
		t.Fatal(err)
	}
	return res.Ticket.ID, res.Ticket.Version
}

// readOwnWrite reads a ticket with min_version on svc, as a client after its write.
func readOwnWrite(t *testing.T, svc *service.Service, id uuid.UUID, version int64) {
	t.Helper()
	v, err := svc.ReadSide.Portal(context.Background(), id, version)
	if err != nil {
		t.Fatal(err)
	}
	if v.Version < version {
		t.Fatalf("read with min_version %d answered version %d", version, v.Version)
	}
}

func equal(a, b map[string]uint64) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}
