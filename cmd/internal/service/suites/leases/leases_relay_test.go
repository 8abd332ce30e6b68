package leases_test

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ticketengine/ticketengine/adapters/lease/pglease"
	"github.com/ticketengine/ticketengine/application/lease/leasetest"
	"github.com/ticketengine/ticketengine/cmd/internal/service"
	"github.com/ticketengine/ticketengine/cmd/internal/service/servicetest"
)

// natsServer starts a JetStream server of the test's own on port (this package's tests
// use 18240-18249), so that no other test's records share its stream; skipped when
// nats-server is not installed (failed under CI=true).
func natsServer(t *testing.T, port int) string {
	t.Helper()
	bin, err := exec.LookPath("nats-server")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("nats-server not installed")
		}
		t.Skip("nats-server not installed")
	}
	cmd := exec.Command(bin, "-a", "127.0.0.1", "-p", fmt.Sprint(port), "-js", "-sd", t.TempDir())
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	servicetest.WaitFor(t, 10*time.Second, "nats-server listening", func() bool {
		c, err := net.Dial("tcp", addr)
		if err == nil {
			_ = c.Close()
		}
		return err == nil
	})
	return "nats://" + addr
}

// TestLeaseHandsTheRelayOver: two services on one PostgreSQL event store, with read models
// in memory (each node projects its own) fed over one JetStream. Only the holder of the
// lease "relay" publishes the store into the bus; both nodes' read models follow it, and
// answer read-your-writes. When the holder is cut off from the lease store, the other
// relays from where the bus stands, and both read models keep following.
func TestLeaseHandsTheRelayOver(t *testing.T) {
	bus := natsServer(t, 18241)
	dsn := servicetest.FreshPostgresSchema(t)
	shared, err := pglease.Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = shared.Close() })
	dir := t.TempDir()
	node := func(name string) (*service.Service, *leasetest.Cuttable) {
		l := &leasetest.Cuttable{Store: shared}
		cfg := service.Config{EventStore: dsn, PubSub: bus, Search: service.SearchOff, Data: filepath.Join(dir, name), LeaseTTL: time.Second, Leases: l,
			SecretKey: strings.Repeat("5e", 32), AdminToken: "adm_two_nodes_0123456789"}
		cfg.Policies.Disabled = true
		svc, _ := servicetest.RunService(t, cfg)
		return svc, l
	}
	a, aLeases := node("a")
	servicetest.WaitFor(t, 5*time.Second, "a relays", func() bool { return holds(shared, "relay") })
	b, _ := node("b")
	for _, on := range []*service.Service{a, b} {
		id, version := receiveOn(t, on)
		readOwnWrite(t, a, id, version)
		readOwnWrite(t, b, id, version)
	}
	aLeases.Off.Store(true) // a dies, as b sees it
	time.Sleep(2 * time.Second)
	for _, on := range []*service.Service{a, b} {
		id, version := receiveOn(t, on)
		servicetest.WaitFor(t, 10*time.Second, "both read models follow after the hand-over", func() bool {
			va, erra := a.ReadSide.Portal(context.Background(), id, version)
			vb, errb := b.ReadSide.Portal(context.Background(), id, version)
			return erra == nil && errb == nil && va.Version >= version && vb.Version >= version
		})
	}
}
