package projections

import (
	"slices"
	"time"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/application/erasure"
	"github.com/ticketengine/ticketengine/domain"
	"github.com/ticketengine/ticketengine/projections/hotterms"
)

// HotTickets is the projection the hot-issue counts read (docs/HOT-ISSUES.md): one row
// per ticket with when it was received, its category, team and tags as they are now,
// and the significant terms of the customer's first message (hotterms). The counts of a
// window are a GROUP BY over the rows received in it.
const HotTickets = "hot_tickets"

// HotTicket is a row of hot_tickets.
type HotTicket struct {
	ID       uuid.UUID `json:"ticket_id"`
	Version  int64     `json:"version"`
	Number   string    `json:"number"`
	Subject  string    `json:"subject"`
	Received time.Time `json:"received_at"`
	Category string    `json:"category"`
	Team     string    `json:"team"`
	Tags     []string  `json:"tags"`
	Terms    []string  `json:"terms"`
}

// hotTicketsProjection folds the events that set what a ticket counts under. Terms are
// taken once, from the message the ticket was received with; a customer's erasure
// forgets them with the subject (they are words of the customer's).
var hotTicketsProjection = Declare(Spec[HotTicket]{
	Name: HotTickets, Reads: TicketStreams,
	Empty: func(id uuid.UUID) HotTicket { return HotTicket{ID: id, Version: -1} },
	Fold: func(r HotTicket, e *Event) HotTicket {
		r.ID, r.Version = e.ID, e.Version()
		switch x := e.Data.(type) {
		case domain.TicketReceived:
			r.Number, r.Received, r.Team = x.Number, e.At().UTC(), intern(x.Team)
			r.Subject, r.Terms = "", nil
			if !erasure.Sealed(x.Subject) && !erasure.Sealed(x.Body) {
				r.Subject, r.Terms = x.Subject, hotterms.Terms(x.Subject+"\n"+x.Body)
			}
		case domain.TicketClassified:
			r.Category, r.Team = intern(x.Category), intern(x.Team)
		case domain.TicketEscalated:
			r.Team = intern(x.Team)
		case domain.TicketTagsChanged:
			r.Tags = changedTags(r.Tags, x)
		case domain.TicketCustomerErased:
			r.Subject, r.Terms = "", nil
		}
		return r
	},
	Head: func(r *HotTicket) (*uuid.UUID, *int64) { return &r.ID, &r.Version },
	Table: Table{
		Name: "rm_hot_tickets", Key: []string{"ticket_id"},
		Columns: []Column{
			Col("ticket_id", "uuid", func(r *HotTicket) uuid.UUID { return r.ID }),
			Col("version", "bigint", func(r *HotTicket) int64 { return r.Version }),
			NullCol("received_at", "timestamptz", func(r *HotTicket) time.Time { return r.Received }),
			NullCol("category", "text", func(r *HotTicket) string { return r.Category }),
			Col("team", "text", func(r *HotTicket) string { return r.Team }),
			Col("tags", "text[]", func(r *HotTicket) []string { return nonNil(r.Tags) }),
			Col("terms", "text[]", func(r *HotTicket) []string { return nonNil(r.Terms) }),
			SnapshotCol("snapshot"),
		},
		Read: []string{"snapshot"}, Scan: ScanSnapshot[HotTicket],
	},
})

// changedTags applies a tag change to a sorted list (as the ticket does, domain.TagList).
func changedTags(tags []string, e domain.TicketTagsChanged) []string {
	out := e.Apply(tags)
	slices.Sort(out)
	if len(out) == 0 {
		return nil
	}
	return out
}
