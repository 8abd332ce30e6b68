package projections

import (
	"encoding/json"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/application/eventlog"
	"github.com/ticketengine/ticketengine/domain"
)

// TestArticleFeedbackFoldsLikeTheAggregate: a seeded run of votes (repeats, changes),
// decided by the aggregate and stored as records, decodes as the feedback kind and folds
// into the counts the aggregate holds, without the aggregate's map of visitors; a record
// seen again changes nothing.
func TestArticleFeedbackFoldsLikeTheAggregate(t *testing.T) {
	article := uuid.New()
	visitors := []uuid.UUID{uuid.New(), uuid.New(), uuid.New(), uuid.New()}
	agg := domain.NewArticleFeedback()
	p, _ := Lookup(ArticleFeedback)
	row := p.Empty(article)
	rng := rand.New(rand.NewPCG(3, 4))
	version := int64(-1)
	for range 200 {
		events, err := agg.Vote(visitors[rng.IntN(len(visitors))], rng.IntN(2) == 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range events {
			version++
			data, _ := json.Marshal(e)
			rec := eventlog.Record{Stream: eventlog.ArticleFeedbackStream(article), Version: version, Type: e.EventType(), Data: data,
				Meta: eventlog.Metadata{OccurredAt: time.Date(2026, 12, 3, 8, 0, 0, 0, time.UTC)}}
			d, ok, err := decode(rec)
			if err != nil || !ok || d.Kind != ArticleFeedbackStreams || d.ID != article {
				t.Fatalf("decode: %+v %v %v", d, ok, err)
			}
			agg.Apply(e)
			if apply, err := next(p.Version(row), d.Version(), rec); err != nil || !apply {
				t.Fatalf("version %d after %d: %v %v", d.Version(), p.Version(row), apply, err)
			}
			row = p.Fold(row, &d)
			if again, _ := next(p.Version(row), d.Version(), rec); again {
				t.Fatal("a record seen again would be folded twice")
			}
		}
	}
	got, want := *row.(*FeedbackRow), agg.State()
	if got.FeedbackCounts != want.Counts || got.Version != want.Version || got.ArticleID != article {
		t.Fatalf("row %+v, aggregate %+v", got, want.Counts)
	}
	if want.Counts.Total() != len(visitors) || want.Version < 10 {
		t.Fatalf("the run does not exercise changes: %+v at version %d", want.Counts, want.Version)
	}
}
