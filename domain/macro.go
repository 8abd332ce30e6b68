package domain

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"
)

// A macro is a canned answer with optional changes: its body, in Chinese and English,
// becomes a public reply in the customer's language, and its set changes the ticket's
// status (waiting or resolved), priority, category and tags, all in one append
// (Ticket.ApplyMacro). The macros live in one stream, the macro library: a support team
// keeps tens or hundreds of them, and listing them is then one read, with no projection.

// MacroBody is a macro's reply in each language; one is enough.
type MacroBody struct {
	Zh string `json:"zh,omitempty"`
	En string `json:"en,omitempty"`
}

// For is the body in the language a customer reads: zh for "zh", else en; when that one
// is empty, the other.
func (b MacroBody) For(language string) string {
	first, second := b.En, b.Zh
	if language == "zh" {
		first, second = b.Zh, b.En
	}
	if strings.TrimSpace(first) != "" {
		return first
	}
	return second
}

// MacroSet is what a macro changes besides replying. Status is waiting or resolved (the
// reply is the reason or the resolution); Tags are added to the ticket's.
type MacroSet struct {
	Status   Status   `json:"status,omitempty"`
	Priority Priority `json:"priority,omitempty"`
	Category string   `json:"category,omitempty"`
	Tags     []string `json:"tags,omitempty"`
}

// Macro is one saved macro.
type Macro struct {
	ID   uuid.UUID `json:"id"`
	Name string    `json:"name"`
	Body MacroBody `json:"body"`
	Set  MacroSet  `json:"set"`
}

// Stored type names of the macro library's events, and of the ticket event naming the
// macro a reply came from.
const (
	TypeMacroCreated = "MacroCreated"
	TypeMacroUpdated = "MacroUpdated"
	TypeMacroDeleted = "MacroDeleted"
	TypeMacroApplied = "MacroApplied"
)

// MacroCreated and MacroUpdated carry the whole macro as saved.
type (
	MacroCreated struct{ Macro }
	MacroUpdated struct{ Macro }
)

// MacroDeleted removes a macro; tickets it was applied to keep their events.
type MacroDeleted struct {
	MacroID uuid.UUID `json:"id"`
}

// MacroApplied is the first event of a macro's append to a ticket: it names the macro
// (as it was named then) that the reply and changes after it in the same append came from.
type MacroApplied struct {
	MacroID uuid.UUID `json:"macro_id"`
	Name    string    `json:"name"`
}

func (MacroCreated) EventType() string { return TypeMacroCreated }
func (MacroUpdated) EventType() string { return TypeMacroUpdated }
func (MacroDeleted) EventType() string { return TypeMacroDeleted }
func (MacroApplied) EventType() string { return TypeMacroApplied }

// DecodeMacroEvent turns a stored macro library event back into its value.
func DecodeMacroEvent(eventType string, data []byte) (Event, error) {
	var e Event
	switch eventType {
	case TypeMacroCreated:
		e = decodeInto[MacroCreated](data)
	case TypeMacroUpdated:
		e = decodeInto[MacroUpdated](data)
	case TypeMacroDeleted:
		e = decodeInto[MacroDeleted](data)
	default:
		return nil, fmt.Errorf("%w: unknown macro event type %q", ErrInvalid, eventType)
	}
	if d, ok := e.(decodeFailure); ok {
		return nil, fmt.Errorf("%w: %s data: %v", ErrInvalid, eventType, d.err)
	}
	return e, nil
}

// MacroLibraryState is every macro, by name then id, and the stream's version.
type MacroLibraryState struct {
	Version int64   `json:"version"`
	Macros  []Macro `json:"macros"`
}

// MacroLibrary is the aggregate of the macros.
type MacroLibrary struct{ s MacroLibraryState }

// NewMacroLibrary is the library before its first event.
func NewMacroLibrary() *MacroLibrary { return &MacroLibrary{s: MacroLibraryState{Version: -1}} }

