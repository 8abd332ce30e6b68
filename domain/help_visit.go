package domain

import (
	"fmt"
	"slices"
	"time"

	"github.com/google/uuid"
)

// A help-center visitor is a browser, known only by the random id of a session cookie
// the help center sets (never a name, an address or a ticket): what it opened, so that
// the engine can tell a deflection, an article read in the help center that is followed
// by no new ticket from the same browser within DeflectionWindow.

// DeflectionWindow is how long after reading an article a browser that opens no ticket
// counts the read as a deflection.
const DeflectionWindow = 30 * time.Minute

// Stored type names of a visitor's events.
const (
	TypeHelpArticleOpened = "HelpArticleOpened"
	TypeHelpTicketOpened  = "HelpTicketOpened"
)

// HelpArticleOpened: the browser opened a published article (its category then).
type HelpArticleOpened struct {
	ArticleID uuid.UUID `json:"article_id"`
	Category  string    `json:"category,omitempty"`
}

// HelpTicketOpened: the browser opened a ticket in the help center.
type HelpTicketOpened struct{}

func (HelpArticleOpened) EventType() string { return TypeHelpArticleOpened }
func (HelpTicketOpened) EventType() string  { return TypeHelpTicketOpened }

// DecodeHelpVisitEvent turns a stored visitor event back into its value.
func DecodeHelpVisitEvent(eventType string, data []byte) (Event, error) {
	var e Event
	switch eventType {
	case TypeHelpArticleOpened:
		e = decodeInto[HelpArticleOpened](data)
	case TypeHelpTicketOpened:
		e = decodeInto[HelpTicketOpened](data)
	default:
		return nil, fmt.Errorf("%w: unknown help visit event type %q", ErrInvalid, eventType)
	}
	if d, ok := e.(decodeFailure); ok {
		return nil, fmt.Errorf("%w: %s data: %v", ErrInvalid, eventType, d.err)
	}
	return e, nil
}

// HelpView is one article read.
type HelpView struct {
	At        time.Time `json:"at"`
	ArticleID uuid.UUID `json:"article_id"`
	Category  string    `json:"category,omitempty"`
}

// HelpVisitorState is what a browser did in the help center, oldest first.
type HelpVisitorState struct {
	ID      uuid.UUID   `json:"id"`
	Version int64       `json:"version"`
	Views   []HelpView  `json:"views,omitempty"`
	Tickets []time.Time `json:"tickets,omitempty"`
}

// HelpVisitor is the aggregate.
type HelpVisitor struct{ s HelpVisitorState }

// NewHelpVisitor is a visitor before its first event.
func NewHelpVisitor() *HelpVisitor { return &HelpVisitor{s: HelpVisitorState{Version: -1}} }

// RestoreHelpVisitor continues from a state.
func RestoreHelpVisitor(s HelpVisitorState) *HelpVisitor { return &HelpVisitor{s: s} }

// State is the visitor's state; its slices are never written in place.
func (v *HelpVisitor) State() HelpVisitorState { return v.s }

// OpenArticle records an article read; it has no rule to break.
func (v *HelpVisitor) OpenArticle(article uuid.UUID, category string) ([]Event, error) {
	if article == uuid.Nil || !textOK(category, 0, maxShortText) {
		return nil, &ValidationError{Fields: []FieldError{{Field: "article", Message: "must be an article"}}}
	}
	return []Event{HelpArticleOpened{ArticleID: article, Category: category}}, nil
}

// OpenTicket records a ticket opened.
func (v *HelpVisitor) OpenTicket() ([]Event, error) { return []Event{HelpTicketOpened{}}, nil }

// Apply folds one event at its time.
func (v *HelpVisitor) Apply(e Event, at time.Time) {
	v.s.Version++
	switch e := e.(type) {
	case HelpArticleOpened:
		v.s.Views = append(slices.Clip(v.s.Views), HelpView{At: at.UTC(), ArticleID: e.ArticleID, Category: e.Category})
	case HelpTicketOpened:
		v.s.Tickets = append(slices.Clip(v.s.Tickets), at.UTC())
	}
}

// Deflections are the visitor's reads that count as deflections by now: each read at
// most once per article within DeflectionWindow (a second read of the same article in
// that time is the same visit), whose window has passed (now ≥ read + window) with no
// ticket opened in it.
func (s HelpVisitorState) Deflections(now time.Time) []HelpView {
	var out []HelpView
	last := map[uuid.UUID]time.Time{}
	for _, v := range s.Views {
		if prev, ok := last[v.ArticleID]; ok && v.At.Sub(prev) < DeflectionWindow {
			continue
		}
		last[v.ArticleID] = v.At
		end := v.At.Add(DeflectionWindow)
		if now.Before(end) {
			continue // still open: the browser may yet open a ticket
		}
		opened := slices.ContainsFunc(s.Tickets, func(t time.Time) bool { return !t.Before(v.At) && !t.After(end) })
		if !opened {
			out = append(out, v)
		}
	}
	return out
}
