package pgstore

import (
	"context"
	"encoding/json"
	"io/fs"
	"strings"
	"testing"
	"time"

	"github.com/ticketengine/ticketengine/adapters/postgrestest"

	"github.com/jackc/pgx/v5"

	"github.com/ticketengine/ticketengine/application/eventlog"
	"github.com/ticketengine/ticketengine/application/eventstoretest"
	"github.com/ticketengine/ticketengine/migrations"
)

func TestConformance(t *testing.T) {
	eventstoretest.Run(t, func(t *testing.T) eventlog.EventStore {
		s, _ := openFresh(t) // the suite closes it
		return s
	})
}

// TestDataKeptAsWritten: data is json, not jsonb, so white space and key order survive,
// and the plain columns analysts query hold the metadata's values.
func TestDataKeptAsWritten(t *testing.T) {
	s, dsn := openClosing(t)
	ctx := testCtx(t)
	stream := eventstoretest.NewStreamName()
	recs := eventstoretest.MakeRecords(t, stream, 0, "", 2)
	recs[0].Data = json.RawMessage(`{"z": 1,   "a" : ["工单", 2.50, 1e3]}`)
	recs[1].Meta.CorrelationID = ""
	if err := eventlog.Seal("", recs); err != nil {
		t.Fatal(err)
	}
	must(s.Append(ctx, stream, eventlog.NoStream, recs))(t)
	got := must(s.ReadStream(ctx, stream))(t)
	if string(got[0].Data) != string(recs[0].Data) {
		t.Errorf("data came back as %s, want %s", got[0].Data, recs[0].Data)
	}
	conn := must(pgx.Connect(ctx, dsn))(t)
	defer conn.Close(ctx)
	var actor string
	var correlation *string
	var occurred time.Time
	err := conn.QueryRow(ctx, `SELECT actor, correlation_id, occurred_at FROM events WHERE id = $1`, recs[1].ID.String()).Scan(&actor, &correlation, &occurred)
	if err != nil {
		t.Fatal(err)
	}
	if actor != recs[1].Meta.Actor || correlation != nil || !occurred.Equal(recs[1].Meta.OccurredAt) {
		t.Errorf("columns: actor %q correlation %v occurred %s; want %q, NULL, %s", actor, correlation, occurred, recs[1].Meta.Actor, recs[1].Meta.OccurredAt)
	}
}

func TestMigrateTwiceIsNoOp(t *testing.T) {
	dsn := postgrestest.FreshSchema(t, "t_pgstore_")
	ctx := testCtx(t)
	if err := Migrate(ctx, dsn); err != nil {
		t.Fatal(err)
	}
	s := must(Open(ctx, dsn))(t)
	stream := eventstoretest.NewStreamName()
	must(s.Append(ctx, stream, eventlog.NoStream, eventstoretest.MakeRecords(t, stream, 0, "", 3)))(t)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := Migrate(ctx, dsn); err != nil {
		t.Fatalf("second migrate: %v", err)
	}
	conn := must(pgx.Connect(ctx, dsn))(t)
	defer conn.Close(ctx)
	var applied, events int
	if err := conn.QueryRow(ctx, `SELECT count(*) FROM `+migrations.EventStoreSet.VersionTable+` WHERE version_id > 0`).Scan(&applied); err != nil {
		t.Fatal(err)
	}
	if err := conn.QueryRow(ctx, `SELECT count(*) FROM events`).Scan(&events); err != nil {
		t.Fatal(err)
	}
	files, err := fs.Glob(migrations.EventStore, "eventstore/*.sql")
	if err != nil {
		t.Fatal(err)
	}
	if applied != len(files) || events != 3 {
		t.Errorf("after two migrations: %d migrations recorded, %d events; want %d and 3", applied, events, len(files))
	}
}

func TestOpenUnmigratedSaysSo(t *testing.T) {
	dsn := postgrestest.FreshSchema(t, "t_pgstore_")
	s, err := Open(testCtx(t), dsn)
	if err == nil {
		_ = s.Close()
		t.Fatal("Open succeeded on an empty schema")
	}
	if !strings.Contains(err.Error(), "schema missing") || !strings.Contains(err.Error(), "migrate") {
		t.Errorf("error %q does not say the schema is missing and how to create it", err)
	}
}

func TestOpenUnreachableFails(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	s, err := Open(ctx, "postgres://postgres@127.0.0.1:1/none?sslmode=disable&connect_timeout=2")
	if err == nil {
		_ = s.Close()
		t.Fatal("Open succeeded without a server")
	}
}
