package policy_test

import (
	"context"
	"testing"
	"time"

	"github.com/ticketengine/ticketengine/application/policy"
	"github.com/ticketengine/ticketengine/domain"
)

// TestStandbyEngineActsOnlyWhileLeading: a Standby engine follows the store but records
// nothing until Lead runs; Lead then fires the checks that fell due meanwhile at once,
// and once Lead ends the engine acts no more.
func TestStandbyEngineActsOnlyWhileLeading(t *testing.T) {
	store := newStore()
	n := startNode(t, store, policy.Options{Standby: true})
	id := receive(t, n.cmds, domain.TierVIP, "付款页面报错")
	classify(t, n.cmds, id, "payments", domain.P1, "")
	time.Sleep(2500 * time.Millisecond) // past the first response's due time (2 s)
	if b, _ := breachEvents(t, store, id); b != 0 {
		t.Fatalf("a standby engine recorded %d breaches", b)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- n.engine.Lead(ctx, 7) }()
	eventually(t, 2*time.Second, "the overdue breach once leading", func() bool { _, e := breachEvents(t, store, id); return e > 0 })
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	time.Sleep(4500 * time.Millisecond) // past the resolution's due time (4 s from classification)
	if r := count(t, store, id, domain.TypeSLABreached, map[string]string{"clock": domain.ClockResolution}); r != 0 {
		t.Fatalf("the engine recorded %d resolution breaches after Lead ended", r)
	}
}
