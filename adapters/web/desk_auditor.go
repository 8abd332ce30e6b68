package web

import (
	"context"
	"encoding/json"
	"net/http"
	"time"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/application"
	"github.com/ticketengine/ticketengine/application/auth"
	"github.com/ticketengine/ticketengine/application/command"
	"github.com/ticketengine/ticketengine/application/eventlog"
	"github.com/ticketengine/ticketengine/application/query"
)

// The auditor's pages: GET /desk/audit finds a ticket by number; GET
// /desk/audit/tickets/{id}?as_of= shows its history event by event with the hash-chain
// check, and the ticket as it stood at as_of (GET /tickets/{id}?as_of= of the API).

// History is the event log as the auditor reads it.
type History interface {
	// TicketEvents is a ticket's records, oldest first, or application.ErrNotFound; their
	// personal fields opened, as the API shows them.
	TicketEvents(ctx context.Context, id uuid.UUID) ([]eventlog.Record, error)
	// SealedEvents are the same records as stored (personal fields sealed): what the hash
	// chain covers.
	SealedEvents(ctx context.Context, id uuid.UUID) ([]eventlog.Record, error)
	// TicketByNumber is the id of the ticket that holds a number (no access code: staff).
	TicketByNumber(ctx context.Context, number string) (uuid.UUID, error)
}

// StoreHistory is History on the event store: Store as readers see it (sealed personal
// fields opened), Raw its own records (nil: Store's records are the stored ones).
type StoreHistory struct{ Store, Raw eventlog.EventStore }

// SealedEvents implements History.
func (h StoreHistory) SealedEvents(ctx context.Context, id uuid.UUID) ([]eventlog.Record, error) {
	if h.Raw == nil {
		return h.TicketEvents(ctx, id)
	}
	return query.TicketEvents(ctx, h.Raw, id)
}

// TicketEvents implements History.
func (h StoreHistory) TicketEvents(ctx context.Context, id uuid.UUID) ([]eventlog.Record, error) {
	return query.TicketEvents(ctx, h.Store, id)
}

// TicketByNumber implements History: the number's reservation names the ticket.
func (h StoreHistory) TicketByNumber(ctx context.Context, number string) (uuid.UUID, error) {
	recs, err := h.Store.ReadStream(ctx, eventlog.NumberStreamPrefix+"TK-"+auth.NormalizeTicketNumber(number))
	if err != nil {
		return uuid.Nil, err
	}
	var res auth.NumberReservation
	if len(recs) == 0 || recs[0].Type != auth.TypeTicketNumberReserved ||
		json.Unmarshal(recs[0].Data, &res) != nil || res.TicketID == uuid.Nil {
		return uuid.Nil, application.ErrNotFound
	}
	return res.TicketID, nil
}

// auditIndex is GET /desk/audit[?number=]: the look-up form; a number goes to its history.
func (s *Server) auditIndex(w http.ResponseWriter, r *http.Request) {
	if n := queryValue(r, "number"); n != "" {
		id, err := s.History.TicketByNumber(r.Context(), n)
		if err != nil {
			s.failWith(w, r, err)
			return
		}
		http.Redirect(w, r, "/desk/audit/tickets/"+id.String(), http.StatusSeeOther)
		return
	}
	s.renderDesk(w, r, http.StatusOK, "desk_auditor", "audit.title", nil)
}

// auditEvent is one event as the history shows it.
type auditEvent struct {
	Version                     int64
	Type, At, AsOf, Actor, Data string
	Hash, PrevHash, Correlation string
	Shown                       bool // at or before as_of
}

// asOfLayouts are what the time picker (datetime-local, to the millisecond) and the API
// (RFC 3339) send; a time without a zone is UTC, as every page shows times.
var asOfLayouts = []string{time.RFC3339Nano, "2006-01-02T15:04:05.999", "2006-01-02T15:04"}

func parseAsOf(v string) (time.Time, error) {
	var err error
	for _, l := range asOfLayouts {
		var t time.Time
		if t, err = time.Parse(l, v); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, err
}

// auditTicket is GET /desk/audit/tickets/{id}?as_of=.
func (s *Server) auditTicket(w http.ResponseWriter, r *http.Request) {
	id, err := uuid.Parse(r.PathValue("id"))
	if err != nil {
		s.fail(w, r, http.StatusNotFound, "error.not_found")
		return
	}
	recs, err := s.History.TicketEvents(r.Context(), id)
	if err != nil {
		s.failWith(w, r, err)
		return
	}
	sealed, err := s.History.SealedEvents(r.Context(), id)
	if err != nil {
		s.failWith(w, r, err)
		return
	}
	v := eventlog.NewChainVerifier()
	for _, rec := range sealed {
		v.Add(rec)
	}
	last := recs[len(recs)-1].Meta.OccurredAt
	asOf, status := last, http.StatusOK
	data := map[string]any{"ID": id.String(), "Events": len(sealed), "Problems": v.Problems}
	if raw := queryValue(r, "as_of"); raw != "" {
		if asOf, err = parseAsOf(raw); err != nil {
			asOf, status = last, http.StatusUnprocessableEntity
			data["Errors"] = []fieldMessage{{Field: "as_of"}}
		}
	}
	kept := query.RecordsAsOf(recs, asOf)
	data["History"] = auditEvents(recs, len(kept))
	data["AsOf"] = asOf.Format("2006-01-02T15:04:05.000")
	data["AsOfShown"] = asOf.Format("2006-01-02 15:04:05.000 UTC")
	if len(kept) > 0 {
		t, err := command.FoldTicket(kept)
		if err != nil {
			s.failWith(w, r, err)
			return
		}
		view := query.NewTicketView(t.State(), asOf)
		data["Ticket"] = view
		if view.AssigneeName != nil {
			data["Assignee"] = *view.AssigneeName
		}
	}
	s.renderDesk(w, r, status, "desk_auditor_ticket", "audit.ticket_title", data)
}

// auditEvents shows each record; the first `shown` are the ones as_of includes.
func auditEvents(recs []eventlog.Record, shown int) []auditEvent {
	out := make([]auditEvent, len(recs))
	for i, rec := range recs {
		at := rec.Meta.OccurredAt.UTC()
		out[i] = auditEvent{Version: rec.Version, Type: rec.Type, At: at.Format("2006-01-02 15:04:05.000 UTC"),
			AsOf: at.Format(time.RFC3339Nano), Actor: rec.Meta.Actor, Data: string(rec.Data),
			Hash: rec.Hash, PrevHash: rec.PrevHash, Correlation: rec.Meta.CorrelationID, Shown: i < shown}
	}
	return out
}
