package readmodeltest

import (
	"context"
	"testing"

	"github.com/ticketengine/ticketengine/application/eventlog"
	"github.com/ticketengine/ticketengine/projections"
)

// Factory returns a new, empty, migrated store; every call a separate one.
type Factory func(t *testing.T) projections.Store

// EventsFactory returns a new, empty event store for the suite's histories (the
// adapters' tests pass the in-memory one).
type EventsFactory func() eventlog.EventStore

// Run runs the whole suite against a store.
func Run(t *testing.T, newStore Factory, newEvents EventsFactory) {
	t.Run("LiveEqualsRebuilt", func(t *testing.T) { testLiveEqualsRebuilt(t, newStore, newEvents) })
	t.Run("StaleCommit", func(t *testing.T) { testStaleCommit(t, newStore, newEvents) })
	t.Run("FollowDisorderedBus", func(t *testing.T) { testFollow(t, newStore, newEvents) })
	t.Run("FollowBatchLoadsOnce", func(t *testing.T) { testFollowBatchLoadsOnce(t, newStore, newEvents) })
	t.Run("FollowBatchFaults", func(t *testing.T) { testFollowBatchFaults(t, newStore, newEvents) })
	t.Run("FollowBatchFailureMidRun", func(t *testing.T) { testFollowBatchFailureMidRun(t, newStore, newEvents) })
	t.Run("WaitsWithoutPolling", func(t *testing.T) { testWaitsWithoutPolling(t, newStore, newEvents) })
	t.Run("RebuildWhileServing", func(t *testing.T) { testRebuildWhileServing(t, newStore, newEvents) })
	t.Run("KPI", func(t *testing.T) { testKPI(t, newStore, newEvents) })
	t.Run("KPIBusinessTime", func(t *testing.T) { testKPIBusinessTime(t, newStore, newEvents) })
	t.Run("PortalPrivacy", func(t *testing.T) { testPortalPrivacy(t, newStore, newEvents) })
	t.Run("Queues", func(t *testing.T) { testQueues(t, newStore, newEvents) })
	t.Run("QueuePages", func(t *testing.T) { testQueuePages(t, newStore, newEvents) })
	t.Run("Agents", func(t *testing.T) { testAgents(t, newStore, newEvents) })
	t.Run("PoisonedRow", func(t *testing.T) { testPoisonedRow(t, newStore, newEvents) })
	t.Run("TransientCommit", func(t *testing.T) { testTransientCommit(t, newStore, newEvents) })
	t.Run("HostileEvents", func(t *testing.T) { testHostileEvents(t, newStore, newEvents) })
	t.Run("OpenByTeam", func(t *testing.T) { testOpenByTeam(t, newStore, newEvents) })
	t.Run("Messages", func(t *testing.T) { testMessages(t, newStore, newEvents) })
	t.Run("TicketList", func(t *testing.T) { testTicketList(t, newStore, newEvents) })
	t.Run("Customers", func(t *testing.T) { testCustomers(t, newStore, newEvents) })
	t.Run("CustomersWithoutEmail", func(t *testing.T) { testCustomersWithoutEmail(t, newStore, newEvents) })
	t.Run("HotIssues", func(t *testing.T) { testHotIssues(t, newStore, newEvents) })
	t.Run("Articles", func(t *testing.T) { testArticles(t, newStore, newEvents) })
}

func mustEngine(t testing.TB, store projections.Writer) *projections.Engine {
	e, err := projections.NewEngine(context.Background(), store)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// Rebuilt projects the world's history into a new store the fast way (CatchUp).
func Rebuilt(t *testing.T, newStore Factory, w *World) projections.Store {
	store := newStore(t)
	CaughtUp(t, store, w)
	return store
}

func check(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
