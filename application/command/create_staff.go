package command

import (
	"context"
	"fmt"
	"time"

	"github.com/ticketengine/ticketengine/application"
	"github.com/ticketengine/ticketengine/application/auth"
	"github.com/ticketengine/ticketengine/application/eventlog"
	"github.com/ticketengine/ticketengine/domain"
)

// CreateStaff adds an account (POST /staff). An agent account is registered as an agent
// (with DefaultStaffCapacity and no skills, to be set by PATCH /agents/{id}); the other
// roles have no routing fields.
type CreateStaff struct {
	Name, Email, Role, Team, Language, Password string
}

// DefaultStaffCapacity is the capacity of an agent created by POST /staff.
const DefaultStaffCapacity = 5

// CreateStaffHandler handles CreateStaff.
type CreateStaffHandler struct{ s streams }

// NewCreateStaffHandler returns the handler on its ports; it panics when store or clock is nil.
func NewCreateStaffHandler(store eventlog.EventStore, clock application.Clock, cache *StreamCache) CreateStaffHandler {
	return CreateStaffHandler{newStreams("CreateStaffHandler", store, clock, cache)}
}

// Handle validates the account and the password policy, reserves the email (a
// duplicate is ErrEmailTaken), and records the account with the password's hash.
func (h CreateStaffHandler) Handle(ctx context.Context, c CreateStaff, meta CommandMeta) (domain.AgentState, error) {
	id := newAccountID("staff", meta)
	hash := ""
	decide := func() ([]domain.Event, error) {
		if c.Role == domain.RoleAgent {
			return domain.Register(domain.RegisterAgent{Name: c.Name, Email: c.Email, Team: c.Team,
				Capacity: DefaultStaffCapacity, Language: c.Language, PasswordHash: hash}, id)
		}
		return domain.CreateStaff(domain.CreateStaffAccount{Name: c.Name, Email: c.Email, Role: c.Role,
			Team: c.Team, Language: c.Language, PasswordHash: hash}, id)
	}
	if _, err := decide(); err != nil {
		return domain.AgentState{}, err
	}
	var err error
	if hash, err = auth.HashPassword("password", c.Password); err != nil {
		return domain.AgentState{}, err
	}
	if err := reserveEmail(ctx, h.s, c.Email, id, meta); err != nil {
		return domain.AgentState{}, err
	}
	out, err := update(ctx, h.s, eventlog.AgentStream(id), meta, agentFolder, func(a *domain.Agent, _ time.Time) ([]domain.Event, error) {
		if a.Exists() {
			return nil, fmt.Errorf("%w: account %s exists", application.ErrConflict, id)
		}
		return decide()
	})
	if err != nil {
		return domain.AgentState{}, err
	}
	return Public(out.Agg.State()), nil
}

// Public is the account without its password hash: what leaves the write side.
func Public(a domain.AgentState) domain.AgentState {
	a.PasswordHash = ""
	return a
}
