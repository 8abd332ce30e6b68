package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"time"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/adapters/httpapi"
	"github.com/ticketengine/ticketengine/application"
	"github.com/ticketengine/ticketengine/domain"
	"github.com/ticketengine/ticketengine/domain/text"
)

// resolveTicket takes a ticket id, or a ticket number as customers see it (TK-7Q2M9X,
// in any case), which the ticketnumber-<N> stream maps to the id.
func resolveTicket(ctx context.Context, store application.EventStore, ref string) (uuid.UUID, error) {
	if id, err := uuid.Parse(ref); err == nil {
		return id, nil
	}
	stream := application.NumberStreamPrefix + "TK-" + application.NormalizeTicketNumber(ref)
	recs, err := store.ReadStream(ctx, stream)
	if err != nil {
		return uuid.Nil, err
	}
	var res application.NumberReservation
	if len(recs) == 0 || recs[0].Type != application.TypeTicketNumberReserved {
		return uuid.Nil, fmt.Errorf("%q is neither a ticket id nor a known ticket number: %w", ref, application.ErrNotFound)
	}
	if err := json.Unmarshal(recs[0].Data, &res); err != nil || res.TicketID == uuid.Nil {
		return uuid.Nil, fmt.Errorf("%s: the reservation does not name a ticket", stream)
	}
	return res.TicketID, nil
}

// replayStep is one line of `replay --json`: the event as GET /tickets/{id}/events shows
// it, and the ticket as GET /tickets/{id} would have shown it right after.
type replayStep struct {
	Event  *httpapi.EventView     `json:"event,omitempty"`
	AsOf   *application.JSONTime  `json:"as_of,omitempty"`
	Ticket application.TicketView `json:"ticket"`
}

// replayTicket folds the ticket's events one by one and writes each with the state after
// it. With a non-zero asOf it keeps only the events application.RecordsAsOf keeps (the
// rule of GET /tickets/{id}?as_of=) and ends with the ticket as of that moment, which is
// exactly that endpoint's answer.
func replayTicket(ctx context.Context, store application.EventStore, id uuid.UUID, asOf time.Time, asJSON bool, out io.Writer) error {
	recs, err := application.TicketEvents(ctx, store, id)
	if err != nil {
		return fmt.Errorf("ticket %s: %w", id, err)
	}
	if !asOf.IsZero() {
		if recs = application.RecordsAsOf(recs, asOf); len(recs) == 0 {
			return fmt.Errorf("ticket %s did not exist yet at %s: %w", id, asOf.UTC().Format(application.TimeFormat), application.ErrNotFound)
		}
	}
	w := bufio.NewWriter(out)
	t := domain.NewTicket()
	for _, r := range recs {
		e, err := domain.DecodeTicketEvent(r.Type, r.Data)
		if err != nil {
			return fmt.Errorf("stored event %s v%d does not decode: %v", r.Stream, r.Version, err)
		}
		t.Apply(e, r.Meta.OccurredAt)
		view := application.NewTicketView(t.State(), r.Meta.OccurredAt)
		if err := writeStep(w, asJSON, &r, nil, view); err != nil {
			return err
		}
	}
	if !asOf.IsZero() {
		at := application.JSONTime(application.Truncate(asOf))
		if err := writeStep(w, asJSON, nil, &at, application.NewTicketView(t.State(), asOf)); err != nil {
			return err
		}
	}
	return w.Flush()
}

func writeStep(w *bufio.Writer, asJSON bool, r *application.Record, asOf *application.JSONTime, view application.TicketView) error {
	if !asJSON {
		// Names, teams and bodies are shown with their direction controls escaped, so a
		// stored U+202E cannot reverse the rest of a line on the reader's terminal.
		if r != nil {
			fmt.Fprintf(w, "v%-3d %s  %-28s %-22s %s\n", r.Version, r.Meta.OccurredAt.UTC().Format(application.TimeFormat),
				text.EscapeDirection(r.Meta.Actor), r.Type, text.EscapeDirection(summarize(r.Data)))
		} else {
			fmt.Fprintf(w, "as of %s:\n", time.Time(*asOf).Format(application.TimeFormat))
		}
		_, err := fmt.Fprintf(w, "     → %s\n", text.EscapeDirection(describeState(view)))
		return err
	}
	step := replayStep{AsOf: asOf, Ticket: view}
	if r != nil {
		step.Event = eventView(*r)
	}
	enc := json.NewEncoder(w) // as the API writes: no HTML escaping, one value per line
	enc.SetEscapeHTML(false)
	return enc.Encode(step)
}

// eventView shows the data canonicalised, so that a replay reads the same from every
// store (an imported store keeps the canonical form; the original may not).
func eventView(r application.Record) *httpapi.EventView {
	data, err := application.CanonicalJSON(r.Data)
	if err != nil {
		data, _ = json.Marshal(string(r.Data)) // not JSON: shown as a string; verify names it
	}
	return &httpapi.EventView{
		Position: r.Position, Version: r.Version, ID: r.ID.String(), Type: r.Type,
		OccurredAt: application.JSONTime(r.Meta.OccurredAt), Actor: r.Meta.Actor, Rule: r.Meta.Rule,
		Data: json.RawMessage(data), CorrelationID: r.Meta.CorrelationID, CausationID: r.Meta.CausationID,
		IdempotencyKey: r.Meta.IdempotencyKey, Hash: r.Hash, PrevHash: r.PrevHash,
	}
}
