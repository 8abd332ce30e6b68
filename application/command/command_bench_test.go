package command_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/adapters/eventstore/bolt/bolttest"
	"github.com/ticketengine/ticketengine/adapters/eventstore/memstore"
	"github.com/ticketengine/ticketengine/application"
	"github.com/ticketengine/ticketengine/application/auth"
	"github.com/ticketengine/ticketengine/application/command"
	"github.com/ticketengine/ticketengine/application/eventlog"
	"github.com/ticketengine/ticketengine/application/eventstoretest"
	"github.com/ticketengine/ticketengine/domain"
)

// BenchmarkCommand measures whole commands through the application layer (read the
// stream, or its tail after the cached state, fold, decide, seal, append) on the in-memory store and on the embedded bolt
// store, which fsyncs every commit, with 1, 8 and 64 goroutines sending at once.
//
//	receive: a new ticket (two appends: the number reservation, then TicketReceived)
//	reply:   a reply on an existing ticket; each goroutine has its own tickets, of at most
//	         repliesPerTicket replies each, so streams stay the size of real tickets
func BenchmarkCommand(b *testing.B) {
	stores := []struct {
		name string
		open func(b *testing.B) eventlog.EventStore
	}{
		{"memory", func(*testing.B) eventlog.EventStore { return memstore.New() }},
		{"bolt", func(b *testing.B) eventlog.EventStore { return bolttest.Open(b) }},
	}
	for _, cmd := range []string{"receive", "reply"} {
		for _, st := range stores {
			for _, g := range []int{1, 8, 64} {
				b.Run(fmt.Sprintf("%s/%s/goroutines=%d", cmd, st.name, g), func(b *testing.B) {
					store := st.open(b)
					b.Cleanup(func() { _ = store.Close() })
					benchCommand(b, newBenchCommands(b, store), cmd, g)
				})
			}
		}
	}
}

const repliesPerTicket = 20

var benchMeta = command.CommandMeta{Actor: "agent:bench"}

func newBenchCommands(b *testing.B, store eventlog.EventStore) *command.Commands {
	secrets, err := auth.NewSecrets(make([]byte, 32))
	if err != nil {
		b.Fatal(err)
	}
	// The stream cache ticketd has by default.
	return command.NewCommands(command.Config{Store: store, Clock: application.SystemClock{}, Policy: domain.DefaultSLAPolicy(), Secrets: secrets, StreamCacheSize: 10000})
}

func benchReceive(ctx context.Context, c *command.Commands) (uuid.UUID, error) {
	res, err := c.Receive.Handle(ctx, command.ReceiveTicket{
		Channel: domain.ChannelEmail, Subject: "打印机坏了", Body: "It jams on every second page.",
		Customer: domain.Customer{Name: "张伟", Email: "zhang@example.com", Tier: domain.TierCore},
	}, benchMeta)
	return res.Ticket.ID, err
}

// benchCommand splits b.N commands over g goroutines, prepares what each needs outside the
// timer, runs them, and reports commands/s over the wall-clock time of the run, and the
// process's CPU time (user+system, all goroutines, the GC's included) per command: on a
// machine shared with other work that is steadier than the wall clock.
func benchCommand(b *testing.B, c *command.Commands, cmd string, g int) {
	ctx := context.Background()
	ops := make([]func() error, g)
	for w := range g {
		n := b.N / g
		if w < b.N%g {
			n++
		}
		ops[w] = prepare(b, ctx, c, cmd, n)
	}
	errs := make(chan error, g)
	var wg sync.WaitGroup
	b.ResetTimer()
	cpu0 := eventstoretest.ProcessCPU()
	start := time.Now()
	for _, op := range ops {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs <- op()
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	cpu := eventstoretest.ProcessCPU() - cpu0
	b.StopTimer()
	close(errs)
	for err := range errs {
		if err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "commands/s")
	if cpu0 >= 0 {
		b.ReportMetric(float64(cpu.Microseconds())/float64(b.N), "cpu-µs/command")
	}
}

// prepare returns one goroutine's share of n commands, having created its tickets first.
func prepare(b *testing.B, ctx context.Context, c *command.Commands, cmd string, n int) func() error {
	switch cmd {
	case "receive":
		return func() error {
			for range n {
				if _, err := benchReceive(ctx, c); err != nil {
					return err
				}
			}
			return nil
		}
	case "reply":
		tickets := make([]uuid.UUID, (n+repliesPerTicket-1)/repliesPerTicket)
		for i := range tickets {
			id, err := benchReceive(ctx, c)
			if err != nil {
				b.Fatal(err)
			}
			tickets[i] = id
		}
		return func() error {
			for i := range n {
				reply := command.ReplyToTicket{TicketID: tickets[i/repliesPerTicket], Body: "我们正在核实，请提供订单号。", Public: true}
				if _, err := c.Reply.Handle(ctx, reply, benchMeta); err != nil {
					return err
				}
			}
			return nil
		}
	}
	b.Fatalf("unknown command %s", cmd)
	return nil
}
