package projections

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/application/eventlog"
	"github.com/ticketengine/ticketengine/domain"
)

// A ticket's conversation, for staff (GET /tickets/{id}/messages): the customer's original
// message, their replies, the public replies and the internal notes, oldest first. It is
// no projection: it is read from the ticket's stream on each request (as GET /tickets/{id}
// is), so no read model keeps message bodies (docs/READMODELS.md "The conversation").
// The customer's portal never reads it: its timeline is the portal projection's.

// Message kinds. MessageAuto is an automatic message that came in (an out-of-office
// answer, a bounce: domain.AutoMessageReceived).
const (
	MessageCustomer = "customer"
	MessagePublic   = "public"
	MessageInternal = "internal"
	MessageAuto     = "auto"
)

// Author kinds.
const (
	AuthorCustomer = "customer"
	AuthorAgent    = "agent"
	AuthorSystem   = "system"
)

// Conversation is one ticket's messages, oldest first, and the customer as the ticket was
// received (the author of every customer message).
type Conversation struct {
	TicketID     uuid.UUID
	Version      int64
	CustomerID   string
	CustomerName string
	Messages     []Message
}

// Message is one item of a conversation; its id is the id of the event that carried it.
type Message struct {
	ID     uuid.UUID
	At     int64 // Unix nanoseconds
	Kind   string
	Author string    // AuthorCustomer, AuthorAgent or AuthorSystem
	Agent  uuid.UUID // the agent who wrote it
	Staff  string    // or the subject of staff who is not an agent ("lead", "admin")
	Body   string
	Files  []AttachmentView // the message's attachments, [] for none
}

// Time is when the message was written.
func (m Message) Time() time.Time { return time.Unix(0, m.At).UTC() }

// AuthorID is the author's id: the customer's (from the conversation), the agent's, or
// another staff member's subject; "" for the system or a customer received without one.
func (m Message) AuthorID(c *Conversation) string {
	switch {
	case m.Author == AuthorCustomer:
		return c.CustomerID
	case m.Agent != uuid.Nil:
		return m.Agent.String()
	}
	return m.Staff
}

// ReadConversation reads ticket id's stream from events and keeps the events that carry
// a message; only those are decoded. A ticket with no stream has an empty conversation at
// version -1; a message record that does not decode is an error (as it is for GET
// /tickets/{id}, which folds the same stream).
func ReadConversation(ctx context.Context, events eventlog.EventStore, id uuid.UUID) (Conversation, error) {
	c := Conversation{TicketID: id, Version: -1}
	recs, err := events.ReadStream(ctx, eventlog.TicketStream(id))
	if err != nil {
		return c, err
	}
	n := 0
	for i := range recs {
		if carriesMessage(recs[i].Type) {
			n++
		}
	}
	c.Messages = make([]Message, 0, n)
	for _, rec := range recs {
		c.Version = rec.Version
		if !carriesMessage(rec.Type) {
			continue
		}
		data, err := domain.DecodeTicketEvent(rec.Type, rec.Data)
		if err != nil {
			return c, fmt.Errorf("messages: record %s v%d does not decode: %w", rec.Stream, rec.Version, err)
		}
		if m, ok := messageOf(&c, rec, data); ok {
			c.Messages = append(c.Messages, m)
		}
	}
	return c, nil
}

// carriesMessage reports whether a ticket event of type typ is a message.
func carriesMessage(typ string) bool {
	return typ == domain.TypeTicketReceived || typ == domain.TypeCustomerReplied || typ == domain.TypeTicketReplied ||
		typ == domain.TypeAutoMessageReceived
}

// messageOf is the message an event carries, if any; a TicketReceived also names the customer.
func messageOf(c *Conversation, rec eventlog.Record, data domain.Event) (Message, bool) {
	m := Message{ID: rec.ID, At: rec.Meta.OccurredAt.UnixNano()}
	switch x := data.(type) {
	case domain.TicketReceived:
		m.Kind, m.Author, m.Body, m.Files = MessageCustomer, AuthorCustomer, x.Body, AttachmentViews(x.Attachments)
		c.CustomerID, c.CustomerName = x.Customer.ID, x.Customer.Name
	case domain.CustomerReplied:
		m.Kind, m.Author, m.Body, m.Files = MessageCustomer, AuthorCustomer, x.Body, AttachmentViews(x.Attachments)
	case domain.TicketReplied:
		m.Kind, m.Body, m.Files = MessageInternal, x.Body, AttachmentViews(x.Attachments)
		if x.Public {
			m.Kind = MessagePublic
		}
		m.Author, m.Agent, m.Staff = authorOf(rec.Meta.Actor)
	case domain.AutoMessageReceived:
		// An auto-reply speaks for the customer; a bounce is a mail system's report.
		m.Kind, m.Author, m.Body, m.Files = MessageAuto, AuthorCustomer, x.Body, AttachmentViews(x.Attachments)
		if x.Kind == domain.AutoBounce {
			m.Author = AuthorSystem
		}
	default:
		return m, false
	}
	return m, true
}

// authorOf reads the actor of a staff reply ("agent:<id>", "supervisor:<subject>",
// "admin", "system"): staff are agents as authors; the automatic behaviour is the system.
func authorOf(actor string) (kind string, agent uuid.UUID, subject string) {
	role, subject, _ := strings.Cut(actor, ":")
	switch role {
	case "system", "":
		return AuthorSystem, uuid.Nil, ""
	case "customer":
		return AuthorCustomer, uuid.Nil, ""
	case "agent":
		if id, err := uuid.Parse(subject); err == nil {
			return AuthorAgent, id, ""
		}
	}
	if subject == "" {
		subject = role
	}
	return AuthorAgent, uuid.Nil, subject
}

// AttachmentViews are a message's attachments as the conversation and the portal show
// them: never nil (an empty list is [], not null).
func AttachmentViews(atts []domain.Attachment) []AttachmentView {
	out := make([]AttachmentView, len(atts))
	for i, a := range atts {
		out[i] = AttachmentView{ID: a.ID, Filename: a.Filename, ContentType: a.ContentType, Size: a.Size}
	}
	return out
}
