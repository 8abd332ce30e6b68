package httpapi

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/ticketengine/ticketengine/application/access"
	"github.com/ticketengine/ticketengine/application/command"
	"github.com/ticketengine/ticketengine/application/eventlog"
	"github.com/ticketengine/ticketengine/application/query"
	"github.com/ticketengine/ticketengine/domain"
)

// receivedResponse is the answer to POST /tickets: the only place the access code shows.
type receivedResponse struct {
	ID         string        `json:"id"`
	Number     string        `json:"number"`
	AccessCode string        `json:"access_code"`
	Status     domain.Status `json:"status"`
	Version    int64         `json:"version"`
}

func (s *Server) receiveTicket(w http.ResponseWriter, r *http.Request) {
	var req receiveRequest
	meta, err := decodeCommand(w, r, principal(r), &req, false)
	if err == nil && req.Customer.RecordID != "" {
		err = fieldError("customer.record_id", "is the server's: the ticket joins a record by customer.id, else email")
	}
	if err != nil {
		s.writeProblem(w, r, err)
		return
	}
	res, err := attached(s, r.Context(), principal(r).Actor(), req.Attachments, meta, func(atts []domain.Attachment) (command.ReceivedTicket, error) {
		return s.Commands.Receive.Handle(r.Context(), command.ReceiveTicket{Channel: req.Channel, Customer: req.Customer,
			Subject: req.Subject, Body: req.Body, Attachments: atts}, meta)
	})
	if err != nil {
		s.writeProblem(w, r, err)
		return
	}
	t := res.Ticket
	w.Header().Set("Location", "/tickets/"+t.ID.String())
	w.Header().Set("ETag", strconv.Quote(strconv.FormatInt(t.Version, 10)))
	writeJSON(w, http.StatusCreated, receivedResponse{ID: t.ID.String(), Number: t.Number, AccessCode: res.AccessCode, Status: t.Status, Version: t.Version})
}

// getTicket folds the ticket's stream; ?as_of= replays it up to a moment (auditors,
// supervisors and admins only).
func (s *Server) getTicket(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.writeProblem(w, r, err)
		return
	}
	var asOf time.Time
	if raw := r.URL.Query().Get("as_of"); raw != "" {
		if err := access.Authorize(principal(r), access.TicketAsOf); err != nil {
			s.writeProblem(w, r, fmt.Errorf("as_of is for auditors, supervisors and admins: %w", err))
			return
		}
		if asOf, err = time.Parse(time.RFC3339Nano, raw); err != nil {
			s.writeProblem(w, r, fieldError("as_of", "must be an RFC 3339 time"))
			return
		}
	}
	t, err := query.GetTicket(r.Context(), s.Store, id, asOf)
	if err != nil {
		s.writeProblem(w, r, err)
		return
	}
	now := s.Clock.Now()
	if !asOf.IsZero() {
		now = asOf
	}
	w.Header().Set("ETag", strconv.Quote(strconv.FormatInt(t.Version, 10)))
	writeJSON(w, http.StatusOK, query.NewTicketView(t, now))
}

// EventView is one event as GET /tickets/{id}/events shows it.
type EventView struct {
	Position   uint64         `json:"position"`
	Version    int64          `json:"version"`
	ID         string         `json:"id"`
	Type       string         `json:"type"`
	OccurredAt query.JSONTime `json:"occurred_at"`
	Actor      string         `json:"actor"`
	Rule       string         `json:"rule,omitempty"`
	Data       any            `json:"data"`
	// Opened is Data with the customer's sealed personal fields opened (empty once the
	// customer is erased); absent when the event holds none. Data is what the hash covers.
	Opened         any    `json:"opened,omitempty"`
	CorrelationID  string `json:"correlation_id"`
	CausationID    string `json:"causation_id"`
	IdempotencyKey string `json:"idempotency_key,omitempty"`
	RequestHash    string `json:"request_hash,omitempty"` // covered by the hash: needed to verify it
	LeaseEpoch     uint64 `json:"lease_epoch,omitempty"`  // likewise (a background duty's, docs/SCALING.md)
	Hash           string `json:"hash"`
	PrevHash       string `json:"prev_hash"`
}

func (s *Server) ticketEvents(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.writeProblem(w, r, err)
		return
	}
	opener, sealed := s.Store.(sealedStore)
	store := s.Store
	if sealed {
		store = opener.Raw()
	}
	recs, err := query.TicketEvents(r.Context(), store, id)
	if err != nil {
		s.writeProblem(w, r, err)
		return
	}
	out := make([]EventView, len(recs))
	for i, rec := range recs {
		out[i] = EventView{
			Position: rec.Position, Version: rec.Version, ID: rec.ID.String(), Type: rec.Type,
			OccurredAt: query.JSONTime(rec.Meta.OccurredAt), Actor: rec.Meta.Actor, Rule: rec.Meta.Rule,
			Data: rawJSON(rec.Data), CorrelationID: rec.Meta.CorrelationID, CausationID: rec.Meta.CausationID,
			IdempotencyKey: rec.Meta.IdempotencyKey, RequestHash: rec.Meta.RequestHash, LeaseEpoch: rec.Meta.LeaseEpoch, Hash: rec.Hash, PrevHash: rec.PrevHash,
		}
		if !sealed {
			continue
		}
		open, err := opener.OpenRecord(r.Context(), rec)
		if err != nil {
			s.writeProblem(w, r, err)
			return
		}
		if !bytes.Equal(open.Data, rec.Data) {
			out[i].Opened = rawJSON(open.Data)
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"events": out})
}

// sealedStore is an event store that keeps customers' personal fields sealed and opens
// them as it reads (application/erasure.OpeningStore). The events route shows what is
// stored, which the hash chain covers, beside what it opens to.
type sealedStore interface {
	Raw() eventlog.EventStore
	OpenRecord(ctx context.Context, r eventlog.Record) (eventlog.Record, error)
}

type rawJSON []byte

func (r rawJSON) MarshalJSON() ([]byte, error) {
	if len(r) == 0 {
		return []byte("null"), nil
	}
	return r, nil
}

func fieldError(field, message string) error {
	return &domain.ValidationError{Fields: []domain.FieldError{{Field: field, Message: message}}}
}
