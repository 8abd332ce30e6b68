package memreadmodel_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/adapters/eventstore/memstore"
	"github.com/ticketengine/ticketengine/adapters/readmodel/memreadmodel"
	"github.com/ticketengine/ticketengine/application/access"
	"github.com/ticketengine/ticketengine/application/command"
	"github.com/ticketengine/ticketengine/application/eventlog"
	"github.com/ticketengine/ticketengine/domain"
	"github.com/ticketengine/ticketengine/projections"
	"github.com/ticketengine/ticketengine/projections/readmodeltest"
)

// countingStore counts the stream reads GET /tickets/{id}/messages makes, and the records
// they return: the work of the read, which has no read model behind it.
type countingStore struct {
	eventlog.EventStore
	reads, records atomic.Int64
}

func (c *countingStore) ReadStream(ctx context.Context, stream string) ([]eventlog.Record, error) {
	recs, err := c.EventStore.ReadStream(ctx, stream)
	c.reads.Add(1)
	c.records.Add(int64(len(recs)))
	return recs, err
}

// conversationWorld writes one ticket with n messages: the customer's first, then
// replies of its agent and of the customer by turns (the agent's every third one an
// internal note). It returns the ticket and how many records its stream holds.
func conversationWorld(t testing.TB, n int) (*readmodeltest.World, *countingStore, uuid.UUID, int) {
	events := &countingStore{EventStore: memstore.New()}
	w := readmodeltest.NewWorld(t, events)
	a := w.Agent(t, "王小明", "support")
	id := w.Receive(t, domain.TierCore, domain.ChannelWeb, "subject", "message 0").Ticket.ID
	ctx := context.Background()
	if _, err := w.Commands.Assign.Handle(ctx, command.AssignTicket{TicketID: id, AgentID: a.ID}, command.CommandMeta{Actor: "admin"}); err != nil {
		t.Fatal(err)
	}
	for i := 1; i < n; i++ {
		var err error
		body := fmt.Sprintf("message %d", i)
		if i%2 == 1 {
			_, err = w.Commands.Reply.Handle(ctx, command.ReplyToTicket{TicketID: id, Body: body, Public: i%3 != 0},
				command.CommandMeta{Actor: "agent:" + a.ID.String()})
		} else {
			_, err = w.Commands.CustomerReply.Handle(ctx, command.CustomerReply{TicketID: id, Body: body},
				command.CommandMeta{Actor: access.Customer.Actor()})
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	recs, err := events.EventStore.ReadStream(ctx, eventlog.TicketStream(id))
	if err != nil {
		t.Fatal(err)
	}
	events.reads.Store(0)
	events.records.Store(0)
	return w, events, id, len(recs)
}

// TestMessagesReadTheStreamOncePerPage: GET /tickets/{id}/messages keeps nothing in the
// read models: each page is one read of the ticket's stream (all of it: its cost grows
// with the conversation, see BenchmarkTicketMessages), and the pages hold every message
// in order. The read-model store is empty: the answer does not come from it.
func TestMessagesReadTheStreamOncePerPage(t *testing.T) {
	const n, limit = 25, 10
	w, events, id, streamLen := conversationWorld(t, n)
	svc := projections.NewService(events, memreadmodel.New(), nil, w.Clock)
	var got []projections.MessageView
	pages := 0
	for cursor := ""; pages == 0 || cursor != ""; pages++ {
		page, next, err := svc.Messages(context.Background(), id, -1, limit, cursor)
		if err != nil {
			t.Fatal(err)
		}
		got, cursor = append(got, page...), next
	}
	if pages != 3 || len(got) != n {
		t.Fatalf("%d pages, %d messages; want 3 pages of %d messages", pages, len(got), n)
	}
	for i, m := range got {
		if m.Body != fmt.Sprintf("message %d", i) {
			t.Fatalf("message %d is %q", i, m.Body)
		}
	}
	if r, recs := events.reads.Load(), events.records.Load(); r != int64(pages) || recs != int64(pages*streamLen) {
		t.Fatalf("%d stream reads of %d records for %d pages; want one read of the %d records per page", r, recs, pages, streamLen)
	}
}

// BenchmarkTicketMessages: the first page of GET /tickets/{id}/messages (the read-side
// call) for a ticket of N messages on the memory event store; reads/op and records/op
// are the stream reads and the records they returned.
func BenchmarkTicketMessages(b *testing.B) {
	for _, n := range []int{1, 10, 100, 1000} {
		b.Run(fmt.Sprintf("N=%d", n), func(b *testing.B) {
			w, events, id, _ := conversationWorld(b, n)
			svc := projections.NewService(events, memreadmodel.New(), nil, w.Clock)
			ctx := context.Background()
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				if _, _, err := svc.Messages(ctx, id, -1, 0, ""); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(events.reads.Load())/float64(b.N), "reads/op")
			b.ReportMetric(float64(events.records.Load())/float64(b.N), "records/op")
		})
	}
}
