package projections

import (
	"encoding/json"
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

// Message kinds. MessageAuto is reserved for automatic replies that come in
// (out-of-office answers to a mail): nothing makes one yet.
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

// Conversation is a row of messages: one ticket's messages, oldest first, and the
// customer as the ticket was received (the author of every customer message).
type Conversation struct {
	TicketID     uuid.UUID `json:"ticket_id"`
	Version      int64     `json:"version"`
	CustomerID   string    `json:"customer_id,omitempty"`
	CustomerName string    `json:"customer_name,omitempty"`
	Messages     []Message `json:"messages"`
}

// Message is one item of a conversation; its id is the id of the event that carried it.
// It is kept small (80 bytes besides its body): the memory store holds every message of
// every ticket. Its JSON (messageJSON) is what rm_messages holds.
type Message struct {
	ID     uuid.UUID
	At     int64 // Unix nanoseconds
	Kind   string
	Author string    // AuthorCustomer, AuthorAgent or AuthorSystem (constants: no allocation)
	Agent  uuid.UUID // the agent who wrote it
	Staff  string    // or the subject of staff who is not an agent ("lead", "admin")
	Body   string
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

// messageJSON is a message as rm_messages.conversation holds it (docs/READMODELS.md).
type messageJSON struct {
	ID     uuid.UUID  `json:"id"`
	At     time.Time  `json:"at"`
	Kind   string     `json:"kind"`
	Author authorJSON `json:"author"`
	Body   string     `json:"body"`
}

type authorJSON struct {
	Kind    string    `json:"kind"`
	Agent   uuid.UUID `json:"agent_id,omitzero"`
	Subject string    `json:"subject,omitempty"`
}

// MarshalJSON writes the message as rm_messages holds it.
func (m Message) MarshalJSON() ([]byte, error) {
	return json.Marshal(messageJSON{ID: m.ID, At: m.Time(), Kind: m.Kind, Body: m.Body,
		Author: authorJSON{Kind: m.Author, Agent: m.Agent, Subject: m.Staff}})
}

// UnmarshalJSON reads it back; kinds become the constants, so a row read from
// PostgreSQL holds no copies of them.
func (m *Message) UnmarshalJSON(b []byte) error {
	var j messageJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return err
	}
	*m = Message{ID: j.ID, At: j.At.UnixNano(), Kind: constant(j.Kind), Author: constant(j.Author.Kind),
		Agent: j.Author.Agent, Staff: j.Author.Subject, Body: j.Body}
	return nil
}

func constant(s string) string {
	for _, k := range []string{MessageCustomer, MessagePublic, MessageInternal, MessageAuto, AuthorAgent, AuthorSystem} {
		if s == k {
			return k
		}
	}
	return s
}

// messagesProjection appends a message for each event that carries one. The slice is
// never written in place (a fold makes a new one, of the exact length: the store keeps
// it as it is, with no room to grow), so rows handed to a store stay theirs.
var messagesProjection = Declare(Spec[Conversation]{
	Name: Messages, Reads: TicketStreams,
	Empty: func(id uuid.UUID) Conversation { return Conversation{TicketID: id, Version: -1} },
	Fold: func(r Conversation, e *Event) Conversation {
		r.TicketID, r.Version = e.ID, e.Version()
		if _, ok := e.Data.(domain.TicketCustomerErased); ok {
			return forgetCustomer(r)
		}
		if m, ok := messageOf(&r, e); ok {
			ms := make([]Message, len(r.Messages)+1)
			copy(ms, r.Messages)
			ms[len(r.Messages)], r.Messages = m, ms
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
	return ms[len(ms)-1].Time()
}

// forgetCustomer empties what the customer wrote and who they are (TicketCustomerErased),
// in a new slice: rows handed to a store stay theirs.
func forgetCustomer(r Conversation) Conversation {
	r.CustomerID, r.CustomerName = "", ""
	ms := slices.Clone(r.Messages)
	for i := range ms {
		if ms[i].Author == AuthorCustomer {
			ms[i].Body = ""
		}
	}
	r.Messages = ms
	return r
}

// messageOf is the message e carries, if any; a TicketReceived also names the customer.
func messageOf(r *Conversation, e *Event) (Message, bool) {
	m := Message{ID: e.Record.ID, At: e.At().UnixNano()}
	switch x := e.Data.(type) {
	case domain.TicketReceived:
		m.Kind, m.Author, m.Body = MessageCustomer, AuthorCustomer, x.Body
		r.CustomerID, r.CustomerName = x.Customer.ID, x.Customer.Name
	case domain.CustomerReplied:
		m.Kind, m.Author, m.Body = MessageCustomer, AuthorCustomer, x.Body
	case domain.TicketReplied:
		m.Kind, m.Body = MessageInternal, x.Body
		if x.Public {
			m.Kind = MessagePublic
		}
		m.Author, m.Agent, m.Staff = authorOf(e.Record.Meta.Actor)
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
	return AuthorAgent, uuid.Nil, strings.Clone(subject)
}
