package postgres

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/ticketengine/ticketengine/application"
	"github.com/ticketengine/ticketengine/application/eventstoretest"
	"github.com/ticketengine/ticketengine/domain"
)

// These tests hand groups to commitGroup directly, so that what the appender would group
// only by the luck of timing is grouped every time.

func request(ctx context.Context, stream string, expected int64, records []application.Record) *appendRequest {
	return &appendRequest{ctx: ctx, stream: stream, expected: expected, records: records, done: make(chan appendResult, 1)}
}

func TestGroupConflictFailsAlone(t *testing.T) {
	s, _ := openClosing(t)
	ctx := testCtx(t)
	x, a, c := eventstoretest.NewStreamName(), eventstoretest.NewStreamName(), eventstoretest.NewStreamName()
	xs := must(s.Append(ctx, x, application.NoStream, eventstoretest.MakeRecords(t, x, 0, "", 2)))(t)
	aRecs := eventstoretest.MakeRecords(t, a, 0, "", 2)
	group := []*appendRequest{
		request(ctx, a, application.NoStream, aRecs),
		request(ctx, x, 0, eventstoretest.MakeRecords(t, x, 1, xs[0].Hash, 1)), // behind: refused
		request(ctx, c, application.NoStream, eventstoretest.MakeRecords(t, c, 0, "", 1)),
		request(ctx, a, 1, eventstoretest.MakeRecords(t, a, 2, aRecs[1].Hash, 1)), // continues the first request
		request(ctx, x, 1, eventstoretest.MakeRecords(t, x, 2, xs[1].Hash, 1)),
	}
	s.commitGroup(group)
	position := xs[1].Position
	for i, r := range group {
		res := <-r.done
		if i == 1 {
			var conflict *application.VersionConflictError
			if !errors.As(res.err, &conflict) || conflict.Actual != 1 {
				t.Errorf("request 1: got %v, want a version conflict with actual 1", res.err)
			}
			continue
		}
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
}

func TestGroupRefusedByServerRetriesEachAlone(t *testing.T) {
	s, _ := openClosing(t)
	ctx := testCtx(t)
	old := eventstoretest.NewStreamName()
	taken := must(s.Append(ctx, old, application.NoStream, eventstoretest.MakeRecords(t, old, 0, "", 1)))(t)[0].ID
	a, f, g := eventstoretest.NewStreamName(), eventstoretest.NewStreamName(), eventstoretest.NewStreamName()
	dup := eventstoretest.MakeRecords(t, f, 0, "", 2)
	dup[1].ID = taken // the second record reuses a stored id: the whole group is refused
	if err := application.Seal("", dup); err != nil {
		t.Fatal(err)
	}
	group := []*appendRequest{
		request(ctx, a, application.NoStream, eventstoretest.MakeRecords(t, a, 0, "", 2)),
		request(ctx, f, application.NoStream, dup),
		request(ctx, g, application.NoStream, eventstoretest.MakeRecords(t, g, 0, "", 1)),
	}
	s.commitGroup(group)
	for i, r := range group {
		res := <-r.done
		switch {
		case i == 1 && (!errors.Is(res.err, domain.ErrConflict) || errors.Is(res.err, application.ErrWrongExpectedVersion)):
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

// TestStaleVersionCheckIsAConflict: when another process appends between our version
// check and our insert, unique (stream, version) refuses the insert, and the caller gets
// a version conflict.
func TestStaleVersionCheckIsAConflict(t *testing.T) {
	s, _ := openClosing(t)
	ctx := testCtx(t)
	stream := eventstoretest.NewStreamName()
	must(s.Append(ctx, stream, application.NoStream, eventstoretest.MakeRecords(t, stream, 0, "", 1)))(t)
	late := request(ctx, stream, application.NoStream, eventstoretest.MakeRecords(t, stream, 0, "", 1))
	_, err := s.insert(ctx, []*appendRequest{late}, 1) // as if the check had seen no stream
	if err := describe(late, err); !errors.Is(err, application.ErrWrongExpectedVersion) {
		t.Errorf("got %v, want ErrWrongExpectedVersion", err)
	}
	if got := must(s.ReadAll(ctx, 0, 10))(t); len(got) != 1 {
		t.Errorf("read-all has %d records, want 1", len(got))
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
		head := must(s1.Append(ctx, stream, application.NoStream, eventstoretest.MakeRecords(t, stream, 0, "", 1)))(t)
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
			case !errors.Is(err, application.ErrWrongExpectedVersion):
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
	if _, err := s.Append(testCtx(t), stream, application.NoStream, eventstoretest.MakeRecords(t, stream, 0, "", 1)); err == nil {
		t.Error("append on a closed store succeeded")
	}
}

func TestAppendRefusesBadRecords(t *testing.T) {
	s, _ := openClosing(t)
	ctx := testCtx(t)
	stream := eventstoretest.NewStreamName()
	bad := eventstoretest.MakeRecords(t, stream, 0, "", 1)
	bad[0].Data = []byte(`{"a":`)
	if _, err := s.Append(ctx, stream, application.NoStream, bad); err == nil {
		t.Error("append of invalid JSON succeeded")
	}
	if _, err := s.Append(ctx, stream, application.NoStream, eventstoretest.MakeRecords(t, stream, 1, "", 1)); err == nil {
		t.Error("append with versions not following the expected version succeeded")
	}
	if got := must(s.ReadAll(ctx, 0, 10))(t); len(got) != 0 {
		t.Errorf("refused appends wrote %d records", len(got))
	}
}
