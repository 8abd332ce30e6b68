package projections

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/application/eventlog"
	"github.com/ticketengine/ticketengine/application/hotissues"
	"github.com/ticketengine/ticketengine/domain"
)

// ErrGap means a record arrived whose stream version is past the next one a row
// expects: a record was lost on the way. Projections refuse to guess; the record is
// retried (redelivered), and a rebuild repairs a store that really lost one. Read from
// the event store in its order (CatchUp, FollowBatch) nothing can be lost on the way:
// there the record is skipped and recorded instead (proj.go, apply).
var ErrGap = errors.New("projection: stream version gap")

// streamKinds are the streams projections read, in the order decode tries their
// prefixes, each with the decoder of its records.
var streamKinds = []struct {
	prefix string
	kind   Kind
	decode func(rest, typ string, data []byte) (uuid.UUID, domain.Event, error)
}{
	{eventlog.TicketStreamPrefix, TicketStreams, idInStream(domain.DecodeTicketEvent)},
	{eventlog.AgentStreamPrefix, AgentStreams, idInStream(domain.DecodeAgentEvent)},
	{eventlog.ArticleStreamPrefix, ArticleStreams, idInStream(domain.DecodeArticleEvent)},
	{eventlog.HelpVisitorStreamPrefix, HelpVisitorStreams, idInStream(domain.DecodeHelpVisitEvent)},
	{eventlog.ArticleFeedbackStreamPrefix, ArticleFeedbackStreams, idInStream(domain.DecodeArticleFeedbackEvent)},
	{eventlog.TokenStreamPrefix, TokenStreams, decodeToken},
	{eventlog.HotIssueStreamPrefix, HotIssueStreams, idInStream(hotissues.Decode)},
}

// idInStream is the decoder of a kind whose aggregate id is the rest of the stream's name
// after the prefix, and whose events decodeEvent makes.
func idInStream[E domain.Event](decodeEvent func(typ string, data []byte) (E, error)) func(rest, typ string, data []byte) (uuid.UUID, domain.Event, error) {
	return func(rest, typ string, data []byte) (uuid.UUID, domain.Event, error) {
		id, err := uuid.Parse(rest)
		if err != nil {
			return id, nil, err
		}
		e, err := decodeEvent(typ, data)
		return id, e, err
	}
}

// decode returns the record's aggregate and event; ok is false for streams no
// projection reads (ticket numbers, reservations).
func decode(rec eventlog.Record) (Event, bool, error) {
	d := Event{Record: rec}
	for _, k := range streamKinds {
		rest, ok := strings.CutPrefix(rec.Stream, k.prefix)
		if !ok {
			continue
		}
		var err error
		d.Kind = k.kind
		d.ID, d.Data, err = k.decode(rest, rec.Type, rec.Data)
		if err != nil {
			return d, false, fmt.Errorf("projection: record %s v%d at %d does not decode: %v", rec.Stream, rec.Version, rec.Position, err)
		}
		return d, true, nil
	}
	return d, false, nil
}

// next reports whether a record of stream version v follows a row at version have:
// false for one already applied (a duplicate), ErrGap for one past the next.
func next(have, v int64, rec eventlog.Record) (bool, error) {
	switch {
	case v <= have:
		return false, nil
	case v == have+1:
		return true, nil
	}
	return false, fmt.Errorf("%w: %s has version %d, record %d has version %d", ErrGap, rec.Stream, have, rec.Position, v)
}

// emptyTicket is the row of a ticket before its first event.
func emptyTicket() domain.TicketState { return domain.NewTicket().State() }

// ApplyTicket folds one ticket event into a snapshot with the write side's own Apply, so
// the read models agree with the aggregate by construction. The access code's hash is
// left out: read models are open to analysts, and the portal checks codes against the
// event store.
func ApplyTicket(s domain.TicketState, e domain.Event, at time.Time) domain.TicketState {
	t := domain.RestoreTicket(s)
	t.Apply(e, at)
	n := t.State()
	n.AccessCodeHash = ""
	return n
}

// ApplyAgent folds one agent event into a snapshot.
func ApplyAgent(s domain.AgentState, e domain.Event) domain.AgentState {
	a := domain.RestoreAgent(s)
	a.Apply(e)
	n := a.State()
	n.PasswordHash = "" // read models never hold a password's hash
	return n
}

// emptyAgent is the row of an agent before registration.
func emptyAgent() domain.AgentState { return domain.NewAgent().State() }
