package pgstore

import (
	"context"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/ticketengine/ticketengine/application/eventlog"
	"github.com/ticketengine/ticketengine/application/eventstoretest"
)

// tempRole creates a login-less role of the test's own with the given grants on the schema
// dsn names, and returns a connection that acts as it (SET ROLE). Roles are cluster-wide,
// so the name is random and the role is dropped at the end.
func tempRole(t *testing.T, dsn, grants string) *pgx.Conn {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	role := "t_role_" + strings.ReplaceAll(uuid.NewString()[:13], "-", "")
	var schema string
	if err := conn.QueryRow(ctx, `SELECT current_schema()`).Scan(&schema); err != nil {
		t.Fatal(err)
	}
	for _, sql := range []string{"CREATE ROLE " + role, "GRANT USAGE ON SCHEMA " + schema + " TO " + role,
		"GRANT " + grants + " ON events, event_position TO " + role, "SET ROLE " + role} {
		if _, err := conn.Exec(ctx, sql); err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
	}
	t.Cleanup(func() {
		defer conn.Close(ctx)
		for _, sql := range []string{"RESET ROLE", "DROP OWNED BY " + role, "DROP ROLE " + role} {
			if _, err := conn.Exec(ctx, sql); err != nil {
				t.Errorf("%s: %v", sql, err)
			}
		}
	})
	return conn
}

func appendOne(t *testing.T, s *Store) {
	t.Helper()
	stream := eventstoretest.NewStreamName()
	must(s.Append(testCtx(t), stream, eventlog.NoStream, eventstoretest.MakeRecords(t, stream, 0, "", 1)))(t)
}

// TestEventsRefuseChange: a role granted every privilege on events (as an application
// user may be) still cannot UPDATE, DELETE or TRUNCATE it: the triggers answer with a
// clear error, and the row is as written.
func TestEventsRefuseChange(t *testing.T) {
	s, dsn := openClosing(t)
	appendOne(t, s)
	app := tempRole(t, dsn, "SELECT, INSERT, UPDATE, DELETE, TRUNCATE")
	ctx := testCtx(t)
	for _, sql := range []string{
		`UPDATE events SET actor = 'someone else'`,
		`DELETE FROM events`,
		`TRUNCATE events`,
	} {
		_, err := app.Exec(ctx, sql)
		if err == nil || !strings.Contains(err.Error(), "events are immutable") {
			t.Errorf("%s: got %v, want the trigger's refusal", sql, err)
		}
	}
	var n int
	if err := app.QueryRow(ctx, `SELECT count(*) FROM events WHERE actor <> 'someone else'`).Scan(&n); err != nil || n != 1 {
		t.Fatalf("untouched rows after refused changes: %d, %v", n, err)
	}
	appendOne(t, s) // appends still work
}

// TestAnalystRoleReadsOnly: the read-only role docs/EVENTSTORES.md describes (GRANT
// SELECT) reads events and is refused any write by privileges, before any trigger.
func TestAnalystRoleReadsOnly(t *testing.T) {
	s, dsn := openClosing(t)
	appendOne(t, s)
	analyst := tempRole(t, dsn, "SELECT")
	ctx := testCtx(t)
	var n int
	if err := analyst.QueryRow(ctx, `SELECT count(*) FROM events`).Scan(&n); err != nil || n != 1 {
		t.Fatalf("analyst count: %d, %v", n, err)
	}
	_, err := analyst.Exec(ctx, `INSERT INTO events SELECT * FROM events`)
	if err == nil || !strings.Contains(err.Error(), "permission denied") {
		t.Fatalf("analyst insert: %v, want permission denied", err)
	}
}
