package clustertest

import (
	"context"
	"encoding/json"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/ticketengine/ticketengine/adapters/postgrestest"
	"github.com/ticketengine/ticketengine/adapters/readmodel/pgreadmodel"
	"github.com/ticketengine/ticketengine/application/eventlog"
	"github.com/ticketengine/ticketengine/projections"
)

// checkRebuild: the read models the three nodes kept while they were killed and
// restarted equal a rebuild from the event store (ticketctl rebuild all into a fresh
// schema): every projection's rows, and checkpoints past every event they read.
func (c *cluster) checkRebuild(t *testing.T, h history) {
	fresh := postgrestest.FreshSchema(t, "cluster_rebuilt_")
	cmd := exec.Command(filepath.Join(c.bin, "ticketctl"), "rebuild", "all", "--eventstore", c.dsn, "--readmodel", fresh,
		"--data", filepath.Join(c.dir, "ticketctl-data"))
	cmd.Env = nodeEnv("TICKETS_ADMIN_TOKEN="+adminToken, "TICKETS_SECRET_KEY="+secretKey)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("ticketctl rebuild all: %v\n%s", err, out)
	}
	live, rebuilt := readModels(t, c.dsn), readModels(t, fresh)
	ctx := context.Background()
	for _, name := range projections.Names() {
		lc, err := live.Checkpoint(ctx, name)
		if err != nil {
			t.Fatal(err)
		}
		rc, err := rebuilt.Checkpoint(ctx, name)
		if err != nil {
			t.Fatal(err)
		}
		// The rebuild read to the head; the live projections must have read at least every
		// event of the streams projections read. The engine's own bookkeeping (a webhook
		// checkpoint, a mail's record) appended as the last node stopped may be after it.
		if rc != h.head() || lc < h.lastProjected() || lc > rc {
			t.Errorf("%s: the live checkpoint is %d, the rebuild's %d; the store's head %d, its last projected event %d", name, lc, rc, h.head(), h.lastProjected())
		}
		a, b := rowsJSON(t, live, name), rowsJSON(t, rebuilt, name)
		if a != b {
			t.Errorf("%s: the live rows differ from the rebuild's:\n%s", name, firstDiff(a, b))
		}
	}
}

// projected are the kinds of stream the projections read (projections.Kind).
var projected = []string{eventlog.TicketStreamPrefix, eventlog.AgentStreamPrefix, eventlog.TokenStreamPrefix, eventlog.CustomerStreamPrefix}

func (h history) head() uint64 {
	if len(h.all) == 0 {
		return 0
	}
	return h.all[len(h.all)-1].Position
}

// lastProjected is the position of the last event of a stream some projection reads.
func (h history) lastProjected() uint64 {
	for i := len(h.all) - 1; i >= 0; i-- {
		for _, p := range projected {
			if strings.HasPrefix(h.all[i].Stream, p) {
				return h.all[i].Position
			}
		}
	}
	return 0
}

func readModels(t *testing.T, dsn string) *pgreadmodel.Store {
	t.Helper()
	pool, err := pgxpool.New(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	s, err := pgreadmodel.New(context.Background(), pool)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func rowsJSON(t *testing.T, s *pgreadmodel.Store, name string) string {
	t.Helper()
	rows, err := s.Rows(context.Background(), name)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	b, err := json.MarshalIndent(rows, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func firstDiff(a, b string) string {
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	lo := max(0, i-300)
	return "live:    …" + a[lo:min(len(a), i+200)] + "\nrebuilt: …" + b[lo:min(len(b), i+200)]
}
