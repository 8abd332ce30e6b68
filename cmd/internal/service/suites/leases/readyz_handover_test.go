package leases_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ticketengine/ticketengine/adapters/lease/pglease"
	"github.com/ticketengine/ticketengine/adapters/postgrestest"
	"github.com/ticketengine/ticketengine/application/command"
	"github.com/ticketengine/ticketengine/application/lease/leasetest"
	"github.com/ticketengine/ticketengine/application/testio"
	"github.com/ticketengine/ticketengine/cmd/internal/service"
	"github.com/ticketengine/ticketengine/cmd/internal/service/servicetest"
	"github.com/ticketengine/ticketengine/domain"
)

// readyNode builds and starts a service; stop ends it (also at the test's end). Unlike
// servicetest.RunService it takes no error from Close: a node cut off from its leases
// cannot release them, which is what the test means it to do.
func readyNode(t *testing.T, cfg service.Config, log *slog.Logger) (svc *service.Service, stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	svc, err := service.Build(ctx, cfg, log)
	if err != nil {
		cancel()
		t.Fatalf("the engine does not start: %v", err)
	}
	svc.Start(ctx)
	var once sync.Once
	stop = func() {
		once.Do(func() {
			cancel()
			svc.Wait()
			_ = svc.Close() // a node cut off from its leases cannot release them: expected
		})
	}
	t.Cleanup(stop)
	return svc, stop
}

// readyz is a node's /readyz answer: its status and the shared read models it names as
// stale.
type readyz struct {
	code   int
	body   string
	header http.Header
	shared int
}

func readyzOf(svc *service.Service) readyz {
	rec := httptest.NewRecorder()
	svc.HTTP.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/readyz", nil))
	var body struct {
		SharedLag []json.RawMessage `json:"shared_lag"`
	}
	_ = json.Unmarshal(rec.Body.Bytes(), &body)
	return readyz{code: rec.Code, body: rec.Body.String(), header: rec.Header(), shared: len(body.SharedLag)}
}

// readyContract holds a /readyz answer to docs/openapi.yaml.
func readyContract(t *testing.T, r readyz) {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, "/readyz", nil)
	if _, err := servicetest.CheckExchange(req, nil, false, r.code, r.header, []byte(r.body)); err != nil {
		t.Errorf("/readyz answer %s against docs/openapi.yaml: %v", r.body, err)
	}
}

