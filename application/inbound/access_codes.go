package inbound

import (
	"context"

	"github.com/google/uuid"
)

// WithAccessCodes returns the intake answering each message with the portal access code
// of its ticket (codes is auth.Secrets.AccessCode): a customer without an email is mailed
// no receipt, so the system that sent the message is the one to give them the number and
// code for the help center.
func (in *Intake) WithAccessCodes(codes func(uuid.UUID) string) *Intake {
	in.codes = codes
	return in
}

// withCode adds the ticket's access code to Take's result when the intake has the codes.
func (in *Intake) withCode(_ context.Context, res Result, err error) (Result, error) {
	if err == nil && in.codes != nil && res.TicketID != uuid.Nil {
		res.AccessCode = in.codes(res.TicketID)
	}
	return res, err
}
