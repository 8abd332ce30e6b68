package pgstore

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/ticketengine/ticketengine/adapters/postgrestest"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/ticketengine/ticketengine/application/eventlog"
	"github.com/ticketengine/ticketengine/application/eventstoretest"
	"github.com/ticketengine/ticketengine/domain"
)

// These tests hand groups to commitGroup directly, so that what the appender would group
// only by the luck of timing is grouped every time.

func request(ctx context.Context, stream string, expected int64, records []eventlog.Record) *appendRequest {
	return &appendRequest{ctx: ctx, stream: stream, expected: expected, records: records, done: make(chan appendResult, 1)}
}

func TestGroupConflictFailsAlone(t *testing.T) {
	s, _ := openClosing(t)
	ctx := testCtx(t)
	x, a, c := eventstoretest.NewStreamName(), eventstoretest.NewStreamName(), eventstoretest.NewStreamName()
	xs := must(s.Append(ctx, x, eventlog.NoStream, eventstoretest.MakeRecords(t, x, 0, "", 2)))(t)
	aRecs := eventstoretest.MakeRecords(t, a, 0, "", 2)
	group := []*appendRequest{
		request(ctx, a, eventlog.NoStream, aRecs),
		request(ctx, x, 0, eventstoretest.MakeRecords(t, x, 1, xs[0].Hash, 1)), // behind: refused
		request(ctx, c, eventlog.NoStream, eventstoretest.MakeRecords(t, c, 0, "", 1)),
		request(ctx, a, 1, eventstoretest.MakeRecords(t, a, 2, aRecs[1].Hash, 1)), // continues the first request
		request(ctx, x, 1, eventstoretest.MakeRecords(t, x, 2, xs[1].Hash, 1)),
	}
	// A second request on a stream waits for the next group.
	first, next := s.gather(group)
	if len(first) != 3 || len(next) != 2 || next[0] != group[3] || next[1] != group[4] {
		t.Fatalf("gather made groups of %d and %d, want 3 and the second requests on a and x", len(first), len(next))
	}
	s.commitGroup(first)
	s.commitGroup(next)
	var conflict *eventlog.VersionConflictError
	if err := (<-group[1].done).err; !errors.As(err, &conflict) || conflict.Actual != 1 {
		t.Errorf("request 1: got %v, want a version conflict with actual 1", err)
	}
	position := xs[1].Position
	for _, i := range []int{0, 2, 3, 4} { // the order of their positions
		res := <-group[i].done
		if res.err != nil {
			t.Fatalf("request %d: %v", i, res.err)
		}
		for _, rec := range res.records {
			position++
			if rec.Position != position {
				t.Errorf("request %d: %s v%d at position %d, want %d", i, rec.Stream, rec.Version, rec.Position, position)
			}
		}
	}
	all := must(s.ReadAll(ctx, 0, 100))(t)
	if len(all) != 7 || all[6].Position != 7 {
		t.Errorf("read-all has %d records, want 7 at positions 1..7", len(all))
	}
	if st := s.Stats(); st != (Stats{Commits: 3, Appends: 5, Events: 7}) {
		t.Errorf("stats %+v, want 3 commits of 5 appends and 7 events", st)
	}
}

func TestGroupRefusedByServerRetriesEachAlone(t *testing.T) {
	s, _ := openClosing(t)
	ctx := testCtx(t)
	old := eventstoretest.NewStreamName()
	taken := must(s.Append(ctx, old, eventlog.NoStream, eventstoretest.MakeRecords(t, old, 0, "", 1)))(t)[0].ID
	a, f, g := eventstoretest.NewStreamName(), eventstoretest.NewStreamName(), eventstoretest.NewStreamName()
	dup := eventstoretest.MakeRecords(t, f, 0, "", 2)
	dup[1].ID = taken // the second record reuses a stored id: the whole group is refused
	if err := eventlog.Seal("", dup); err != nil {
		t.Fatal(err)
	}
	group := []*appendRequest{
		request(ctx, a, eventlog.NoStream, eventstoretest.MakeRecords(t, a, 0, "", 2)),
		request(ctx, f, eventlog.NoStream, dup),
		request(ctx, g, eventlog.NoStream, eventstoretest.MakeRecords(t, g, 0, "", 1)),
	}
	s.commitGroup(group)
	for i, r := range group {
		res := <-r.done
		switch {
		case i == 1 && (!errors.Is(res.err, domain.ErrConflict) || errors.Is(res.err, eventlog.ErrWrongExpectedVersion)):
			t.Errorf("duplicate id: got %v, want a conflict that is not a version conflict", res.err)
		case i != 1 && res.err != nil:
			t.Errorf("request %d failed with its group: %v", i, res.err)
		}
	}
	if got := must(s.ReadStream(ctx, f))(t); len(got) != 0 {
		t.Errorf("refused request half-written: %d records", len(got))
	}
	if all := must(s.ReadAll(ctx, 0, 100))(t); len(all) != 4 {
		t.Errorf("read-all has %d records, want 4", len(all))
	}
}

