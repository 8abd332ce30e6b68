package attachments

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/application/eventlog"
	"github.com/ticketengine/ticketengine/domain"
	"github.com/ticketengine/ticketengine/domain/errs"
)

// ClaimKey identifies one request's claim: derived from the actor and the request's
// Idempotency-Key when it has one, so that a repeat of the request (after a crash between
// the claim and the message) finds its own claim and goes on; else a fresh id, so that
// naming an upload twice in two requests is refused.
func ClaimKey(actor, idempotencyKey string) string {
	if idempotencyKey == "" {
		return uuid.NewString()
	}
	sum := sha256.Sum256([]byte(actor + "\x00" + idempotencyKey))
	return "idem-" + hex.EncodeToString(sum[:16])
}

// Attach is the one way a message takes attachments (replies of staff and customers,
// tickets received, and macros): it resolves and claims ids for the uploader (Claim),
// runs the message's command with the attachments, and releases the claims when the
// command was refused. ids may be empty: run then gets nil.
//
// The claims are appended before the message, each at its stream's expected version, so
// that an upload is referenced once across nodes. If the message is refused (invalid,
// wrong status, If-Match, a lost race: the command wrote nothing) the claims are
// released, and the uploads may be attached again. If it fails otherwise (the store is
// unreachable: the message may or may not be stored) the claims stay: a repeat of the
// request with the same Idempotency-Key finds its claims and completes it; without a key
// those uploads are spent and must be uploaded again (docs/API-NOTES.md "Attachments").
func (s *Service) Attach(ctx context.Context, uploader string, ids []string, claim string, meta eventlog.Metadata, run func([]domain.Attachment) error) error {
	atts, err := s.Claim(ctx, uploader, ids, claim, meta)
	if err != nil {
		return err
	}
	err = run(atts)
	if err != nil && len(atts) > 0 && refused(err) {
		if rerr := s.Release(context.WithoutCancel(ctx), atts, claim, meta); rerr != nil {
			return errors.Join(err, rerr)
		}
	}
	return err
}

// refused reports whether a command's error says it wrote nothing.
func refused(err error) bool {
	switch errs.KindOf(err) {
	case errs.Malformed, errs.Validation, errs.NotFound, errs.InvalidTransition, errs.Conflict,
		errs.PreconditionFailed, errs.IdempotencyKeyReused, errs.Unauthorized, errs.Forbidden:
		return true
	}
	return false
}

// Claim resolves the ids to the uploads they name and claims each for the request
// `claim`. Each id must name an upload of this uploader, not deleted, unclaimed or
// claimed by this same request; an unknown id, someone else's upload and one already
// attached elsewhere are all a validation error naming attachments[i] (422), and then
// nothing stays claimed by this call.
func (s *Service) Claim(ctx context.Context, uploader string, ids []string, claim string, meta eventlog.Metadata) ([]domain.Attachment, error) {
	if err := checkIDs(ids); err != nil {
		return nil, err
	}
	out := make([]domain.Attachment, 0, len(ids))
	for i, id := range ids {
		a, err := s.claimOne(ctx, uploader, id, claim, meta)
		if err != nil {
			var ve *domain.ValidationError
			if errors.As(err, &ve) {
				ve.Fields[0].Field = "attachments[" + strconv.Itoa(i) + "]"
			}
			return nil, errors.Join(err, s.Release(context.WithoutCancel(ctx), out, claim, meta))
		}
		out = append(out, a)
	}
	if len(out) == 0 {
		return nil, nil
	}
	return out, nil
}

func checkIDs(ids []string) error {
	if len(ids) > domain.MaxAttachments {
		return invalid("attachments", "are at most 20")
	}
	for i, id := range ids {
		for _, prior := range ids[:i] {
			if prior == id {
				return invalid("attachments["+strconv.Itoa(i)+"]", "is named twice")
			}
		}
	}
	return nil
}

func invalid(field, message string) error {
	return &domain.ValidationError{Fields: []domain.FieldError{{Field: field, Message: message}}}
}

// claimOne claims one upload; a lost race reads the stream again once.
func (s *Service) claimOne(ctx context.Context, uploader, id, claim string, meta eventlog.Metadata) (domain.Attachment, error) {
	for attempt := 0; ; attempt++ {
		st, err := s.read(ctx, id)
		if err != nil {
			return domain.Attachment{}, err
		}
		switch {
		case !st.Exists() || st.Uploader != uploader:
			return domain.Attachment{}, invalid("attachments", "is not an upload of yours")
		case st.Claim == claim:
			return st.Attachment(), nil
		case st.Claim != "":
			return domain.Attachment{}, invalid("attachments", "is attached to another message already")
		}
		_, err = s.appendEvent(ctx, st, id, TypeClaimed, Claimed{Claim: claim}, meta)
		if err == nil {
			return st.Attachment(), nil
		}
		if !errors.Is(err, eventlog.ErrWrongExpectedVersion) || attempt > 0 {
			return domain.Attachment{}, fmt.Errorf("claim attachment %s: %w", id, err)
		}
	}
}

// Release undoes the claims `claim` holds on atts (those another request holds are left).
func (s *Service) Release(ctx context.Context, atts []domain.Attachment, claim string, meta eventlog.Metadata) error {
	var all []error
	for _, a := range atts {
		st, err := s.read(ctx, a.ID)
		if err == nil && st.Exists() && st.Claim == claim {
			_, err = s.appendEvent(ctx, st, a.ID, TypeReleased, Released{Claim: claim}, meta)
		}
		if err != nil {
			all = append(all, fmt.Errorf("release attachment %s: %w", a.ID, err))
		}
	}
	return errors.Join(all...)
}
