package domain

import (
	"encoding/json"
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
		if !t.s.Tags.Has(a) {
			e.Added = append(e.Added, a)
		}
	}
	for _, r := range remove {
		if t.s.Tags.Has(r) {
			e.Removed = append(e.Removed, r)
		}
	}
	if t.s.Tags.Len()+len(e.Added)-len(e.Removed) > MaxTags {
		return nil, &ValidationError{Fields: []FieldError{{Field: "add", Message: fmt.Sprintf("a ticket has at most %d tags", MaxTags)}}}
	}
	if len(e.Added) == 0 && len(e.Removed) == 0 {
		return nil, nil
	}
	return []Event{e}, nil
}

// withTags is tags after the change, sorted.
func withTags(t TagList, e TicketTagsChanged) TagList { return NewTagList(e.Apply(t.List())) }

// Apply is tags after the change, in a new slice: those not removed in their order, then
// those added that were not there. The ticket (TagList) and the read models that keep a
// ticket's tags apply a change with it, so that they agree.
func (e TicketTagsChanged) Apply(tags []string) []string {
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
	return out
}

// TagList is a ticket's tags, normalised and sorted. It is a comparable value (the tags
// joined by NUL, which no tag holds), so TicketState stays comparable with ==, as the
// projections compare snapshots; in JSON it is an array of strings.
type TagList struct{ joined string }

// NewTagList makes a list of normalised tags (sorted, duplicates dropped).
func NewTagList(tags []string) TagList {
	s := slices.Clone(tags)
	slices.Sort(s)
	return TagList{joined: strings.Join(slices.Compact(s), "\x00")}
}

// Joined is the tags joined by NUL, as TagListOf takes them back (a store's compact form).
func (l TagList) Joined() string { return l.joined }

// TagListOf is the list Joined gave.
func TagListOf(joined string) TagList { return TagList{joined: joined} }

// List returns the tags, sorted; nil for none.
func (l TagList) List() []string {
	if l.joined == "" {
		return nil
	}
	return strings.Split(l.joined, "\x00")
}

// Len is the number of tags.
func (l TagList) Len() int {
	if l.joined == "" {
		return 0
	}
	return strings.Count(l.joined, "\x00") + 1
}

// Has reports whether the (normalised) tag is in the list.
func (l TagList) Has(tag string) bool { return tag != "" && slices.Contains(l.List(), tag) }

// IsZero reports whether there are no tags (encoding/json's omitzero).
func (l TagList) IsZero() bool { return l.joined == "" }

// MarshalJSON writes the tags as an array ([] for none).
func (l TagList) MarshalJSON() ([]byte, error) {
	tags := l.List()
	if tags == nil {
		tags = []string{}
	}
	return json.Marshal(tags)
}

// UnmarshalJSON reads an array of tags (null: none).
func (l *TagList) UnmarshalJSON(b []byte) error {
	var tags []string
	if err := json.Unmarshal(b, &tags); err != nil {
		return err
	}
	*l = NewTagList(tags)
	return nil
}
