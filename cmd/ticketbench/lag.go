package main

import (
	"context"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// prober measures projection lag: the time from a command's response until a read model
// shows the version it answered.
//
// Portal probes ask with min_version, which answers exactly when the version is applied,
// so they run on their own workers, fed through a bounded queue, and never slow the
// workers that drive the load (a probe that finds the queue full is dropped and counted).
// Queue probes poll the agent's queue until the ticket shows the version; a ticket that
// has moved on meanwhile (resolved: gone from the queue) would leave the probe nothing to
// see, so the worker that sent the command makes the probe itself before its next
// command, as an agent looking at the queue after a change would.
type prober struct {
	ctx     context.Context
	e       *env
	st      *stats
	mode    string
	every   uint64
	counter atomic.Uint64
	queue   chan probe
	wg      sync.WaitGroup
}

type probe struct {
	t  ticket
	at time.Time
}

// probeTimeout bounds one probe: the API waits up to 2 s on min_version.
const probeTimeout = 5 * time.Second

func probeWorkers(o options) int {
	if o.Lag != "portal" {
		return 0
	}
	return max(2, o.Concurrency/4)
}

func startProber(ctx context.Context, e *env, st *stats) *prober {
	p := &prober{ctx: ctx, e: e, st: st, mode: e.o.Lag, every: uint64(e.o.LagEvery), queue: make(chan probe, 1024)}
	for range probeWorkers(e.o) {
		p.wg.Add(1)
		go func() {
			defer p.wg.Done()
			for pr := range p.queue {
				p.measure(pr)
			}
		}()
	}
	return p
}

// sample offers the ticket, as a command just answered it, for a probe: one in --lag-every
// of the eligible commands (with --lag=queue only those that leave the ticket in its
// agent's queue).
func (p *prober) sample(t ticket, inQueue bool) {
	if p == nil || p.mode == "none" || p.mode == "queue" && !inQueue {
		return
	}
	if p.counter.Add(1)%p.every != 0 {
		return
	}
	if p.mode == "queue" {
		p.measure(probe{t: t, at: time.Now()})
		return
	}
	select {
	case p.queue <- probe{t: t, at: time.Now()}:
	default:
		p.st.lagDropped.Add(1)
	}
}

// close waits for the probes under way.
func (p *prober) close() {
	if p == nil {
		return
	}
	close(p.queue)
	p.wg.Wait()
}

func (p *prober) measure(pr probe) {
	ctx, cancel := context.WithTimeout(p.ctx, probeTimeout)
	defer cancel()
	var ok bool
	if p.mode == "portal" {
		ok = p.viaPortal(ctx, pr)
	} else {
		ok = p.viaQueue(ctx, pr)
	}
	if ok {
		p.st.lag.Record(time.Since(pr.at))
	} else if p.ctx.Err() == nil {
		p.st.lagMissed.Add(1)
	}
}

// viaPortal asks the portal view for the version with min_version, which waits for it.
func (p *prober) viaPortal(ctx context.Context, pr probe) bool {
	path := portalPath(pr.t, "") + "&min_version=" + strconv.FormatInt(pr.t.Version, 10)
	err := p.e.c.do(ctx, call{kind: "lag_portal", class: classProbe, method: http.MethodGet, path: path, want: http.StatusOK}, nil)
	return err == nil
}

// viaQueue polls the agent's queue until the ticket shows the version.
func (p *prober) viaQueue(ctx context.Context, pr probe) bool {
	path := "/queues?assignee=" + pr.t.agent.ID + "&limit=500"
	for {
		var page struct {
			Items []struct {
				ID      string `json:"id"`
				Version int64  `json:"version"`
			} `json:"items"`
		}
		if err := p.e.c.do(ctx, call{kind: "lag_queue", class: classProbe, method: http.MethodGet, path: path, token: pr.t.agent.Token, want: http.StatusOK}, &page); err != nil {
			return false
		}
		for _, it := range page.Items {
			if it.ID == pr.t.ID && it.Version >= pr.t.Version {
				return true
			}
		}
		if !sleepCtx(ctx, time.Millisecond) {
			return false
		}
	}
}
