package command_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ticketengine/ticketengine/adapters/eventstore/bolt/bolttest"
	"github.com/ticketengine/ticketengine/adapters/eventstore/memstore"
	"github.com/ticketengine/ticketengine/application"
	"github.com/ticketengine/ticketengine/application/access"
	"github.com/ticketengine/ticketengine/application/auth"
	"github.com/ticketengine/ticketengine/application/command"
	"github.com/ticketengine/ticketengine/application/eventlog"
	"github.com/ticketengine/ticketengine/application/eventstoretest"
	"github.com/ticketengine/ticketengine/domain"
)

// countingStore counts what its callers read: each call (method and stream) and the
// bytes of the records it returns.
type countingStore struct {
	eventlog.EventStore
	mu    sync.Mutex
	calls []string
	bytes int
	recs  int
}

func (s *countingStore) note(call string, recs []eventlog.Record) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls = append(s.calls, call)
	s.recs += len(recs)
	for _, r := range recs {
		m := r.Meta
		s.bytes += 16 + 8 + 8 + len(r.Stream) + len(r.Type) + len(r.Data) + len(r.PrevHash) + len(r.Hash) +
			len(m.Actor) + len(m.CorrelationID) + len(m.CausationID) + len(m.IdempotencyKey) + len(m.RequestHash) + len(m.Rule)
	}
}

func (s *countingStore) reset() (calls []string, recs, bytes int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	calls, recs, bytes = s.calls, s.recs, s.bytes
	s.calls, s.recs, s.bytes = nil, 0, 0
	return calls, recs, bytes
}

func (s *countingStore) ReadStream(ctx context.Context, stream string) ([]eventlog.Record, error) {
	recs, err := s.EventStore.ReadStream(ctx, stream)
	s.note("ReadStream "+stream, recs)
	return recs, err
}

func (s *countingStore) ReadStreamFrom(ctx context.Context, stream string, from int64) ([]eventlog.Record, error) {
	recs, err := s.EventStore.ReadStreamFrom(ctx, stream, from)
	s.note(fmt.Sprintf("ReadStreamFrom %s %d", stream, from), recs)
	return recs, err
}

func (s *countingStore) ReadAll(ctx context.Context, after uint64, limit int) ([]eventlog.Record, error) {
	recs, err := s.EventStore.ReadAll(ctx, after, limit)
	s.note("ReadAll", recs)
	return recs, err
}

// portalWorld is a store holding two tickets received the same way, one with a body of
// 100 characters and one of 100,000, each with a few replies.
type portalWorld struct {
	store   *countingStore
	c       *command.Commands
	tickets map[int]command.ReceivedTicket // by body length
}

func newPortalWorld(t testing.TB, inner eventlog.EventStore) portalWorld {
	t.Helper()
	w := portalWorld{store: &countingStore{EventStore: inner}, tickets: map[int]command.ReceivedTicket{}}
	secrets, err := auth.NewSecrets(make([]byte, 32))
	if err != nil {
		t.Fatal(err)
	}
	clock := eventstoretest.NewClock(time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC))
	w.c = command.NewCommands(command.Config{Store: w.store, Clock: clock, Policy: domain.DefaultSLAPolicy(), Secrets: secrets})
	ctx := context.Background()
	for _, n := range []int{100, 100_000} {
		res, err := w.c.Receive.Handle(ctx, command.ReceiveTicket{
			Channel: domain.ChannelEmail, Subject: "printer", Body: strings.Repeat("x", n),
			Customer: domain.Customer{Name: "Zhang", Email: "zhang@example.com", Tier: domain.TierCore},
		}, staff)
		if err != nil {
			t.Fatal(err)
		}
		for range 3 {
			_, err := w.c.CustomerReply.Handle(ctx, command.CustomerReply{TicketID: res.Ticket.ID, Body: strings.Repeat("y", n)},
				command.CommandMeta{Actor: access.Customer.Actor()})
			if err != nil {
				t.Fatal(err)
			}
		}
		w.tickets[n] = res
	}
	w.store.reset()
	return w
}

