package domain

import (
	"fmt"
	"maps"

	"github.com/google/uuid"
)

// An article's feedback is the answers of help-center visitors to "did this help?": one
// vote per visitor (the random id of the help center's cookie, or an API client's own
// random id), which the visitor may change. Its stream is the article's own feedback
// stream (articlefeedback-<article id>), apart from the article's, so that votes never
// move the version staff send in If-Match. Each event says what it changes in the counts
// (a new vote, or a vote turned over), so the counts fold from the events alone.

// Stored type name of a vote. Never change it: stored events carry it.
const TypeArticleVoted = "ArticleVoted"

// ArticleVoted: Visitor found the article helpful or not. Changed: the visitor had voted
// the other way before, and that vote is withdrawn (the counts move, never double).
type ArticleVoted struct {
	Visitor uuid.UUID `json:"visitor"`
	Helpful bool      `json:"helpful"`
	Changed bool      `json:"changed,omitempty"`
}

func (ArticleVoted) EventType() string { return TypeArticleVoted }

// DecodeArticleFeedbackEvent turns a stored feedback event back into its value.
func DecodeArticleFeedbackEvent(eventType string, data []byte) (Event, error) {
	if eventType != TypeArticleVoted {
		return nil, fmt.Errorf("%w: unknown article feedback event type %q", ErrInvalid, eventType)
	}
	e := decodeInto[ArticleVoted](data)
	if d, ok := e.(decodeFailure); ok {
		return nil, fmt.Errorf("%w: %s data: %v", ErrInvalid, eventType, d.err)
	}
	return e, nil
}

// FeedbackCounts are an article's votes: how many visitors found it helpful and how
// many did not, each visitor counted once, by their latest vote.
type FeedbackCounts struct {
	Helpful    int `json:"helpful"`
	NotHelpful int `json:"not_helpful"`
}

// Total is how many visitors voted.
func (c FeedbackCounts) Total() int { return c.Helpful + c.NotHelpful }

// Count folds one vote into the counts: what the read model does, from the event alone.
func (c FeedbackCounts) Count(v ArticleVoted) FeedbackCounts {
	if v.Helpful {
		c.Helpful++
		if v.Changed {
			c.NotHelpful--
		}
	} else {
		c.NotHelpful++
		if v.Changed {
			c.Helpful--
		}
	}
	return c
}

// ArticleFeedbackState is an article's feedback: each visitor's latest vote, and the
// counts. The votes are split into 256 buckets by the first byte of the visitor's id, so
// that a state handed out and the aggregate that goes on from it share every bucket but
// the ones a later vote changes (see ArticleFeedback).
type ArticleFeedbackState struct {
	Version int64          `json:"version"`
	Counts  FeedbackCounts `json:"counts"`
	votes   [256]map[uuid.UUID]bool
}

// VoteOf is visitor's latest vote; voted is false when they have not voted.
func (s ArticleFeedbackState) VoteOf(visitor uuid.UUID) (helpful, voted bool) {
	helpful, voted = s.votes[visitor[0]][visitor]
	return helpful, voted
}

// Voters is how many visitors voted.
func (s ArticleFeedbackState) Voters() int {
	n := 0
	for _, b := range s.votes {
		n += len(b)
	}
	return n
}

// ArticleFeedback is the aggregate. A bucket of votes is written in place only while
// this aggregate alone holds it (owned): a state handed out by State, or restored from
// one (the stream cache's), is never written through; a vote then copies the one bucket
// it changes (about 1/256 of the voters), and folding a long stream copies each bucket
// at most once.
type ArticleFeedback struct {
	s     ArticleFeedbackState
	owned [256]bool
}

// NewArticleFeedback is an article's feedback before the first vote.
func NewArticleFeedback() *ArticleFeedback {
	return &ArticleFeedback{s: ArticleFeedbackState{Version: -1}}
}

// RestoreArticleFeedback continues from a state, sharing its buckets until a vote
// changes one.
func RestoreArticleFeedback(s ArticleFeedbackState) *ArticleFeedback { return &ArticleFeedback{s: s} }

// State is the feedback's state. From then on the aggregate shares every bucket with it,
// so it copies a bucket before writing into it.
func (f *ArticleFeedback) State() ArticleFeedbackState {
	f.owned = [256]bool{}
	return f.s
}

// Vote records visitor's answer. The same answer again changes nothing (no event: a
// repeated vote is never counted twice); the other answer turns the vote over.
func (f *ArticleFeedback) Vote(visitor uuid.UUID, helpful bool) ([]Event, error) {
	if visitor == uuid.Nil {
		return nil, &ValidationError{Fields: []FieldError{{Field: "visitor", Message: "must be a visitor's id"}}}
	}
	was, voted := f.s.VoteOf(visitor)
	if voted && was == helpful {
		return nil, nil
	}
	return []Event{ArticleVoted{Visitor: visitor, Helpful: helpful, Changed: voted}}, nil
}

// Apply folds one event.
func (f *ArticleFeedback) Apply(e Event) {
	f.s.Version++
	if v, ok := e.(ArticleVoted); ok {
		b := v.Visitor[0]
		if !f.owned[b] {
			own := make(map[uuid.UUID]bool, len(f.s.votes[b])+1)
			maps.Copy(own, f.s.votes[b])
			f.s.votes[b], f.owned[b] = own, true
		}
		f.s.votes[b][v.Visitor] = v.Helpful
		f.s.Counts = f.s.Counts.Count(v)
	}
}