// TestANodeWithoutTheProjectorStaysReadyWhileItsHolderDies: two nodes on one PostgreSQL
// (events and shared read models). The holder of the lease "projector" dies (cut off from
// the leases, then stopped, so its lease only expires); tickets keep coming in on the
// other node, so the shared read models fall behind beyond the readiness bound until that
// node takes the projector over. Its /readyz answers 200 all along, naming the stale read
// models in "shared_lag" meanwhile, and nothing once it has caught up: a load balancer
// keeps it in service through the hand-over.
func TestANodeWithoutTheProjectorStaysReadyWhileItsHolderDies(t *testing.T) {
	dsn := postgrestest.FreshSchema(t, "t_ready_")
	shared, err := pglease.Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = shared.Close() })
	dir := t.TempDir()
	var logs testio.SyncBuffer           // both nodes' logs, for a failure's message
	const bound = 300 * time.Millisecond // the readiness bound: the hand-over (≈ TTL) is far longer
	node := func(name string) (*service.Service, *leasetest.Cuttable, func()) {
		l := &leasetest.Cuttable{Store: shared}
		cfg := service.Config{EventStore: dsn, ReadModel: dsn, Data: filepath.Join(dir, name), LeaseTTL: 2 * time.Second,
			Leases: l, MaxReadyLag: bound, SecretKey: strings.Repeat("5e", 32), AdminToken: "adm_ready_nodes_0123456789"}
		cfg.Policies.Disabled = true
		svc, stop := readyNode(t, cfg, slog.New(slog.NewTextHandler(&logs, nil)).With("node", name))
		return svc, l, stop
	}
	a, aLeases, stopA := node("a")
	servicetest.WaitFor(t, 10*time.Second, "a projects", func() bool { return holds(shared, "projector") })
	b, _, _ := node("b")
	servicetest.WaitFor(t, 10*time.Second, "b ready", func() bool { return readyzOf(b).code == http.StatusOK })
	if r := readyzOf(a); r.code != http.StatusOK {
		t.Fatalf("a, holding the projector: %d %s", r.code, r.body)
	}

	var (
		mu      sync.Mutex
		answers []readyz
	)
	done := make(chan struct{})
	polled := make(chan struct{})
	go func() { // b's readiness every 20 ms, as a load balancer's health check
		defer close(polled)
		for {
			r := readyzOf(b)
			if r.code != http.StatusOK {
				r.body += fmt.Sprintf("; at %s, then: %s", time.Now().Format("15:04:05.000"), behind(b, 0))
			}
			mu.Lock()
			answers = append(answers, r)
			mu.Unlock()
			select {
			case <-done:
				return
			case <-time.After(20 * time.Millisecond):
			}
		}
	}()

	aLeases.Off.Store(true) // a dies, as b sees it: its lease expires after the TTL
	fmt.Fprintf(&logs, "%s test: a cut off\n", time.Now().Format("15:04:05.000"))
	stopA()
	fmt.Fprintf(&logs, "%s test: a stopped\n", time.Now().Format("15:04:05.000"))
	for range 3 {
		_, err := b.Commands.Receive.Handle(context.Background(), command.ReceiveTicket{Channel: domain.ChannelWeb,
			Subject: "就绪检查", Body: "readiness across a hand-over",
			Customer: domain.Customer{Name: "李娜", Email: "lina@example.com", Language: "zh", Tier: domain.TierCore}},
			command.CommandMeta{Actor: "admin"})
		if err != nil {
			t.Fatal(err)
		}
	}
	stale := func() bool {
		mu.Lock()
		defer mu.Unlock()
		for _, r := range answers {
			if r.code != http.StatusOK {
				t.Fatalf("b's /readyz answered %d during the hand-over: %s; now: %s\nlogs:\n%s", r.code, r.body, behind(b, 0), logs.String())
			}
			if r.shared > 0 {
				return true
			}
		}
		return false
	}
	servicetest.WaitFor(t, 5*time.Second, "b's /readyz names the shared read models as behind", stale)
	servicetest.WaitFor(t, 15*time.Second, "b takes the projector over and catches up", func() bool {
		lags, err := b.ReadSide.Lag(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range lags {
			if l.Seconds > 0 {
				return false
			}
		}
		return true
	})
	time.Sleep(500 * time.Millisecond) // b projecting, caught up: its own lag counts now
	close(done)
	<-polled

	mu.Lock()
	defer mu.Unlock()
	for _, r := range answers {
		if r.code != http.StatusOK {
			t.Fatalf("b's /readyz answered %d during the hand-over: %s; now: %s\nlogs:\n%s", r.code, r.body, behind(b, 0), logs.String())
		}
	}
	if r := answers[len(answers)-1]; r.shared != 0 {
		t.Fatalf("b, projecting and caught up, still names stale read models: %s", r.body)
	}
	for _, r := range answers {
		if r.shared > 0 {
			readyContract(t, r)
			break
		}
	}
	t.Logf("%d answers from b's /readyz, all 200", len(answers))
}

// behind says, for a failure's message, where b's read models stand and which events
// lie past the lowest of their checkpoints (type, position, when they occurred).
func behind(b *service.Service, from uint64) string {
	ctx := context.Background()
	lags, err := b.ReadSide.Lag(ctx)
	if err != nil {
		return err.Error()
	}
	low := ^uint64(0)
	for _, l := range lags {
		low = min(low, l.Position)
	}
	low = min(low, from)
	recs, err := b.Store.ReadAll(ctx, low, 20)
	if err != nil {
		return err.Error()
	}
	out := fmt.Sprintf("lags %+v; events past %d:", lags, low)
	for _, r := range recs {
		out += fmt.Sprintf(" %s@%d(%s, occurred %s)", r.Type, r.Position, r.Stream, r.Meta.OccurredAt.Format("15:04:05.000"))
	}
	return out
}