// RestoreMacroLibrary continues from a state.
func RestoreMacroLibrary(s MacroLibraryState) *MacroLibrary { return &MacroLibrary{s: s} }

// State returns the library's state; its slice is never written in place.
func (l *MacroLibrary) State() MacroLibraryState { return l.s }

// Macro finds a macro by id.
func (l *MacroLibrary) Macro(id uuid.UUID) (Macro, bool) {
	i := slices.IndexFunc(l.s.Macros, func(m Macro) bool { return m.ID == id })
	if i < 0 {
		return Macro{}, false
	}
	return l.s.Macros[i], true
}

// Apply folds one event; the slice is copied, never written in place (states are shared).
func (l *MacroLibrary) Apply(e Event) {
	l.s.Version++
	var id uuid.UUID
	var saved *Macro
	switch e := e.(type) {
	case MacroCreated:
		id, saved = e.ID, &e.Macro
	case MacroUpdated:
		id, saved = e.ID, &e.Macro
	case MacroDeleted:
		id = e.MacroID
	default:
		return
	}
	out := slices.DeleteFunc(slices.Clone(l.s.Macros), func(m Macro) bool { return m.ID == id })
	if saved != nil {
		out = append(out, *saved)
	}
	slices.SortFunc(out, func(a, b Macro) int {
		if c := strings.Compare(a.Name, b.Name); c != 0 {
			return c
		}
		return strings.Compare(a.ID.String(), b.ID.String())
	})
	l.s.Macros = out
}

// CreateMacro saves a new macro under a new id.
func (l *MacroLibrary) CreateMacro(m Macro) ([]Event, error) {
	m, err := checkMacro(m)
	if err != nil {
		return nil, err
	}
	if _, exists := l.Macro(m.ID); exists || m.ID == uuid.Nil {
		return nil, fmt.Errorf("%w: macro %s exists", ErrConflict, m.ID)
	}
	return []Event{MacroCreated{m}}, nil
}

// UpdateMacro replaces a macro's name, body and set.
func (l *MacroLibrary) UpdateMacro(m Macro) ([]Event, error) {
	if _, exists := l.Macro(m.ID); !exists {
		return nil, ErrNotFound
	}
	m, err := checkMacro(m)
	if err != nil {
		return nil, err
	}
	return []Event{MacroUpdated{m}}, nil
}

// DeleteMacro removes a macro.
func (l *MacroLibrary) DeleteMacro(id uuid.UUID) ([]Event, error) {
	if _, exists := l.Macro(id); !exists {
		return nil, ErrNotFound
	}
	return []Event{MacroDeleted{MacroID: id}}, nil
}

// checkMacro validates a macro and returns it with its tags normalised.
func checkMacro(m Macro) (Macro, error) {
	var v validator
	v.check(textOK(m.Name, 1, maxShortText), "name", "is required, at most 200 characters")
	v.check(strings.TrimSpace(m.Body.Zh) != "" || strings.TrimSpace(m.Body.En) != "", "body", "needs zh or en (or both)")
	maxLen := maxBody
	if m.Set.Status == StatusWaiting {
		maxLen = maxReason // the reply is also the reason for waiting
	}
	for _, b := range []struct{ field, text string }{{"body.zh", m.Body.Zh}, {"body.en", m.Body.En}} {
		checkBody(&v, b.field, b.text, maxLen)
	}
	v.check(m.Set.Status == "" || m.Set.Status == StatusWaiting || m.Set.Status == StatusResolved, "set.status", "must be waiting or resolved")
	v.check(m.Set.Priority == "" || m.Set.Priority.Valid(), "set.priority", "must be one of P1, P2, P3, P4")
	v.check(textOK(m.Set.Category, 0, maxShortText), "set.category", "is at most 200 characters")
	m.Set.Tags = normalizeTags(&v, "set.tags", m.Set.Tags)
	v.check(len(m.Set.Tags) <= MaxTags, "set.tags", fmt.Sprintf("at most %d tags", MaxTags))
	if len(m.Set.Tags) == 0 {
		m.Set.Tags = nil
	}
	return m, v.err()
}

