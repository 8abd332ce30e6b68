// Package checkpointtest is the conformance suite every policy.CheckpointStore passes:
// none at first, a save read back, fencing by a greater epoch and by a later position,
// names kept apart, and concurrent saves from two nodes ending at the greatest.
package checkpointtest

import (
	"bytes"
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/ticketengine/ticketengine/application/policy"
)

// Nodes returns two stores on one fresh shared state, as two nodes see it.
type Nodes func(t *testing.T) (a, b policy.CheckpointStore)

// Run runs the suite.
func Run(t *testing.T, nodes Nodes) {
	tests := map[string]func(*testing.T, policy.CheckpointStore, policy.CheckpointStore){
		"none at first":               empty,
		"a save is read back":         roundTrip,
		"a greater epoch fences":      epochFences,
		"a later position wins":       laterPositionWins,
		"names are independent":       independent,
		"concurrent saves end at one": concurrent,
	}
	for name, test := range tests {
		t.Run(name, func(t *testing.T) {
			a, b := nodes(t)
			test(t, a, b)
		})
	}
}

const name = policy.ViewCheckpoint

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return c
}

func save(t *testing.T, s policy.CheckpointStore, epoch, pos uint64, state string) bool {
	t.Helper()
	ok, err := s.SaveCheckpoint(ctx(t), name, epoch, pos, []byte(state))
	if err != nil {
		t.Fatalf("save epoch %d position %d: %v", epoch, pos, err)
	}
	return ok
}

// want fails unless s loads position pos and state.
func want(t *testing.T, s policy.CheckpointStore, pos uint64, state string) {
	t.Helper()
	got, data, err := s.LoadCheckpoint(ctx(t), name)
	if err != nil || got != pos || !bytes.Equal(data, []byte(state)) {
		t.Fatalf("load = %d %q %v, want %d %q", got, data, err, pos, state)
	}
}

func empty(t *testing.T, a, _ policy.CheckpointStore) {
	pos, data, err := a.LoadCheckpoint(ctx(t), name)
	if err != nil || pos != 0 || data != nil {
		t.Fatalf("load of none = %d %q %v, want 0, nil, nil", pos, data, err)
	}
}

func roundTrip(t *testing.T, a, b policy.CheckpointStore) {
	if !save(t, a, 1, 10, `{"tickets":[]}`) {
		t.Fatal("the first save refused")
	}
	want(t, b, 10, `{"tickets":[]}`)
	if !save(t, a, 1, 15, "second") {
		t.Fatal("the holder's next save refused")
	}
	want(t, b, 15, "second")
}

func epochFences(t *testing.T, a, b policy.CheckpointStore) {
	if !save(t, a, 1, 10, "old holder") || !save(t, b, 2, 10, "new holder") {
		t.Fatal("saves refused")
	}
	if save(t, a, 1, 20, "stale") {
		t.Fatal("a save of a lower epoch after a greater one was accepted")
	}
	want(t, a, 10, "new holder")
}

func laterPositionWins(t *testing.T, a, b policy.CheckpointStore) {
	if !save(t, a, 2, 30, "ahead") {
		t.Fatal("save refused")
	}
	if save(t, b, 2, 29, "behind") || save(t, b, 3, 29, "behind, greater epoch") {
		t.Fatal("a save behind the last one's position was accepted")
	}
	want(t, b, 30, "ahead")
	if !save(t, b, 3, 31, "further") {
		t.Fatal("a save further on was refused")
	}
	want(t, a, 31, "further")
}

func independent(t *testing.T, a, _ policy.CheckpointStore) {
	if !save(t, a, 5, 50, "view") {
		t.Fatal("save refused")
	}
	ok, err := a.SaveCheckpoint(ctx(t), "other-duty", 1, 1, []byte("other"))
	if err != nil || !ok {
		t.Fatalf("another name's save fenced by the first: %v %v", ok, err)
	}
	want(t, a, 50, "view")
}

// concurrent: two nodes save at once, each its epoch and rising positions; every save
// either is refused or is at or below the one left, which is the greatest accepted.
func concurrent(t *testing.T, a, b policy.CheckpointStore) {
	const rounds = 10
	type saved struct{ epoch, pos uint64 }
	var mu sync.Mutex
	var accepted []saved
	var wg sync.WaitGroup
	for n, s := range []policy.CheckpointStore{a, b} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range uint64(rounds) {
				epoch, pos := uint64(n+1), 100+i*2+uint64(n)
				ok, err := s.SaveCheckpoint(ctx(t), name, epoch, pos, []byte(fmt.Sprint(epoch, pos)))
				if err != nil {
					t.Errorf("node %d: %v", n, err)
					return
				}
				if ok {
					mu.Lock()
					accepted = append(accepted, saved{epoch, pos})
					mu.Unlock()
				}
			}
		}()
	}
	wg.Wait()
	if t.Failed() {
		return
	}
	if len(accepted) == 0 {
		t.Fatal("no save accepted")
	}
	pos, data, err := a.LoadCheckpoint(ctx(t), name)
	if err != nil {
		t.Fatal(err)
	}
	var last saved
	if _, err := fmt.Sscan(string(data), &last.epoch, &last.pos); err != nil || last.pos != pos {
		t.Fatalf("load = %d %q %v: the state is not one save's", pos, data, err)
	}
	for _, s := range accepted {
		if s.epoch > last.epoch || s.pos > last.pos {
			t.Fatalf("left %+v, but %+v was accepted (of %v)", last, s, accepted)
		}
	}
}
