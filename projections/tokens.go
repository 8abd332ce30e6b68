package projections

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"time"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/application/auth"
	"github.com/ticketengine/ticketengine/domain"
)

// Tokens is the stable name of the tokens read model (GET /tokens).
const Tokens = "tokens"

// TokenRow is one issued token as GET /tokens lists it: never the secret (the event
// store holds only its hash, in the stream's name).
type TokenRow struct {
	ID        uuid.UUID  `json:"id"`
	Role      string     `json:"role"`
	Subject   string     `json:"subject"`
	CreatedAt time.Time  `json:"created_at"`
	ExpiresAt *time.Time `json:"expires_at,omitempty"`
	Revoked   bool       `json:"revoked,omitempty"`
	Version   int64      `json:"version"`
}

var tokensProjection = Declare(Spec[TokenRow]{
	Name: Tokens, Reads: TokenStreams,
	Empty: func(id uuid.UUID) TokenRow { return TokenRow{ID: id, Version: -1} },
	Fold: func(r TokenRow, e *Event) TokenRow {
		r.ID, r.Version = e.ID, e.Version()
		switch x := e.Data.(type) {
		case auth.TokenIssued:
			r.Role, r.Subject, r.CreatedAt, r.ExpiresAt = string(x.Role), x.Subject, e.At().UTC(), x.ExpiresAt
		case auth.TokenRevoked:
			r.Revoked = true
		}
		return r
	},
	Head: func(r *TokenRow) (*uuid.UUID, *int64) { return &r.ID, &r.Version },
	Table: Table{
		Name: "rm_tokens", Key: []string{"token_id"},
		Columns: []Column{
			Col("token_id", "uuid", func(r *TokenRow) uuid.UUID { return r.ID }),
			Col("version", "bigint", func(r *TokenRow) int64 { return r.Version }),
			Col("subject", "text", func(r *TokenRow) string { return r.Subject }),
			Col("revoked", "boolean", func(r *TokenRow) bool { return r.Revoked }),
			SnapshotCol("state"),
		},
		Read: []string{"state"}, Scan: ScanSnapshot[TokenRow],
	},
})

// decodeToken turns a token stream's record into its event; the row is keyed by the
// token's id, which both events carry (the rest of the stream's name is the token's hash).
func decodeToken(_, typ string, data []byte) (uuid.UUID, domain.Event, error) {
	switch typ {
	case auth.TypeTokenIssued:
		var e auth.TokenIssued
		err := json.Unmarshal(data, &e)
		return e.TokenID, e, err
	case auth.TypeTokenRevoked:
		var e auth.TokenRevoked
		err := json.Unmarshal(data, &e)
		return e.TokenID, e, err
	}
	return uuid.Nil, nil, fmt.Errorf("unknown token event type %q", typ)
}

// TokenUsageStore keeps when each token was last used: written by the authenticator at
// most once a minute per token (never an event per request), read by GET /tokens. Both
// read-model stores implement it; it is no projection (the event log does not say it).
type TokenUsageStore interface {
	RecordTokenUse(ctx context.Context, id uuid.UUID, at time.Time) error
	TokenUses(ctx context.Context) (map[uuid.UUID]time.Time, error)
}

// TokenView is a token as GET /tokens lists it.
type TokenView struct {
	TokenRow
	LastUsedAt *time.Time
}

// RecordTokenUse stores a token's use in the read-model store (auth.UsageRecorder); a
// store without TokenUsageStore keeps nothing.
func (s *Service) RecordTokenUse(ctx context.Context, id uuid.UUID, at time.Time) error {
	if u, ok := s.Store.(TokenUsageStore); ok {
		return u.RecordTokenUse(ctx, id, at)
	}
	return nil
}

// LiveTokens is GET /tokens: the tokens not revoked (expired ones included, with their
// expires_at), oldest first.
func (s *Service) LiveTokens(ctx context.Context) ([]TokenView, error) {
	rows, err := s.tokenRows(ctx)
	if err != nil {
		return nil, err
	}
	used := map[uuid.UUID]time.Time{}
	if u, ok := s.Store.(TokenUsageStore); ok {
		if used, err = u.TokenUses(ctx); err != nil {
			return nil, err
		}
	}
	out := make([]TokenView, 0, len(rows))
	for _, r := range rows {
		if r.Revoked {
			continue
		}
		v := TokenView{TokenRow: r}
		if at, ok := used[r.ID]; ok {
			v.LastUsedAt = &at
		}
		out = append(out, v)
	}
	sort.Slice(out, func(i, j int) bool {
		if !out[i].CreatedAt.Equal(out[j].CreatedAt) {
			return out[i].CreatedAt.Before(out[j].CreatedAt)
		}
		return out[i].ID.String() < out[j].ID.String()
	})
	return out, nil
}

// TokensOf is the ids of the tokens issued for subject and not revoked, the read model
// caught up with the event store first (command.TokensOf: deactivation revokes them).
func (s *Service) TokensOf(ctx context.Context, subject string) ([]uuid.UUID, error) {
	rows, err := s.tokenRows(ctx)
	if err != nil {
		return nil, err
	}
	var out []uuid.UUID
	for _, r := range rows {
		if r.Subject == subject && !r.Revoked {
			out = append(out, r.ID)
		}
	}
	return out, nil
}

func (s *Service) tokenRows(ctx context.Context) ([]TokenRow, error) {
	if err := s.settle(ctx, Tokens); err != nil {
		return nil, err
	}
	rows, err := s.Store.Rows(ctx, Tokens)
	if err != nil {
		return nil, err
	}
	out := make([]TokenRow, 0, len(rows))
	for _, r := range rows {
		out = append(out, *r.(*TokenRow))
	}
	return out, nil
}
