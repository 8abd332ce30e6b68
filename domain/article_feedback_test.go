package domain_test

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/domain"
)

// vote runs a vote and applies its events through the stored JSON; it returns how many
// events the vote made.
func vote(t *testing.T, f *domain.ArticleFeedback, visitor uuid.UUID, helpful bool) int {
	t.Helper()
	events, err := f.Vote(visitor, helpful)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range events {
		b, _ := json.Marshal(e)
		d, err := domain.DecodeArticleFeedbackEvent(e.EventType(), b)
		if err != nil {
			t.Fatal(err)
		}
		f.Apply(d)
	}
	return len(events)
}

// TestArticleFeedbackOneVotePerVisitor: a repeated vote makes no event, a changed vote
// moves one count to the other, and the counts folded from the events alone (what the
// read model does) agree with the aggregate's.
func TestArticleFeedbackOneVotePerVisitor(t *testing.T) {
	f := domain.NewArticleFeedback()
	a, b := uuid.New(), uuid.New()
	want := []struct {
		visitor uuid.UUID
		helpful bool
		events  int
		counts  domain.FeedbackCounts
	}{
		{a, true, 1, domain.FeedbackCounts{Helpful: 1}},
		{a, true, 0, domain.FeedbackCounts{Helpful: 1}},                 // repeated: never counted twice
		{b, false, 1, domain.FeedbackCounts{Helpful: 1, NotHelpful: 1}}, // another visitor
		{a, false, 1, domain.FeedbackCounts{NotHelpful: 2}},             // changed: moves
		{a, false, 0, domain.FeedbackCounts{NotHelpful: 2}},
		{b, true, 1, domain.FeedbackCounts{Helpful: 1, NotHelpful: 1}},
	}
	var folded domain.FeedbackCounts
	for i, w := range want {
		before := f.State().Version
		events, err := f.Vote(w.visitor, w.helpful)
		if err != nil || len(events) != w.events {
			t.Fatalf("step %d: %v events, err %v; want %d", i, events, err, w.events)
		}
		for _, e := range events {
			folded = folded.Count(e.(domain.ArticleVoted))
			f.Apply(e)
		}
		if s := f.State(); s.Counts != w.counts || folded != w.counts || s.Version != before+int64(w.events) {
			t.Fatalf("step %d: aggregate %+v, folded %+v, want %+v", i, s.Counts, folded, w.counts)
		}
	}
	if f.State().Counts.Total() != 2 {
		t.Fatalf("total %d, want 2 visitors", f.State().Counts.Total())
	}
}

// TestArticleFeedbackStateIsACopy: a state handed out (to the stream cache) does not
// change when the aggregate folds on, nor when aggregates restored from it vote, even on
// visitors of the same bucket (the same first byte).
func TestArticleFeedbackStateIsACopy(t *testing.T) {
	sameBucket := func(i byte) uuid.UUID { id := uuid.New(); id[0], id[15] = 7, i; return id }
	first := sameBucket(1)
	f := domain.NewArticleFeedback()
	vote(t, f, first, true)
	s := f.State()
	vote(t, f, sameBucket(2), true)
	vote(t, f, first, false)
	r1, r2 := domain.RestoreArticleFeedback(s), domain.RestoreArticleFeedback(s)
	vote(t, r1, sameBucket(3), false)
	vote(t, r2, first, false)
	if h, ok := s.VoteOf(first); !ok || !h || s.Voters() != 1 || s.Counts != (domain.FeedbackCounts{Helpful: 1}) || s.Version != 0 {
		t.Fatalf("the handed-out state changed: %+v, %d voters", s, s.Voters())
	}
	if got := r1.State(); got.Voters() != 2 || got.Counts != (domain.FeedbackCounts{Helpful: 1, NotHelpful: 1}) {
		t.Fatalf("restored and voted: %+v", got)
	}
	if got := r2.State(); got.Voters() != 1 || got.Counts != (domain.FeedbackCounts{NotHelpful: 1}) {
		t.Fatalf("the other restored aggregate: %+v", got)
	}
	if got := f.State(); got.Voters() != 2 || got.Counts != (domain.FeedbackCounts{Helpful: 1, NotHelpful: 1}) {
		t.Fatalf("the aggregate that handed the state out: %+v", got)
	}
	if vote(t, domain.RestoreArticleFeedback(domain.ArticleFeedbackState{Version: -1}), uuid.New(), true) != 1 {
		t.Fatal("a restored zero state refused a vote")
	}
}

func TestArticleFeedbackRefusesBadInput(t *testing.T) {
	if _, err := domain.NewArticleFeedback().Vote(uuid.Nil, true); !errors.Is(err, domain.ErrInvalid) {
		t.Fatalf("nil visitor: %v", err)
	}
	if _, err := domain.DecodeArticleFeedbackEvent("ArticleLiked", []byte(`{}`)); !errors.Is(err, domain.ErrInvalid) {
		t.Fatalf("unknown type: %v", err)
	}
	if _, err := domain.DecodeArticleFeedbackEvent(domain.TypeArticleVoted, []byte(`{"helpful":"yes"}`)); !errors.Is(err, domain.ErrInvalid) {
		t.Fatalf("bad data: %v", err)
	}
}
