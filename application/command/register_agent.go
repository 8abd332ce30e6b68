package command

import (
	"context"
	"fmt"
	"time"

	"github.com/ticketengine/ticketengine/application"
	"github.com/ticketengine/ticketengine/application/access"
	"github.com/ticketengine/ticketengine/application/auth"
	"github.com/ticketengine/ticketengine/application/eventlog"
	"github.com/ticketengine/ticketengine/domain"
)

// RegisterAgent adds an agent and mints the agent's bearer token. Password, optional,
// is hashed here; only its hash reaches the event.
type RegisterAgent = domain.RegisterAgent

// RegisteredAgent is the answer: the token is shown only here.
type RegisteredAgent struct {
	Agent domain.AgentState
	Token string
}

// RegisterAgentHandler handles RegisterAgent.
type RegisterAgentHandler struct {
	s      streams
	tokens IssueTokenHandler
}

// NewRegisterAgentHandler returns the handler on its ports; it panics when one but the
// cache is nil.
func NewRegisterAgentHandler(store eventlog.EventStore, clock application.Clock, cache *StreamCache, secrets *auth.Secrets) RegisterAgentHandler {
	return RegisterAgentHandler{
		s:      newStreams("RegisterAgentHandler", store, clock, cache),
		tokens: NewIssueTokenHandler(store, clock, secrets),
	}
}

// Handle validates, reserves the email, records AgentRegistered, then issues the agent's
// token. The token's id is derived from the agent's, so a retry after a crash between
// the appends completes them.
func (h RegisterAgentHandler) Handle(ctx context.Context, c RegisterAgent, meta CommandMeta) (RegisteredAgent, error) {
	id := newAccountID("agent", meta)
	if _, err := domain.Register(c, id); err != nil {
		return RegisteredAgent{}, err
	}
	if c.Password != "" {
		hash, err := auth.HashPassword("password", c.Password)
		if err != nil {
			return RegisteredAgent{}, err
		}
		c.PasswordHash = hash
	}
	c.Password = ""
	if err := reserveEmail(ctx, h.s, c.Email, id, meta); err != nil {
		return RegisteredAgent{}, err
	}
	out, err := update(ctx, h.s, eventlog.AgentStream(id), meta, agentFolder, func(a *domain.Agent, _ time.Time) ([]domain.Event, error) {
		if a.Exists() {
			return nil, fmt.Errorf("%w: agent %s exists", application.ErrConflict, id)
		}
		return domain.Register(c, id)
	})
	if err != nil {
		return RegisteredAgent{}, err
	}
	token, err := h.tokens.issue(ctx, AgentTokenID(id.String()), access.RoleAgent, id.String(), nil, meta)
	if err != nil {
		return RegisteredAgent{}, err
	}
	st := out.Agg.State()
	st.PasswordHash = ""
	return RegisteredAgent{Agent: st, Token: token.Token}, nil
}
