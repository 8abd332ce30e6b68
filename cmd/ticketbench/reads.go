package main

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
)

// readHeavy: a quarter of the workers (at least one) keep commands flowing with
// lifecycles while the others read, as a floor of agents watching their queues would.
func readHeavy(ctx context.Context, w *worker) error {
	writers := max(1, w.env.o.Concurrency/4)
	if w.id < writers {
		return lifecycle(ctx, w)
	}
	return staffRead(ctx, w)
}

// staffRead is one staff read: a prefilled ticket, or the worker's agent's queue, or
// the team's queue.
func staffRead(ctx context.Context, w *worker) error {
	c := w.env.c
	switch n := w.rnd.IntN(10); {
	case n < 5:
		t := w.env.tickets[w.rnd.IntN(len(w.env.tickets))]
		return c.do(ctx, call{kind: "get_ticket", class: classRead, method: http.MethodGet, path: "/tickets/" + t.ID, token: w.agent.Token, want: http.StatusOK}, nil)
	case n < 8:
		return c.do(ctx, call{kind: "queue_agent", class: classRead, method: http.MethodGet, path: "/queues?assignee=" + w.agent.ID, token: w.agent.Token, want: http.StatusOK}, nil)
	default:
		return c.do(ctx, call{kind: "queue_team", class: classRead, method: http.MethodGet, path: "/queues?team=support&limit=50", token: w.agent.Token, want: http.StatusOK}, nil)
	}
}

// portalLookup is a customer checking a prefilled ticket in the portal.
func portalLookup(ctx context.Context, w *worker) error {
	t := w.env.tickets[w.rnd.IntN(len(w.env.tickets))]
	return w.env.c.do(ctx, call{kind: "portal_get", class: classRead, method: http.MethodGet, path: portalPath(t, ""), want: http.StatusOK}, nil)
}

// weighted is one entry of --mix.
type weighted struct {
	name   string
	weight int
	run    func(context.Context, *worker) error
}

var mixable = map[string]func(context.Context, *worker) error{
	"lifecycle": lifecycle, "read": staffRead, "portal": portalLookup,
}

// parseMix reads "lifecycle=2,read=5,portal=3".
func parseMix(s string) ([]weighted, error) {
	var out []weighted
	for _, part := range strings.Split(s, ",") {
		name, n, ok := strings.Cut(strings.TrimSpace(part), "=")
		w, err := strconv.Atoi(n)
		run := mixable[name]
		if !ok || err != nil || w < 0 || run == nil {
			return nil, fmt.Errorf("--mix %q: want name=weight,… with names lifecycle, read, portal", s)
		}
		out = append(out, weighted{name: name, weight: w, run: run})
	}
	total := 0
	for _, m := range out {
		total += m.weight
	}
	if total == 0 {
		return nil, fmt.Errorf("--mix %q: the weights add up to 0", s)
	}
	return out, nil
}

// mixed draws each iteration from the --mix weights.
func mixed(ctx context.Context, w *worker) error {
	total := 0
	for _, m := range w.env.mix {
		total += m.weight
	}
	n := w.rnd.IntN(total)
	for _, m := range w.env.mix {
		if n < m.weight {
			return m.run(ctx, w)
		}
		n -= m.weight
	}
	return nil
}
