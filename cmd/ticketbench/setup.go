package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"sync"
	"time"

	"github.com/google/uuid"
)

// agent is a registered agent the benchmark acts as.
type agent struct {
	ID    string `json:"id"`
	Token string `json:"token"`
	Name  string `json:"-"`
}

// ticket is a ticket the benchmark created, with what its customer knows of it.
type ticket struct {
	ID         string `json:"id"`
	Number     string `json:"number"`
	AccessCode string `json:"access_code"`
	Status     string `json:"status"`
	Version    int64  `json:"version"`
	agent      agent
}

// registerAgents registers the agents with the admin token and takes them online. Their
// names carry the start time and a random part, so several runs against one server (even
// in the same second) do not collide: an account's email is unique.
func (e *env) registerAgents(ctx context.Context) error {
	stamp := time.Now().UTC().Format("150405") + "-" + uuid.NewString()[:8]
	for i := range e.o.Agents {
		name := fmt.Sprintf("bench-%s-%02d", stamp, i)
		a := agent{Name: name}
		err := e.c.do(ctx, call{kind: "register_agent", class: classCommand, method: http.MethodPost, path: "/agents", token: e.admin, want: http.StatusCreated,
			body: map[string]any{"name": name, "email": name + "@bench.example", "team": "support", "skills": []string{"billing", "shipping"}, "capacity": 1000, "language": "en"}}, &a)
		if err != nil {
			return err
		}
		err = e.c.do(ctx, call{kind: "presence", class: classCommand, method: http.MethodPost, path: "/agents/" + a.ID + "/presence", token: a.Token, want: http.StatusOK,
			body: map[string]any{"online": true}}, nil)
		if err != nil {
			return err
		}
		e.agents = append(e.agents, a)
	}
	return nil
}

// prefillTickets opens --prefill tickets, classified and assigned (so they sit in the
// agents' queues), for the read scenarios to read.
func (e *env) prefillTickets(ctx context.Context) error {
	out := make([]ticket, e.o.Prefill)
	errs := make(chan error, e.o.Concurrency)
	var wg sync.WaitGroup
	for i := range e.o.Concurrency {
		w := &worker{id: i, rnd: rand.New(rand.NewPCG(uint64(e.o.Seed), uint64(1_000_000+i))), env: e, agent: e.agents[i%len(e.agents)]}
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := i; n < len(out); n += e.o.Concurrency {
				t, err := w.openAssigned(ctx)
				if err != nil {
					errs <- err
					return
				}
				out[n] = t
			}
		}()
	}
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		return err
	}
	e.tickets = out
	return nil
}

// openAssigned receives, classifies and assigns one ticket to the worker's agent.
func (w *worker) openAssigned(ctx context.Context) (ticket, error) {
	t, err := w.receive(ctx)
	if err == nil {
		err = w.command(ctx, &t, "classify", "/classify", w.classifyBody())
	}
	if err == nil {
		err = w.command(ctx, &t, "assign", "/assign", map[string]any{"agent_id": w.agent.ID})
	}
	return t, err
}

var (
	channels   = []string{"email", "web", "chat", "phone", "api"}
	tiers      = []string{"standard", "standard", "standard", "core", "core", "vip"}
	categories = []string{"billing", "shipping", "account", "returns", "technical"}
	priorities = []string{"P1", "P2", "P3", "P3", "P4"}
	subjects   = []string{
		"Order arrived damaged", "Refund not received after two weeks", "Cannot log in to my account",
		"订单还没有发货", "发票抬头需要修改", "账户被锁定,无法登录", "Wrong size delivered",
	}
)

func pick(r *rand.Rand, xs []string) string { return xs[r.IntN(len(xs))] }

func (w *worker) receiveBody() map[string]any {
	r := w.rnd
	cust := r.IntN(100_000)
	return map[string]any{
		"channel": pick(r, channels),
		"customer": map[string]any{
			"id": fmt.Sprintf("cust-%d", cust), "name": fmt.Sprintf("Customer %d", cust),
			"email": fmt.Sprintf("c%d@example.com", cust), "tier": pick(r, tiers),
		},
		"subject": pick(r, subjects),
		"body":    "Hello, I need help with my order. 你好,我需要帮助。Order reference " + fmt.Sprint(r.Uint32()),
	}
}

func (w *worker) classifyBody() map[string]any {
	return map[string]any{"category": pick(w.rnd, categories), "priority": pick(w.rnd, priorities), "team": "support"}
}
