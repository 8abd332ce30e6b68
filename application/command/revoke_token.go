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

// RevokeToken ends a token (DELETE /tokens/{id}).
type RevokeToken struct {
	TokenID uuid.UUID
	Reason  string
}

// RevokeTokenHandler handles RevokeToken.
type RevokeTokenHandler struct {
	store   eventlog.EventStore
	clock   application.Clock
	secrets *auth.Secrets
	// forget is called after a revocation, so that this node's authenticator drops what
	// it cached (auth.Authenticator.Forget); nil when there is none.
	forget func()
}

// NewRevokeTokenHandler returns the handler on its ports; it panics when one is nil.
// forget (may be nil) runs after every revocation.
func NewRevokeTokenHandler(store eventlog.EventStore, clock application.Clock, secrets *auth.Secrets, forget func()) RevokeTokenHandler {
	s := newStreams("RevokeTokenHandler", store, clock, nil)
	return RevokeTokenHandler{store: s.store, clock: s.clock, secrets: mustSecrets("RevokeTokenHandler", secrets), forget: forget}
}

// Handle appends TokenRevoked to the token's stream, found from its id (tokens are
// derived from their ids, so no read model is asked). An unknown id is ErrNotFound; a
// revoked token is no change (a retry).
func (h RevokeTokenHandler) Handle(ctx context.Context, c RevokeToken, meta CommandMeta) error {
	stream := eventlog.TokenStreamPrefix + auth.HashSecret(h.secrets.Token(c.TokenID))
	for attempt := 0; attempt < 3; attempt++ {
		recs, err := h.store.ReadStream(ctx, stream)
		if err != nil {
			return err
		}
		if len(recs) == 0 {
			return fmt.Errorf("%w: no token has this id", application.ErrNotFound)
		}
		for _, r := range recs {
			if r.Type == auth.TypeTokenRevoked {
				h.forgetCached()
				return nil
			}
		}
		last := recs[len(recs)-1]
		data, _ := json.Marshal(auth.TokenRevoked{TokenID: c.TokenID, Reason: c.Reason})
		fresh, err := newRecords(stream, last.Version, last.Hash, []string{auth.TypeTokenRevoked}, [][]byte{data}, meta, h.clock.Now())
		if err != nil {
			return err
		}
		_, err = h.store.Append(ctx, stream, last.Version, fresh)
		if errors.Is(err, eventlog.ErrWrongExpectedVersion) {
			continue
		}
		if err != nil {
			return fmt.Errorf("revoke token: %w", err)
		}
		h.forgetCached()
		return nil
	}
	return fmt.Errorf("%w on %s", application.ErrConflict, stream)
}

func (h RevokeTokenHandler) forgetCached() {
	if h.forget != nil {
		h.forget()
	}
}
