package web

import (
	"context"
	"mime/multipart"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/application/attachments"
	"github.com/ticketengine/ticketengine/application/command"
	"github.com/ticketengine/ticketengine/projections"
)

// Tickets is the read side the pages show a ticket from (projections.Service).
type Tickets interface {
	// Portal is the customer's view of a ticket; minVersion ≥ 0 waits for that version.
	Portal(ctx context.Context, id uuid.UUID, minVersion int64) (projections.PortalView, error)
}

// Customers is what a customer does through the help center. CommandCustomers is the
// implementation on application/command and application/attachments; Features says
// which optional parts (files, NPS) the forms offer.
type Customers interface {
	Features() Features
	// Find is the look-up by number and access code; a wrong code is application.ErrNotFound.
	Find(ctx context.Context, number, code string) (uuid.UUID, error)
	Open(ctx context.Context, o Opening, meta command.CommandMeta) (Opened, error)
	Confirm(ctx context.Context, id uuid.UUID, token string, meta command.CommandMeta) (command.TicketResult, error)
	Reply(ctx context.Context, id uuid.UUID, r Reply, meta command.CommandMeta) (command.TicketResult, error)
	Rate(ctx context.Context, id uuid.UUID, r Rating, meta command.CommandMeta) (command.TicketResult, error)
	// Attachment opens a file of the ticket's public timeline for download; any other id
	// (another ticket's, an internal note's, unknown) is application.ErrNotFound.
	Attachment(ctx context.Context, ticketID uuid.UUID, id string) (attachments.File, error)
}

// Features are the optional parts of the customer's forms.
type Features struct {
	Attachments bool // the open and reply forms carry a file input named attachments
	NPS         bool // the rating form carries a select named nps (0-10)
}

// Opening is the open-a-ticket form.
type Opening struct {
	Name, Email, Subject, Body string
	Attachments                []*multipart.FileHeader
}

// Opened is the answer to Opening: the only place the access code is shown.
type Opened struct {
	Number, AccessCode string
	Version            int64
}

// Reply is the reply form.
type Reply struct {
	Body        string
	Attachments []*multipart.FileHeader
}

// Rating is the rating form; NPS is nil when not given.
type Rating struct {
	Score   int
	NPS     *int
	Comment string
}
