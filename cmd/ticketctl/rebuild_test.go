package main

import (
	"context"
	"strings"
	"testing"

	"github.com/ticketengine/ticketengine/projections"
)

// TestRebuildPostgresReadModels: migrate creates the read models' tables, rebuild all
// fills them from the embedded store up to its last position, and a second rebuild
// gives the same rows; a wrong name or an in-memory read model is refused.
func TestRebuildPostgresReadModels(t *testing.T) {
	data := t.TempDir()
	s := openBolt(t, data+"/events.db")
	h := buildHistory(t, s, 17, 8, 120)
	recs, _ := s.ReadAll(context.Background(), 0, 1<<20)
	s.Close()
	dsn, conn := pgSchema(t)
	var schema string
	if err := conn.QueryRow(context.Background(), "SELECT current_schema()").Scan(&schema); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { dropRebuildSchemas(t, schema) })
	if res := runReal(t, "", "--data", data, "--readmodel", dsn, "migrate"); res.code != exitOK || !strings.Contains(res.stderr, "read model schema is up to date") {
		t.Fatalf("migrate: %d %s", res.code, res.stderr)
	}
	last := recs[len(recs)-1].Position
	var counts [2]int
	for i := range counts {
		res := runReal(t, "", "--data", data, "--readmodel", dsn, "rebuild", "all")
		if res.code != exitOK || strings.Count(res.stderr, "rebuild ") != len(projections.Names()) {
			t.Fatalf("rebuild all: %d %s", res.code, res.stderr)
		}
		var minPos, maxPos int64
		if err := conn.QueryRow(context.Background(), "SELECT min(position), max(position) FROM readmodel_checkpoints").Scan(&minPos, &maxPos); err != nil {
			t.Fatal(err)
		}
		if uint64(minPos) != last || uint64(maxPos) != last {
			t.Fatalf("checkpoints at %d..%d, the store ends at %d", minPos, maxPos, last)
		}
		if err := conn.QueryRow(context.Background(), "SELECT count(*) FROM rm_kpi_tickets").Scan(&counts[i]); err != nil {
			t.Fatal(err)
		}
	}
	if counts[0] != len(h.tickets) || counts[1] != counts[0] {
		t.Fatalf("rm_kpi_tickets rows after two rebuilds: %v, want %d", counts, len(h.tickets))
	}
	if res := runReal(t, "", "--data", data, "--readmodel", dsn, "rebuild", "nosuch"); res.code != exitFailed || !strings.Contains(res.stderr, "nosuch") {
		t.Fatalf("unknown read model: %d %s", res.code, res.stderr)
	}
	if res := runReal(t, "", "--data", data, "rebuild", "queues"); res.code != exitFailed || !strings.Contains(res.stderr, "in memory") {
		t.Fatalf("in-memory read model: %d %s", res.code, res.stderr)
	}
}

// dropRebuildSchemas drops what a rebuild may leave beside the test's schema.
func dropRebuildSchemas(t *testing.T, schema string) {
	conn := pgConn(t)
	ctx := context.Background()
	defer conn.Close(ctx)
	rows, err := conn.Query(ctx, "SELECT nspname FROM pg_namespace WHERE nspname LIKE $1", schema+"_rb_%")
	if err != nil {
		return
	}
	var names []string
	for rows.Next() {
		var n string
		if rows.Scan(&n) == nil {
			names = append(names, n)
		}
	}
	rows.Close()
	for _, n := range names {
		conn.Exec(ctx, `DROP SCHEMA "`+n+`" CASCADE`)
	}
}
