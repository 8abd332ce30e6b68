package command

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/application"
	"github.com/ticketengine/ticketengine/application/auth"
	"github.com/ticketengine/ticketengine/application/eventlog"
)

// ErrEmailTaken: another account has the email (case-insensitive). A 409.
var ErrEmailTaken = fmt.Errorf("%w: another account has this email", application.ErrConflict)

// reserveEmail reserves the email for account id: a staffemail-<hash> stream appended
// only where none exists. A reservation for the same id (a retry) is fine; one for
// another account is ErrEmailTaken. The reservation comes before the account, so two
// racing creations with one email never both succeed; a reservation left by a crash
// before the account was appended is taken over by the same id's retry only.
func reserveEmail(ctx context.Context, s streams, email string, id uuid.UUID, meta CommandMeta) error {
	stream := auth.EmailStream(email)
	data, _ := json.Marshal(auth.EmailReservation{AccountID: id})
	recs, err := newRecords(stream, eventlog.NoStream, "", []string{auth.TypeStaffEmailReserved}, [][]byte{data}, meta, s.clock.Now())
	if err != nil {
		return err
	}
	_, err = s.store.Append(ctx, stream, eventlog.NoStream, recs)
	if err == nil {
		return nil
	}
	if !errors.Is(err, eventlog.ErrWrongExpectedVersion) {
		return fmt.Errorf("reserve staff email: %w", err)
	}
	owner, err := auth.EmailOwner(ctx, s.store, email)
	if err != nil {
		return err
	}
	if owner != id {
		return ErrEmailTaken
	}
	return nil
}

// newAccountID is a fresh account id, or the one derived from the idempotency key so
// that a retry finds the account (and its email reservation) the first request made.
func newAccountID(kind string, meta CommandMeta) uuid.UUID {
	if meta.IdempotencyKey != "" {
		return derivedID(kind, meta.Actor, meta.IdempotencyKey)
	}
	return uuid.New()
}
