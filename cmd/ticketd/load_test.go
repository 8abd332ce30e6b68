package main

import (
	"context"
	"fmt"
	"net/http"
	"sync"

	"github.com/ticketengine/ticketengine/domain"
)

// The load the process tests put on ticketd: writers that each take tickets through their
// life, one command after the other, and note every command the server acknowledged.

// ack is one acknowledged command: the server answered 2xx with the ticket at version.
type ack struct {
	ticket  string
	version int64
	event   string // the event type the command appends at that version
	key     string // the Idempotency-Key it was sent with, if any
}

// command is one request a writer sends.
type command struct {
	want   int // the status that acknowledges it
	path   string
	body   map[string]any
	event  string
	ticket string // empty for a receive: the answer names the ticket
	key    string
}

// ackLog collects acknowledgements and anything the server answered unexpectedly.
type ackLog struct {
	mu         sync.Mutex
	acks       []ack
	unexpected []string
	cut        []command // requests that got no answer (in flight at the kill, or sent after it)
}

func (l *ackLog) add(a ack) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.acks = append(l.acks, a)
}

func (l *ackLog) note(unexpected string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.unexpected = append(l.unexpected, unexpected)
}

func (l *ackLog) noteCut(c command) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.cut = append(l.cut, c)
}

// step is one command on an existing ticket.
type step struct {
	path  string
	body  map[string]any
	event string
}

// lifeSteps are the commands a writer sends after receiving a ticket: classify, assign,
// a public reply, an internal note, resolve. Each appends exactly one event.
func lifeSteps(agentID string) []step {
	return []step{
		{"/classify", map[string]any{"category": "billing", "priority": "P2"}, domain.TypeTicketClassified},
		{"/assign", map[string]any{"agent_id": agentID}, domain.TypeTicketAssigned},
		{"/replies", map[string]any{"body": "我们正在核实。", "public": true}, domain.TypeTicketReplied},
		{"/replies", map[string]any{"body": "ledger shows two captures", "public": false}, domain.TypeTicketReplied},
		{"/resolve", map[string]any{"resolution": "refunded"}, domain.TypeTicketResolved},
	}
}

func newTicketBody(writer, n int) map[string]any {
	return map[string]any{
		"channel":  "email",
		"customer": map[string]any{"id": fmt.Sprintf("c-%d-%d", writer, n), "name": "陈静", "email": "chen@example.com", "tier": "standard"},
		"subject":  fmt.Sprintf("退款没有到账 %d/%d", writer, n), "body": "I was charged twice.",
	}
}

// runLoad starts writers that run until ctx ends or the server stops answering; wait
// returns the log once all have stopped. Odd writers send an Idempotency-Key with every
// command, so that a request the crash cut can be retried after the restart.
func runLoad(ctx context.Context, c api, agentID string, writers int) (wait func() *ackLog) {
	log := &ackLog{}
	var wg sync.WaitGroup
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			write(ctx, c, agentID, w, log)
		}()
	}
	return func() *ackLog { wg.Wait(); return log }
}

// write takes ticket after ticket through its life until a request gets no answer.
func write(ctx context.Context, c api, agentID string, writer int, log *ackLog) {
	steps := lifeSteps(agentID)
	key := func(n, step int) string {
		if writer%2 == 0 {
			return ""
		}
		return fmt.Sprintf("crash-w%d-t%d-s%d", writer, n, step)
	}
	for n := 0; ctx.Err() == nil; n++ {
		a, ok := send(ctx, c, log, command{want: http.StatusCreated, path: "/tickets", body: newTicketBody(writer, n), event: domain.TypeTicketReceived, key: key(n, 0)})
		if !ok {
			return
		}
		for i, s := range steps {
			cmd := command{want: http.StatusOK, path: "/tickets/" + a.ticket + s.path, body: s.body, event: s.event, ticket: a.ticket, key: key(n, i+1)}
			if _, ok := send(ctx, c, log, cmd); !ok {
				return
			}
		}
	}
}

// send posts one command and logs its acknowledgement; ok is false when the writer must stop.
func send(ctx context.Context, c api, log *ackLog, cmd command) (ack, bool) {
	var hdr []string
	if cmd.key != "" {
		hdr = []string{"Idempotency-Key", cmd.key}
	}
	ans, err := c.call(ctx, http.MethodPost, cmd.path, cmd.body, hdr...)
	if err != nil {
		log.noteCut(cmd)
		return ack{}, false
	}
	a, err := acknowledged(ans, cmd)
	if err != nil {
		log.note(err.Error())
		return ack{}, false
	}
	log.add(a)
	return a, true
}

// acknowledged reads the acknowledgement out of an answer to cmd.
func acknowledged(ans answer, cmd command) (ack, error) {
	v, err := ans.version()
	ticket := cmd.ticket
	if ticket == "" {
		ticket, _ = ans.Body["id"].(string)
	}
	if ans.Status != cmd.want || err != nil || ticket == "" {
		return ack{}, fmt.Errorf("POST %s: %d %s", cmd.path, ans.Status, ans.Raw)
	}
	return ack{ticket: ticket, version: v, event: cmd.event, key: cmd.key}, nil
}
