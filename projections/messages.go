package projections

import (
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/domain"
)

// Messages is the projection of each ticket's conversation, for staff (GET
// /tickets/{id}/messages): the customer's original message, their replies, the public
// replies and the internal notes, oldest first. The customer's portal never reads it.
const Messages = "messages"

// Message kinds. KindAuto is reserved for automatic replies that come in (out-of-office
// answers to a mail): nothing makes one yet.
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

// Conversation is a row of messages: one ticket's messages, oldest first.
type Conversation struct {
	TicketID uuid.UUID `json:"ticket_id"`
	Version  int64     `json:"version"`
	Messages []Message `json:"messages"`
}

// Message is one item of a conversation; its id is the id of the event that carried it.
type Message struct {
	ID     uuid.UUID     `json:"id"`
	At     time.Time     `json:"at"`
	Kind   string        `json:"kind"`
	Author MessageAuthor `json:"author"`
	Body   string        `json:"body"`
}

// MessageAuthor is who wrote a message. ID is the customer's id (the external id the
// ticket was received with; empty when none was given), the agent's id, or the subject of
// another staff member; Name is filled in when the message is read (agents' names come
// from the agents projection) except for the customer, whose name the ticket carries.
type MessageAuthor struct {
	Kind string `json:"kind"`
	ID   string `json:"id,omitempty"`
	Name string `json:"name,omitempty"`
}

// messagesProjection appends a message for each event that carries one. The slice is
// never written in place (a fold appends to a clipped copy), so rows handed to a store
// stay theirs.
var messagesProjection = Declare(Spec[Conversation]{
	Name: Messages, Reads: TicketStreams,
	Empty: func(id uuid.UUID) Conversation { return Conversation{TicketID: id, Version: -1} },
	Fold: func(r Conversation, e *Event) Conversation {
		r.TicketID, r.Version = e.ID, e.Version()
		if m, ok := messageOf(r, e); ok {
			r.Messages = append(slices.Clip(r.Messages), m)
		}
		return r
	},
	Head: func(r *Conversation) (*uuid.UUID, *int64) { return &r.TicketID, &r.Version },
	Table: Table{
		Name: "rm_messages", Key: []string{"ticket_id"},
		Columns: []Column{
			Col("ticket_id", "uuid", func(r *Conversation) uuid.UUID { return r.TicketID }),
			Col("version", "bigint", func(r *Conversation) int64 { return r.Version }),
			Col("message_count", "integer", func(r *Conversation) int { return len(r.Messages) }),
			NullCol("last_message_at", "timestamptz", func(r *Conversation) time.Time { return lastAt(r.Messages) }),
			SnapshotCol("conversation"),
		},
		Read: []string{"conversation"}, Scan: ScanSnapshot[Conversation],
	},
})

func lastAt(ms []Message) time.Time {
	if len(ms) == 0 {
		return time.Time{}
	}
	return ms[len(ms)-1].At
}

// messageOf is the message e carries, if any. The customer's id and name are those of
// the original message (the ticket keeps the customer as they were).
func messageOf(r Conversation, e *Event) (Message, bool) {
	m := Message{ID: e.Record.ID, At: e.At().UTC()}
	switch x := e.Data.(type) {
	case domain.TicketReceived:
		m.Kind, m.Body = MessageCustomer, x.Body
		m.Author = MessageAuthor{Kind: AuthorCustomer, ID: x.Customer.ID, Name: x.Customer.Name}
	case domain.CustomerReplied:
		m.Kind, m.Body = MessageCustomer, x.Body
		m.Author = customerOf(r)
	case domain.TicketReplied:
		m.Kind, m.Body = MessageInternal, x.Body
		if x.Public {
			m.Kind = MessagePublic
		}
		m.Author = authorOf(e.Record.Meta.Actor)
	default:
		return m, false
	}
	return m, true
}

// customerOf is the author of the conversation's first message: the customer.
func customerOf(r Conversation) MessageAuthor {
	if len(r.Messages) > 0 && r.Messages[0].Author.Kind == AuthorCustomer {
		return r.Messages[0].Author
	}
	return MessageAuthor{Kind: AuthorCustomer}
}

// authorOf reads the actor of a staff reply ("agent:<id>", "supervisor:<subject>",
// "admin", "system"): staff are agents as authors; the automatic behaviour is the system.
func authorOf(actor string) MessageAuthor {
	role, subject, _ := strings.Cut(actor, ":")
	switch role {
	case "system", "":
		return MessageAuthor{Kind: AuthorSystem}
	case "customer":
		return MessageAuthor{Kind: AuthorCustomer}
	case "agent":
		return MessageAuthor{Kind: AuthorAgent, ID: subject}
	}
	if subject == "" {
		subject = role
	}
	return MessageAuthor{Kind: AuthorAgent, ID: subject, Name: subject}
}
