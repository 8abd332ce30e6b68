package readmodeltest

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/application"
	"github.com/ticketengine/ticketengine/application/command"
	"github.com/ticketengine/ticketengine/domain"
	"github.com/ticketengine/ticketengine/projections"
)

// helpVotes: n visitors answer "did this help?" on seeded random articles, some twice
// the same way, some changing their mind. A vote on an article that is not live is
// refused as not found. It returns the counts the votes must give, tallied here from
// each visitor's last accepted vote, independently of the aggregate and the projection.
func (w *World) helpVotes(t testing.TB, articles []uuid.UUID, n int) map[uuid.UUID]domain.FeedbackCounts {
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(19, 20))
	last := map[[2]uuid.UUID]bool{} // (article, visitor) → helpful
	refused := 0
	for i := range n {
		visitor := uuid.NewSHA1(uuid.NameSpaceOID, []byte(fmt.Sprint("voter", i)))
		for range 1 + rng.IntN(4) {
			w.Clock.Advance(time.Duration(rng.IntN(90)) * time.Second)
			// Two articles each, so that visitors come back to one: repeats and changes.
			article, helpful := articles[(i+rng.IntN(2))%len(articles)], rng.IntN(3) != 0
			_, err := w.Commands.Articles.Vote.Handle(ctx, command.VoteOnArticle{ArticleID: article, Visitor: visitor, Helpful: helpful},
				command.CommandMeta{Actor: "customer"})
			if errors.Is(err, application.ErrNotFound) {
				refused++
				continue
			}
			check(t, err)
			last[[2]uuid.UUID{article, visitor}] = helpful
		}
	}
	if refused == 0 || len(last) == 0 {
		t.Fatalf("%d votes kept, %d refused: the history does not exercise both", len(last), refused)
	}
	want := map[uuid.UUID]domain.FeedbackCounts{}
	for k, helpful := range last {
		c := want[k[0]]
		if helpful {
			c.Helpful++
		} else {
			c.NotHelpful++
		}
		want[k[0]] = c
	}
	return want
}

// assertFeedback fails unless the store's article_feedback rows hold exactly want.
func assertFeedback(t testing.TB, store projections.Store, want map[uuid.UUID]domain.FeedbackCounts) {
	rows, err := store.Rows(context.Background(), projections.ArticleFeedback)
	check(t, err)
	if len(rows) != len(want) {
		t.Fatalf("%d article_feedback rows, want %d", len(rows), len(want))
	}
	changed := false
	for _, r := range rows {
		f := r.(*projections.FeedbackRow)
		if f.FeedbackCounts != want[f.ArticleID] {
			t.Fatalf("article %s: counts %+v, want %+v", f.ArticleID, f.FeedbackCounts, want[f.ArticleID])
		}
		changed = changed || int64(f.Total()) <= f.Version // more events than voters: a vote turned over
	}
	if !changed {
		t.Fatal("no visitor changed a vote: the history does not exercise changed votes")
	}
}
