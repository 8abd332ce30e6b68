package web

import (
	"context"
	"sync"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/application"
	"github.com/ticketengine/ticketengine/application/command"
	"github.com/ticketengine/ticketengine/application/eventlog"
	"github.com/ticketengine/ticketengine/domain"
)

// The session check, without folding the account every time. Every desk request checks
// that its account is still active (CommandDesk.Account), from the event store and not
// the read side, so a deactivation counts from the very next request on every node. It
// used to read and decode the account's whole stream each time (5 % of a queue page's
// CPU). AccountCache keeps each account as folded, with its stream's version, and asks
// the store only whether anything came after that version (ReadStreamFrom: one index
// seek, no record when nothing did). A deactivation, a role, team or name change, a
// presence switch: any of them is a new record, so the next request folds the account
// again and sees it. Nothing is trusted for a time: revocation stays as prompt as before.

// accountCacheMax bounds the accounts kept: when full the cache starts again empty.
const accountCacheMax = 10000

// AccountCache keeps folded accounts; the zero value is ready, and a nil one keeps none.
// It is safe for concurrent use.
type AccountCache struct {
	mu       sync.Mutex
	accounts map[uuid.UUID]foldedAccount
}

// foldedAccount is an account as folded from its stream up to version.
type foldedAccount struct {
	state   domain.AgentState
	version int64
}

// load is command.LoadAgent, folding again only when the stream has grown.
func (c *AccountCache) load(ctx context.Context, store eventlog.EventStore, id uuid.UUID) (domain.AgentState, error) {
	if c == nil {
		return command.LoadAgent(ctx, store, id)
	}
	stream := eventlog.AgentStream(id)
	c.mu.Lock()
	kept, ok := c.accounts[id]
	c.mu.Unlock()
	if ok {
		tail, err := store.ReadStreamFrom(ctx, stream, kept.version+1)
		if err != nil {
			return domain.AgentState{}, err
		}
		if len(tail) == 0 {
			return kept.state, nil
		}
	}
	recs, err := store.ReadStream(ctx, stream)
	if err != nil {
		return domain.AgentState{}, err
	}
	a, err := command.FoldAgent(recs)
	if err != nil {
		return domain.AgentState{}, err
	}
	if !a.Exists() {
		return domain.AgentState{}, application.ErrNotFound
	}
	state := a.State()
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.accounts == nil || len(c.accounts) >= accountCacheMax {
		c.accounts = map[uuid.UUID]foldedAccount{}
	}
	if kept, ok := c.accounts[id]; !ok || kept.version <= recs[len(recs)-1].Version {
		c.accounts[id] = foldedAccount{state: state, version: recs[len(recs)-1].Version}
	}
	return state, nil
}
