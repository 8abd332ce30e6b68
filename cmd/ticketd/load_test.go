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
}

// ackLog collects acknowledgements and anything the server answered unexpectedly.
type ackLog struct {
	mu         sync.Mutex
	acks       []ack
	unexpected []string
	cut        int // requests that got no answer (in flight at the kill, or sent after it)
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

func (l *ackLog) noteCut() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.cut++
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
// returns the log once all have stopped.
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
	for n := 0; ctx.Err() == nil; n++ {
		a, ok := send(ctx, c, log, http.StatusCreated, "/tickets", newTicketBody(writer, n), domain.TypeTicketReceived, "")
		if !ok {
			return
		}
		for _, s := range steps {
			if _, ok := send(ctx, c, log, http.StatusOK, "/tickets/"+a.ticket+s.path, s.body, s.event, a.ticket); !ok {
				return
			}
		}
	}
}

// send posts one command and logs its acknowledgement; ok is false when the writer must stop.
func send(ctx context.Context, c api, log *ackLog, want int, path string, body map[string]any, event, ticket string) (ack, bool) {
	ans, err := c.call(ctx, http.MethodPost, path, body)
	if err != nil {
		log.noteCut()
		return ack{}, false
	}
	v, verr := ans.version()
	if ticket == "" {
		ticket, _ = ans.Body["id"].(string)
	}
	if ans.Status != want || verr != nil || ticket == "" {
		log.note(fmt.Sprintf("POST %s: %d %s", path, ans.Status, ans.Raw))
		return ack{}, false
	}
	a := ack{ticket: ticket, version: v, event: event}
	log.add(a)
	return a, true
}
