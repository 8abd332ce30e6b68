package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"time"
)

// env is what the workers of one run share.
type env struct {
	o       options
	c       *client
	admin   string
	agents  []agent
	tickets []ticket // prefilled, for the read scenarios
	desk    []string // the desk's session cookies (pages --page desk_queue), shared by the workers
	lag     *prober
	mix     []weighted
}

// worker is one simulated client: its own random sequence and its own agent.
type worker struct {
	id    int
	rnd   *rand.Rand
	env   *env
	agent agent
}

// scenario is one kind of run: iterate is one unit of work of a worker.
type scenario struct {
	prefill bool
	iterate func(ctx context.Context, w *worker) error
}

var scenarios = map[string]scenario{
	"lifecycle":  {iterate: lifecycle},
	"read-heavy": {prefill: true, iterate: readHeavy},
	"portal":     {prefill: true, iterate: portalLookup},
	"mixed":      {prefill: true, iterate: mixed},
	"pages":      {prefill: true, iterate: pageLoad},
}

// result is what a run measured, before it is shaped into a report.
type result struct {
	o         options
	st        *stats
	elapsed   time.Duration
	done      int64
	failed    int64
	firstErrs []string
	pace      *pacer
	cpu       [2]cpuUsage // at the start and the end
}

// bench sets the target up (agents, prefilled tickets), runs the scenario and returns its report.
func bench(ctx context.Context, o options, progress io.Writer) (report, error) {
	sc := scenarios[o.Scenario]
	mix, err := parseMix(o.Mix)
	if err != nil {
		return report{}, err
	}
	setup := &env{o: o, c: newClient(o.URL, o.Concurrency, newStats(), nil), admin: o.Token, mix: mix}
	if err := setup.registerAgents(ctx); err != nil {
		return report{}, fmt.Errorf("setup: %w", err)
	}
	if sc.prefill {
		if err := setup.prefillTickets(ctx); err != nil {
			return report{}, fmt.Errorf("setup: %w", err)
		}
	}
	var weights []weightReport
	if o.Scenario == "pages" {
		w, err := setup.preparePage(ctx, o.Page)
		if err != nil {
			return report{}, fmt.Errorf("setup: %w", err)
		}
		weights = append(weights, w)
	}
	st := newStats()
	start := time.Now()
	var p *pacer
	if o.Rate > 0 {
		p = newPacer(o.Rate, start)
	}
	rec, err := openRecorder(o.Record)
	if err != nil {
		return report{}, fmt.Errorf("--record: %w", err)
	}
	e := *setup
	e.c = newClient(o.URL, o.Concurrency+probeWorkers(o), st, p)
	e.c.rec = rec
	e.lag = startProber(ctx, &e, st)
	stopProgress := startProgress(progress, o, st, start)
	cpuStart := sampleCPU(o.PID)
	res := e.run(ctx, sc, start)
	cpuEnd := sampleCPU(o.PID) // before waiting for the last probes: CPU over the run's elapsed time
	e.lag.close()
	stopProgress()
	if err := rec.close(); err != nil {
		return report{}, fmt.Errorf("--record: %w", err)
	}
	res.pace, res.cpu = p, [2]cpuUsage{cpuStart, cpuEnd}
	if ctx.Err() != nil && res.done == 0 {
		return report{}, ctx.Err()
	}
	rep := newReport(res)
	rep.FirstLoad = weights
	return rep, nil
}

// run starts the workers and waits until the count is done or the time is up.
func (e *env) run(ctx context.Context, sc scenario, start time.Time) result {
	var (
		remaining = atomic.Int64{}
		done      atomic.Int64
		failed    atomic.Int64
		mu        sync.Mutex
		firstErrs []string
		wg        sync.WaitGroup
	)
	remaining.Store(int64(e.o.Count))
	deadline := start.Add(e.o.Duration)
	more := func() bool {
		if ctx.Err() != nil {
			return false
		}
		if e.o.Count > 0 {
			return remaining.Add(-1) >= 0
		}
		return time.Now().Before(deadline)
	}
	for i := range e.o.Concurrency {
		w := &worker{id: i, rnd: rand.New(rand.NewPCG(uint64(e.o.Seed), uint64(i))), env: e, agent: e.agents[i%len(e.agents)]}
		wg.Add(1)
		go func() {
			defer wg.Done()
			if !sleepCtx(ctx, rampDelay(e.o, i)) {
				return
			}
			for more() {
				err := sc.iterate(ctx, w)
				if err == nil {
					done.Add(1)
					continue
				}
				if ctx.Err() != nil && errors.Is(err, ctx.Err()) {
					return
				}
				failed.Add(1)
				mu.Lock()
				if len(firstErrs) < 5 {
					firstErrs = append(firstErrs, err.Error())
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	return result{o: e.o, st: e.c.stats, elapsed: time.Since(start), done: done.Load(), failed: failed.Load(), firstErrs: firstErrs}
}

// rampDelay spreads worker starts evenly over --ramp-up.
func rampDelay(o options, i int) time.Duration {
	if o.RampUp <= 0 || o.Concurrency < 2 {
		return 0
	}
	return time.Duration(int64(o.RampUp) * int64(i) / int64(o.Concurrency))
}

func sleepCtx(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// startProgress prints one line per interval to w until the returned stop is called.
func startProgress(w io.Writer, o options, st *stats, start time.Time) (stop func()) {
	if o.Progress <= 0 || w == nil {
		return func() {}
	}
	quit, stopped := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(stopped)
		t := time.NewTicker(o.Progress)
		defer t.Stop()
		var lastCmd, lastRead uint64
		for {
			select {
			case <-quit:
				return
			case <-t.C:
			}
			ok, failed := st.totals()
			secs := o.Progress.Seconds()
			fmt.Fprintf(w, "ticketbench %s %5.0fs: %7.0f commands/s %7.0f reads/s  errors %d  lag p99 %.1f ms\n",
				o.Scenario, time.Since(start).Seconds(), float64(ok[classCommand]-lastCmd)/secs,
				float64(ok[classRead]-lastRead)/secs, failed, ms(st.lag.Quantile(0.99)))
			lastCmd, lastRead = ok[classCommand], ok[classRead]
		}
	}()
	return func() { close(quit); <-stopped }
}
