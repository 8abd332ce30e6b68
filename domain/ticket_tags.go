package domain

import (
	"fmt"
	"slices"
	"strings"
	"unicode"

	"github.com/ticketengine/ticketengine/domain/text"
)

// Tag rules, as a Zendesk user expects them (docs/API-NOTES.md "Tags"): a tag is
// compared and kept lower-cased and trimmed, a run of inner spaces becomes one "_"
// (Zendesk splits on spaces; one tag per entry is clearer in JSON), it is at most
// MaxTagLength characters, and a ticket carries at most MaxTags of them.
const (
	MaxTagLength = 80
	MaxTags      = 50
)

// TypeTicketTagsChanged is the stored type name of TicketTagsChanged.
const TypeTicketTagsChanged = "TicketTagsChanged"

// TicketTagsChanged adds and removes tags in one command; both lists are normalised and
// name only real changes (an added tag was absent, a removed one present).
type TicketTagsChanged struct {
	Added   []string `json:"added,omitempty"`
	Removed []string `json:"removed,omitempty"`
}

// EventType implements Event.
func (TicketTagsChanged) EventType() string { return TypeTicketTagsChanged }

// NormalizeTag applies the tag rule: the text rule (domain/text), trimmed, lower-cased,
// inner white space runs as one "_". ok is false for an empty or too long tag, or text
// the edge rule refuses.
func NormalizeTag(s string) (string, bool) {
	n, err := text.Normalize(s, 0)
	if err != nil {
		return "", false
	}
	n = strings.Join(strings.FieldsFunc(strings.ToLower(n), unicode.IsSpace), "_")
	return n, n != "" && text.Len(n) <= MaxTagLength
}

// normalizeTags normalises a list, reporting bad entries as field[i]; duplicates go.
func normalizeTags(v *validator, field string, tags []string) []string {
	out := make([]string, 0, len(tags))
	for i, t := range tags {
		n, ok := NormalizeTag(t)
		v.check(ok, fmt.Sprintf("%s[%d]", field, i), fmt.Sprintf("must be a tag of 1 to %d characters", MaxTagLength))
		if ok && !slices.Contains(out, n) {
			out = append(out, n)
		}
	}
	return out
}

// ChangeTags adds and removes tags, in one event. Every status but closed allows it (a
// closed ticket is final, as in Zendesk). A tag both added and removed is refused;
// nothing to change records nothing.
func (t *Ticket) ChangeTags(add, remove []string) ([]Event, error) {
	var v validator
	add, remove = normalizeTags(&v, "add", add), normalizeTags(&v, "remove", remove)
	for _, a := range add {
		v.check(!slices.Contains(remove, a), "remove", fmt.Sprintf("%q is both added and removed", a))
	}
	if err := v.err(); err != nil {
		return nil, err
	}
	if err := t.require("tag", t.Exists() && t.s.Status != StatusClosed); err != nil {
		return nil, err
	}
	var e TicketTagsChanged
	for _, a := range add {
		if !slices.Contains(t.s.Tags, a) {
			e.Added = append(e.Added, a)
		}
	}
	for _, r := range remove {
		if slices.Contains(t.s.Tags, r) {
			e.Removed = append(e.Removed, r)
		}
	}
	if len(t.s.Tags)+len(e.Added)-len(e.Removed) > MaxTags {
		return nil, &ValidationError{Fields: []FieldError{{Field: "add", Message: fmt.Sprintf("a ticket has at most %d tags", MaxTags)}}}
	}
	if len(e.Added) == 0 && len(e.Removed) == 0 {
		return nil, nil
	}
	return []Event{e}, nil
}

// withTags is tags after the change, sorted, in a new array: states are shared by
// projections and never changed in place.
func withTags(tags []string, e TicketTagsChanged) []string {
	out := make([]string, 0, len(tags)+len(e.Added))
	for _, t := range tags {
		if !slices.Contains(e.Removed, t) {
			out = append(out, t)
		}
	}
	for _, a := range e.Added {
		if !slices.Contains(out, a) {
			out = append(out, a)
		}
	}
	slices.Sort(out)
	if len(out) == 0 {
		return nil
	}
	return out
}

// HasTag reports whether the ticket carries the (normalised) tag.
func (s TicketState) HasTag(tag string) bool { return slices.Contains(s.Tags, tag) }