// wrongCode is a well-formed code that is not the ticket's.
func wrongCode(code string) string {
	if code[0] == 'A' {
		return "B" + code[1:]
	}
	return "A" + code[1:]
}

// TestPortalLookupReadsTheSame: an unknown number, a wrong code and a right code make the
// same store calls, one read of the number's reservation and never the ticket's stream,
// so the ticket's size cannot show. The bytes read differ in one way only, and it is
// asserted exactly: a known number's read returns its one reservation record (the same
// size for every ticket received alike, whatever the ticket holds), an unknown number's
// returns none. A store cannot be asked about a number without its answer saying whether
// the number exists; what the look-up does with the answer is the same.
func TestPortalLookupReadsTheSame(t *testing.T) {
	for kind, open := range map[string]func(t *testing.T) eventlog.EventStore{
		"memory": func(*testing.T) eventlog.EventStore { return memstore.New() },
		"bolt":   func(t *testing.T) eventlog.EventStore { return bolttest.Open(t) },
	} {
		t.Run(kind, func(t *testing.T) {
			w := newPortalWorld(t, open(t))
			ctx := context.Background()
			type read struct {
				calls       []string
				recs, bytes int
			}
			lookup := func(number, code string, wantErr error) read {
				t.Helper()
				if _, err := w.c.FindByNumber.Find(ctx, number, code); !errors.Is(err, wantErr) {
					t.Fatalf("%s %s: %v, want %v", number, code, err, wantErr)
				}
				calls, recs, bytes := w.store.reset()
				return read{calls, recs, bytes}
			}
			small, big := w.tickets[100], w.tickets[100_000]
			reads := map[string]read{
				"unknown number":    lookup("TK-ZZZZZZ", small.AccessCode, application.ErrNotFound),
				"wrong code, small": lookup(small.Ticket.Number, wrongCode(small.AccessCode), application.ErrNotFound),
				"wrong code, big":   lookup(big.Ticket.Number, wrongCode(big.AccessCode), application.ErrNotFound),
				"right code, small": lookup(small.Ticket.Number, small.AccessCode, nil),
				"right code, big":   lookup(big.Ticket.Number, big.AccessCode, nil),
			}
			var reservation int
			for name, r := range reads {
				if len(r.calls) != 1 || !strings.HasPrefix(r.calls[0], "ReadStream "+eventlog.NumberStreamPrefix) {
					t.Fatalf("%s: reads %q, want one read of the reservation", name, r.calls)
				}
				t.Logf("%s: %d call, %d record, %d bytes", name, len(r.calls), r.recs, r.bytes)
				if name == "unknown number" {
					if r.recs != 0 || r.bytes != 0 {
						t.Fatalf("%s: %d records", name, r.recs)
					}
					continue
				}
				if reservation == 0 {
					reservation = r.bytes
				}
				if r.recs != 1 || r.bytes != reservation {
					t.Fatalf("%s: %d records, %d bytes; another known number read %d bytes", name, r.recs, r.bytes, reservation)
				}
			}
		})
	}
}

// BenchmarkPortalLookup times the portal's look-up on the embedded store: an unknown
// number against a wrong code on a ticket whose body (and three replies) are 100 or
// 100,000 characters. docs/PERFORMANCE.md ("Portal look-ups") has the figures; nothing
// asserts them.
func BenchmarkPortalLookup(b *testing.B) {
	w := newPortalWorld(b, bolttest.Open(b))
	ctx := context.Background()
	for _, n := range []int{100, 100_000} {
		tk := w.tickets[n]
		for _, c := range []struct{ name, number, code string }{
			{"unknown-number", "TK-ZZZZZZ", tk.AccessCode},
			{"wrong-code", tk.Ticket.Number, wrongCode(tk.AccessCode)},
		} {
			b.Run(fmt.Sprintf("body=%d/%s", n, c.name), func(b *testing.B) {
				for b.Loop() {
					if _, err := w.c.FindByNumber.Find(ctx, c.number, c.code); !errors.Is(err, application.ErrNotFound) {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
