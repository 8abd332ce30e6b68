package command

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/application"
	"github.com/ticketengine/ticketengine/application/auth"
	"github.com/ticketengine/ticketengine/application/eventlog"
	"github.com/ticketengine/ticketengine/domain"
)

// ChangePassword sets an account's password. CheckOld is set when the account changes
// its own: then OldPassword must be its current one.
type ChangePassword struct {
	AccountID   uuid.UUID
	Password    string
	OldPassword string
	CheckOld    bool
}

// ErrWrongPassword: old_password is not the account's password (a 422 on the field).
var ErrWrongPassword = invalidField("old_password", "is not the account's current password")

// ChangePasswordHandler handles ChangePassword.
type ChangePasswordHandler struct{ s streams }

// NewChangePasswordHandler returns the handler on its ports; it panics when store or clock is nil.
func NewChangePasswordHandler(store eventlog.EventStore, clock application.Clock, cache *StreamCache) ChangePasswordHandler {
	return ChangePasswordHandler{newStreams("ChangePasswordHandler", store, clock, cache)}
}

// Handle checks the policy (and the old password), hashes, and records the new hash.
// An account of an agent registered before emails were unique gets its email reserved
// now, if it is free, so that it can sign in.
func (h ChangePasswordHandler) Handle(ctx context.Context, c ChangePassword, meta CommandMeta) error {
	hash, err := auth.HashPassword("password", c.Password)
	if err != nil {
		return err
	}
	out, err := update(ctx, h.s, eventlog.AgentStream(c.AccountID), meta, agentFolder, func(a *domain.Agent, _ time.Time) ([]domain.Event, error) {
		if !a.Exists() {
			return nil, application.ErrNotFound
		}
		if c.CheckOld && !auth.VerifyPassword(a.State(), c.OldPassword) {
			return nil, ErrWrongPassword
		}
		return a.ChangePassword(hash)
	})
	if err != nil {
		return err
	}
	if owner, err := auth.EmailOwner(ctx, h.s.store, out.Agg.State().Email); err == nil && owner == uuid.Nil {
		return reserveEmail(ctx, h.s, out.Agg.State().Email, c.AccountID, meta)
	}
	return nil
}
