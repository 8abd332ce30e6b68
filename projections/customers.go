package projections

import (
	"time"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/domain"
)

// Customers is the projection of customer records' tickets: one row per ticket with the
// record it belongs to and the customer as the ticket received them. A record's tickets
// and their counts are the rows with its id; the record itself (external ids, tier) is
// its customer-<id> stream, folded on read (customers_read.go).
//
// A ticket received before records existed has no record id in its TicketReceived: its
// row takes domain.CustomerRecordID of its email, the id a record made for that email
// gets, so a rebuild groups an existing history into records by email, and the record
// made when such a customer next writes is the same one.
const Customers = "customers"

// CustomerTicket is a row of customers, kept small (the memory store holds one per
// ticket): the time as Unix nanoseconds, the tier and language interned.
type CustomerTicket struct {
	TicketID   uuid.UUID   `json:"ticket_id"`
	Version    int64       `json:"version"`
	CustomerID uuid.UUID   `json:"customer_id"`
	ExternalID string      `json:"external_id"`
	Email      string      `json:"email"` // normalized (domain.NormalizeEmail)
	Name       string      `json:"name"`
	Phone      string      `json:"phone"`
	Tier       domain.Tier `json:"tier"`
	Language   string      `json:"language"`
	Received   int64       `json:"received_at"` // Unix nanoseconds (ReceivedAt)
	Open       bool        `json:"is_open"`
}

// ReceivedAt is when the ticket was received.
func (r *CustomerTicket) ReceivedAt() time.Time { return time.Unix(0, r.Received).UTC() }

// customerOf is the record a TicketReceived belongs to (RecordOf).
func customerOf(e domain.TicketReceived) uuid.UUID { return RecordOf(e.Customer, e.Unverified) }

// RecordOf is the customer record a ticket of customer c belongs to: the record it joined
// (c.RecordID), else, for a ticket received before records existed, the record of its
// email (domain.CustomerRecordID); none (uuid.Nil, which no record read counts) while a
// self-service ticket's address is unconfirmed. The customers projection and GET
// /tickets?customer= (MatchesTicket, the queues table's customer_id) both group by it.
func RecordOf(c domain.Customer, unverified bool) uuid.UUID {
	if unverified {
		return uuid.Nil
	}
	if id, err := uuid.Parse(c.RecordID); err == nil && id != uuid.Nil {
		return id
	}
	return domain.CustomerRecordID(c.Email)
}

var customersProjection = Declare(Spec[CustomerTicket]{
	Name: Customers, Reads: TicketStreams,
	Empty: func(id uuid.UUID) CustomerTicket { return CustomerTicket{TicketID: id, Version: -1} },
	Fold: func(r CustomerTicket, e *Event) CustomerTicket {
		r.TicketID, r.Version = e.ID, e.Version()
		switch x := e.Data.(type) {
		case domain.TicketReceived:
			c := x.Customer
			r.CustomerID, r.ExternalID, r.Email = customerOf(x), c.ID, domain.NormalizeEmail(c.Email)
			r.Name, r.Phone, r.Tier, r.Language = c.Name, c.Phone, domain.Tier(intern(string(c.Tier))), intern(c.Language)
			r.Open, r.Received = true, e.At().UnixNano()
		case domain.TicketCustomerVerified:
			if id, err := uuid.Parse(x.RecordID); err == nil {
				r.CustomerID, r.Tier = id, domain.Tier(intern(string(x.Tier)))
			}
		case domain.TicketCustomerErased:
			// The customer is forgotten; an unverified ticket is listed under the erased
			// record from now on, so erasing it again reaches the ticket too.
			r.ExternalID, r.Email, r.Name, r.Phone = "", "", "", ""
			if id, err := uuid.Parse(x.RecordID); err == nil && r.CustomerID == uuid.Nil {
				r.CustomerID = id
			}
		case domain.TicketReopened:
			r.Open = true
		case domain.TicketResolved, domain.TicketClosed:
			r.Open = false
		}
		return r
	},
	Head: func(r *CustomerTicket) (*uuid.UUID, *int64) { return &r.TicketID, &r.Version },
	Table: Table{
		Name: "rm_customer_tickets", Key: []string{"ticket_id"},
		Columns: []Column{
			Col("ticket_id", "uuid", func(r *CustomerTicket) uuid.UUID { return r.TicketID }),
			Col("version", "bigint", func(r *CustomerTicket) int64 { return r.Version }),
			Col("customer_id", "uuid", func(r *CustomerTicket) uuid.UUID { return r.CustomerID }),
			Col("external_id", "text", func(r *CustomerTicket) string { return r.ExternalID }),
			Col("email", "text", func(r *CustomerTicket) string { return r.Email }),
			Col("name", "text", func(r *CustomerTicket) string { return r.Name }),
			Col("phone", "text", func(r *CustomerTicket) string { return r.Phone }),
			Col("tier", "text", func(r *CustomerTicket) string { return string(r.Tier) }),
			Col("language", "text", func(r *CustomerTicket) string { return r.Language }),
			Col("is_open", "boolean", func(r *CustomerTicket) bool { return r.Open }),
			Col("received_at", "timestamptz", func(r *CustomerTicket) time.Time { return r.ReceivedAt() }),
		},
		Read: []string{"ticket_id", "version", "customer_id", "external_id", "email", "name", "phone", "tier",
			"language", "is_open", "received_at"},
		Scan: func(scan func(dest ...any) error) (Row, error) {
			var r CustomerTicket
			var tier string
			var received time.Time
			if err := scan(&r.TicketID, &r.Version, &r.CustomerID, &r.ExternalID, &r.Email, &r.Name, &r.Phone,
				&tier, &r.Language, &r.Open, &received); err != nil {
				return nil, err
			}
			r.Tier, r.Language, r.Received = domain.Tier(intern(tier)), intern(r.Language), received.UnixNano()
			return &r, nil
		},
	},
})