// checkBody refuses text the edge rule refuses, a bad template, and a body that could
// fill to more than maxLen characters (every variable at its longest).
func checkBody(v *validator, field, body string, maxLen int) {
	if !textOK(body, 0, maxBody) {
		v.check(false, field, "is at most 100000 characters of text")
		return
	}
	parts, err := parseTemplate(body)
	if err != nil {
		v.check(false, field, err.Error())
		return
	}
	v.check(maxRenderedLength(parts) <= maxLen, field,
		fmt.Sprintf("may fill to more than %d characters (each variable counts as %d)", maxLen, maxShortText))
}

// Step is one decision of a command that makes several changes (Combine).
type Step func(*Ticket) ([]Event, error)

// Combine runs decisions one after another, each on the ticket as the events of those
// before it left it, and returns all their events to be appended together at one
// version: the first refusal refuses them all. t itself is unchanged (a copy decides;
// Apply never writes into a shared slice).
func (t *Ticket) Combine(at time.Time, steps ...Step) ([]Event, error) {
	c := RestoreTicket(t.s)
	var out []Event
	for _, step := range steps {
		events, err := step(c)
		if err != nil {
			return nil, err
		}
		for _, e := range events {
			c.Apply(e, at)
		}
		out = append(out, events...)
	}
	return out, nil
}

// MacroVars are the values of a macro's variables on this ticket, agentName being the
// name of who applies it.
func (t *Ticket) MacroVars(agentName string) map[string]string {
	return map[string]string{"customer.name": t.s.Customer.Name, "ticket.number": t.s.Number, "agent.name": agentName}
}

// ApplyMacro is the macro on this ticket: MacroApplied, the public reply in the
// customer's language with the variables filled, the tags, the category and priority,
// then the status, all or nothing (Combine). The ticket must be open, as for a reply.
func (t *Ticket) ApplyMacro(m Macro, agentName string, at time.Time, p SLAPolicy, atts ...Attachment) ([]Event, error) {
	if err := t.require("apply macro", t.s.Status.Open()); err != nil {
		return nil, err
	}
	reply := RenderTemplate(m.Body.For(t.s.Customer.Language), t.MacroVars(agentName))
	steps := []Step{
		func(*Ticket) ([]Event, error) { return []Event{MacroApplied{MacroID: m.ID, Name: m.Name}}, nil },
		func(x *Ticket) ([]Event, error) { return x.ReplyAt(reply, true, at, p, atts...) },
	}
	if len(m.Set.Tags) > 0 {
		steps = append(steps, func(x *Ticket) ([]Event, error) { return x.ChangeTags(m.Set.Tags, nil) })
	}
	if m.Set.Category != "" || m.Set.Priority != "" {
		steps = append(steps, func(x *Ticket) ([]Event, error) { return x.reclassify(m.Set, p) })
	}
	switch m.Set.Status {
	case StatusWaiting:
		steps = append(steps, func(x *Ticket) ([]Event, error) { return x.Wait(reply) })
	case StatusResolved:
		steps = append(steps, func(x *Ticket) ([]Event, error) { return x.ResolveAt(reply, at, p) })
	}
	return t.Combine(at, steps...)
}

// reclassify applies a macro's category and priority: a classification when it names a
// category (at its priority, else the current one), a new priority alone otherwise.
func (t *Ticket) reclassify(set MacroSet, p SLAPolicy) ([]Event, error) {
	if set.Category == "" {
		return t.Reprioritize(set.Priority, "", p)
	}
	prio := set.Priority
	if prio == "" {
		prio = t.s.Priority
	}
	return t.Classify(ClassifyTicket{Category: set.Category, Priority: prio}, p)
}
