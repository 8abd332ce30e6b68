package inbound

import (
	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/domain"
)

// Kinds of message, as the adapter recognised them.
const (
	KindMessage = ""                // a person wrote it
	KindAuto    = domain.AutoReply  // an automatic reply (Auto-Submitted, out-of-office)
	KindBounce  = domain.AutoBounce // a delivery failure report
)

// Message is one message that came in, as an adapter read it (text already cleaned by
// domain/text's lenient rule).
type Message struct {
	Channel domain.Channel
	// Source is the configured intake ("wechat", "mail:support"); the ticket shows it.
	Source string
	// Scope is where ID is unique: "mail" for every mailbox (the same mail delivered to
	// two addresses is one message); "" means Source.
	Scope string
	// ID is the external message id: the once key.
	ID     string
	Thread Thread
	// Customer is the sender. Customer.ID is the sender's id in Source, if it has one.
	Customer domain.Customer
	Subject  string
	Body     string
	Kind     string
	// Files are the message's attachments and inline images; Raw, when set, is the message
	// byte for byte (a mail's RFC 5322 source), kept as one more attachment of its event.
	Files []File
	Raw   *File
	// Team receives a ticket the message opens ("" is the default team).
	Team string
}

// Thread is what a message says about the conversation it belongs to; the first of these
// that names a ticket whose customer sent the message wins.
type Thread struct {
	// Conversation is the external conversation id (chat, phone).
	Conversation string
	// Tickets are tickets named directly (our own Message-IDs in In-Reply-To/References).
	Tickets []uuid.UUID
	// References are external ids of earlier messages (the customer's own earlier mails).
	References []string
	// Number is a ticket number the message names (in a mail's subject).
	Number string
}

// File is one attachment as it came in.
type File struct {
	Name        string
	ContentType string // as the sender declared it; the stored type is sniffed
	Data        []byte
}

// Outcomes of Take.
const (
	Opened   = "opened"   // a new ticket
	FollowUp = "followup" // a new ticket naming the closed one it continues
	Replied  = "replied"  // the customer's reply on the ticket it threads to
	Recorded = "recorded" // an automatic message kept on a ticket
)

// Result is where a message went. Repeat is true when the message had been taken before
// (by this node or another): nothing was appended this time.
type Result struct {
	Outcome    string
	TicketID   uuid.UUID
	Number     string
	FollowUpOf uuid.UUID
	Repeat     bool
	// AccessCode is the ticket's portal access code, when the intake was given the codes
	// (WithAccessCodes): a chat or phone system passes it to a customer with no email,
	// who is mailed nothing (docs/CHANNELS.md).
	AccessCode string
}
