package main

import (
	"context"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/ticketengine/ticketengine/adapters/eventstore/pgstore"
	"github.com/ticketengine/ticketengine/adapters/postgrestest"
	"github.com/ticketengine/ticketengine/application/eventlog"
)

// pgSchema creates an empty schema of the test's own (postgrestest.FreshSchema) with the
// event store's tables, and returns a DSN using it and a connection to it for changing
// rows behind the store's back.
func pgSchema(t *testing.T) (string, *pgx.Conn) {
	t.Helper()
	dsn := postgrestest.FreshSchema(t, "t_ticketctl_")
	ctx := context.Background()
	if err := runMigrations(ctx, dsn); err != nil {
		t.Fatal(err)
	}
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close(ctx) }) // before the schema is dropped
	return dsn, conn
}

// runMigrations is what `ticketctl migrate` does for --eventstore postgres://….
func runMigrations(ctx context.Context, dsn string) error { return pgstore.Migrate(ctx, dsn) }

func openPG(t *testing.T, dsn string) eventlog.EventStore {
	t.Helper()
	s, err := pgstore.Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// pgFixture is a PostgreSQL store holding a randomized history.
func pgFixture(t *testing.T) (dsn string, conn *pgx.Conn, recs []eventlog.Record, h history) {
	t.Helper()
	dsn, conn = pgSchema(t)
	s := openPG(t, dsn)
	defer s.Close()
	h = buildHistory(t, s, 13, 6, 100)
	recs, err := s.ReadAll(context.Background(), 0, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	return dsn, conn, recs, h
}

func pgExec(t *testing.T, conn *pgx.Conn, sql string, args ...any) {
	t.Helper()
	tag, err := conn.Exec(context.Background(), sql, args...)
	if err != nil || tag.RowsAffected() == 0 {
		t.Fatalf("%s: %v (%d rows)", sql, err, tag.RowsAffected())
	}
}

func verifyPG(t *testing.T, dsn string, args ...string) cliResult {
	t.Helper()
	return runCLI(t, func() eventlog.EventStore { return openPG(t, dsn) }, "", append([]string{"verify"}, args...)...)
}

func ticketStreamOf(t *testing.T, recs []eventlog.Record, h history, n int) []eventlog.Record {
	t.Helper()
	for _, id := range h.tickets {
		var out []eventlog.Record
		for _, r := range recs {
			if r.Stream == eventlog.TicketStream(id) {
				out = append(out, r)
			}
		}
		if len(out) >= n {
			return out
		}
	}
	t.Fatalf("no ticket has %d events", n)
	return nil
}

func TestVerifyPostgres(t *testing.T) {
	dsn, conn, recs, h := pgFixture(t)
	if res := verifyPG(t, dsn); res.code != exitOK {
		t.Fatalf("untouched store: exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}
	stream := ticketStreamOf(t, recs, h, 5)

	// The triggers refuse the changes below; a superuser (or the table's owner) who
	// switches them off can still make them, and verify must still find each one.
	if _, err := conn.Exec(context.Background(), `UPDATE events SET actor = 'x' WHERE id = $1`, stream[0].ID); err == nil ||
		!strings.Contains(err.Error(), "events are immutable") {
		t.Fatalf("UPDATE with the triggers on: %v, want the triggers' refusal", err)
	}
	if _, err := conn.Exec(context.Background(), `ALTER TABLE events DISABLE TRIGGER events_immutable`); err != nil {
		t.Fatal(err)
	}

	// An UPDATE of one event's data: named as altered.
	pgExec(t, conn, `UPDATE events SET data = replace(data::text, 'Printer', 'Pr1nter')::json WHERE id = $1`, stream[0].ID)
	wantFinding(t, verifyPG(t, dsn), stream[0], "altered")
	pgExec(t, conn, `UPDATE events SET data = replace(data::text, 'Pr1nter', 'Printer')::json WHERE id = $1`, stream[0].ID)
	if res := verifyPG(t, dsn); res.code != exitOK {
		t.Fatalf("restored store: exit %d\n%s", res.code, res.stdout)
	}

	// Two events of one stream swapped in the global order, then swapped back.
	swap := func(a, b eventlog.Record) {
		pgExec(t, conn, `UPDATE events SET position = -1 WHERE position = $1`, int64(a.Position))
		pgExec(t, conn, `UPDATE events SET position = $1 WHERE position = $2`, int64(a.Position), int64(b.Position))
		pgExec(t, conn, `UPDATE events SET position = $1 WHERE position = -1`, int64(b.Position))
	}
	swap(stream[1], stream[2])
	wantFinding(t, verifyPG(t, dsn), stream[2], "version 2 where 1 was expected")
	swap(stream[1], stream[2])

	// One event deleted: the next one is named, as the chain has a gap before it.
	pgExec(t, conn, `DELETE FROM events WHERE id = $1`, stream[3].ID)
	wantFinding(t, verifyPG(t, dsn), stream[4], "version 4 where 3 was expected")
}

// runReal runs ticketctl as the binary does: the store comes from the flags.
func runReal(t *testing.T, stdin string, args ...string) cliResult {
	t.Helper()
	var out, errOut strings.Builder
	code := run(context.Background(), args, func(string) string { return "" }, strings.NewReader(stdin), &out, &errOut)
	return cliResult{code: code, stdout: out.String(), stderr: errOut.String()}
}

// TestRoundTripEmbeddedPostgres: embedded → export → PostgreSQL → export → embedded →
// export, all three exports byte for byte the same, every store verifying, through the
// same flags ticketd takes.
func TestRoundTripEmbeddedPostgres(t *testing.T) {
	dataA, dataB := t.TempDir(), t.TempDir()
	s := openBolt(t, dataA+"/events.db")
	buildHistory(t, s, 21, 10, 200)
	s.Close()
	dsn, _ := pgSchema(t)

	first := runReal(t, "", "--data", dataA, "export")
	if first.code != exitOK || first.stdout == "" {
		t.Fatalf("export from embedded: %d %s", first.code, first.stderr)
	}
	if res := runReal(t, first.stdout, "--eventstore", dsn, "import"); res.code != exitOK {
		t.Fatalf("import into PostgreSQL: %d %s", res.code, res.stderr)
	}
	second := runReal(t, "", "--eventstore", dsn, "export")
	if res := runReal(t, second.stdout, "--data", dataB, "import"); res.code != exitOK {
		t.Fatalf("import into embedded: %d %s", res.code, res.stderr)
	}
	third := runReal(t, "", "--data", dataB, "export")
	if first.stdout != second.stdout || second.stdout != third.stdout {
		t.Fatalf("exports differ:\n%.300s\n%.300s\n%.300s", first.stdout, second.stdout, third.stdout)
	}
	for _, flags := range [][]string{{"--data", dataA}, {"--eventstore", dsn}, {"--data", dataB}} {
		heads := runReal(t, "", append(flags, "verify", "--heads", "--streams")...)
		if heads.code != exitOK {
			t.Fatalf("%v verify: %d %s", flags, heads.code, heads.stdout)
		}
		if want := runReal(t, "", "--data", dataA, "verify", "--heads"); heads.stdout != want.stdout {
			t.Fatalf("%v: heads differ from the original's", flags)
		}
	}
	if res := runReal(t, first.stdout, "--eventstore", dsn, "import"); res.code != exitFailed || !strings.Contains(res.stderr, "not empty") {
		t.Fatalf("second import into PostgreSQL: %d %s", res.code, res.stderr)
	}
}

// TestMigrate: ticketctl migrate creates the event store's tables in an empty schema, and
// running it again changes nothing; with no PostgreSQL configured it is a usage error.
func TestMigrate(t *testing.T) {
	dsn := postgrestest.FreshSchema(t, "t_ticketctl_m")
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	for range 2 {
		if res := runReal(t, "", "--eventstore", dsn, "migrate"); res.code != exitOK || !strings.Contains(res.stderr, "event store schema is up to date") ||
			!strings.Contains(res.stderr, "desk sessions schema is up to date") {
			t.Fatalf("migrate: %d %s", res.code, res.stderr)
		}
	}
	for _, table := range []string{"events", "desk_sessions"} {
		var exists bool
		if err := conn.QueryRow(ctx, "SELECT to_regclass(current_schema() || '."+table+"') IS NOT NULL").Scan(&exists); err != nil || !exists {
			t.Fatalf("no %s table after migrate: %v", table, err)
		}
	}
	if res := runReal(t, "", "--eventstore", "memory:", "migrate"); res.code != exitUsage {
		t.Fatalf("migrate without PostgreSQL: exit %d", res.code)
	}
}