// TestStaleHeadIsAConflict: another process commits to the stream after our statement
// read the stream heads but before it got the counter lock. The insert then hits unique
// (stream, version), the group is retried alone, and the caller gets a version conflict.
func TestStaleHeadIsAConflict(t *testing.T) {
	s, dsn := openClosing(t)
	ctx := testCtx(t)
	other := must(pgx.Connect(ctx, dsn))(t)
	defer other.Close(ctx)
	tx := must(other.Begin(ctx))(t)
	defer tx.Rollback(ctx)
	stream := eventstoretest.NewStreamName()
	_, err := tx.Exec(ctx, `WITH p AS (UPDATE event_position SET last = last + 1 RETURNING last)
		INSERT INTO events (position, stream, version, id, type, data, metadata, occurred_at, actor, prev_hash, hash)
		SELECT last, $1, 0, $2, 'Theirs', '{}', '{}', now(), 'other', '', 'h' FROM p`, stream, uuid.New())
	if err != nil {
		t.Fatal(err)
	}
	errc := make(chan error, 1)
	go func() {
		_, err := s.Append(ctx, stream, eventlog.NoStream, eventstoretest.MakeRecords(t, stream, 0, "", 1))
		errc <- err
	}()
	watcher := postgrestest.Connect(t) // not other: inside a transaction pg_stat_activity is read once and cached
	defer watcher.Close(ctx)
	waitForLockWait(t, watcher)
	if err := tx.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	var conflict *eventlog.VersionConflictError
	if err := <-errc; !errors.As(err, &conflict) || conflict.Actual != 0 {
		t.Errorf("got %v, want a version conflict with actual 0", err)
	}
	if got := must(s.ReadStream(ctx, stream))(t); len(got) != 1 || got[0].Type != "Theirs" {
		t.Errorf("stream has %d records, want only the other process's", len(got))
	}
}

// waitForLockWait waits until a backend of this schema's store waits for a lock in the
// middle of the group write.
func waitForLockWait(t *testing.T, conn *pgx.Conn) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		var waiting bool
		err := conn.QueryRow(context.Background(), `SELECT EXISTS (SELECT 1 FROM pg_stat_activity
			WHERE wait_event_type = 'Lock' AND datname = current_database() AND query LIKE 'WITH req AS%')`).Scan(&waiting)
		if err != nil {
			t.Fatal(err)
		}
		if waiting {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatal("the append never waited for the counter lock")
}

func TestDescribeMapsConstraints(t *testing.T) {
	r := request(context.Background(), "ticket-x", 4, nil)
	err := describe(r, &pgconn.PgError{Code: "23505", ConstraintName: "events_stream_version_key"})
	if !errors.Is(err, eventlog.ErrWrongExpectedVersion) {
		t.Errorf("unique (stream, version): got %v, want ErrWrongExpectedVersion", err)
	}
	err = describe(r, &pgconn.PgError{Code: "23505", ConstraintName: "events_id_key"})
	if !errors.Is(err, domain.ErrConflict) || errors.Is(err, eventlog.ErrWrongExpectedVersion) {
		t.Errorf("unique id: got %v, want ErrConflict only", err)
	}
}

// TestRacingWritersAcrossStores: two stores on one database stand for two ticketd
// processes; of eight racing appends at the same version exactly one wins.
func TestRacingWritersAcrossStores(t *testing.T) {
	s1, dsn := openClosing(t)
	ctx := testCtx(t)
	s2 := must(Open(ctx, dsn))(t)
	defer s2.Close()
	for round := range 20 {
		stream := eventstoretest.NewStreamName()
		head := must(s1.Append(ctx, stream, eventlog.NoStream, eventstoretest.MakeRecords(t, stream, 0, "", 1)))(t)
		var wg sync.WaitGroup
		errs := make([]error, 8)
		for i := range errs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				store := []*Store{s1, s2}[i%2]
				_, errs[i] = store.Append(ctx, stream, 0, eventstoretest.MakeRecords(t, stream, 1, head[0].Hash, 1))
			}()
		}
		wg.Wait()
		wins := 0
		for _, err := range errs {
			switch {
			case err == nil:
				wins++
			case !errors.Is(err, eventlog.ErrWrongExpectedVersion):
				t.Errorf("round %d: %v", round, err)
			}
		}
		if wins != 1 {
			t.Fatalf("round %d: %d appends won, want 1", round, wins)
		}
	}
}

func TestClosedStoreRefusesAppends(t *testing.T) {
	s, _ := openFresh(t)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	stream := eventstoretest.NewStreamName()
	if _, err := s.Append(testCtx(t), stream, eventlog.NoStream, eventstoretest.MakeRecords(t, stream, 0, "", 1)); err == nil {
		t.Error("append on a closed store succeeded")
	}
}

func TestAppendRefusesBadRecords(t *testing.T) {
	s, _ := openClosing(t)
	ctx := testCtx(t)
	stream := eventstoretest.NewStreamName()
	bad := eventstoretest.MakeRecords(t, stream, 0, "", 1)
	bad[0].Data = []byte(`{"a":`)
	if _, err := s.Append(ctx, stream, eventlog.NoStream, bad); err == nil {
		t.Error("append of invalid JSON succeeded")
	}
	if _, err := s.Append(ctx, stream, eventlog.NoStream, eventstoretest.MakeRecords(t, stream, 1, "", 1)); err == nil {
		t.Error("append with versions not following the expected version succeeded")
	}
	if got := must(s.ReadAll(ctx, 0, 10))(t); len(got) != 0 {
		t.Errorf("refused appends wrote %d records", len(got))
	}
}
