package command_test

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/adapters/eventstore/memstore"
	"github.com/ticketengine/ticketengine/application"
	"github.com/ticketengine/ticketengine/application/access"
	"github.com/ticketengine/ticketengine/application/auth"
	"github.com/ticketengine/ticketengine/application/command"
	"github.com/ticketengine/ticketengine/application/eventlog"
	"github.com/ticketengine/ticketengine/application/eventstoretest"
	"github.com/ticketengine/ticketengine/domain"
)

func newCommands(t *testing.T) (*command.Commands, eventlog.EventStore, *eventstoretest.Clock) {
	t.Helper()
	store := memstore.New()
	clock := eventstoretest.NewClock(time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC))
	secrets, err := auth.NewSecrets(make([]byte, 32))
	if err != nil {
		t.Fatal(err)
	}
	return command.NewCommands(command.Config{Store: store, Clock: clock, Policy: domain.DefaultSLAPolicy(), Secrets: secrets}), store, clock
}

var staff = command.CommandMeta{Actor: "agent:test"}

func receive(t *testing.T, c *command.Commands, meta command.CommandMeta) command.ReceivedTicket {
	t.Helper()
	res, err := c.Receive.Handle(context.Background(), command.ReceiveTicket{
		Channel: domain.ChannelEmail, Subject: "打印机坏了", Body: "It jams",
		Customer: domain.Customer{Name: "张伟", Email: "zhang@example.com", Tier: domain.TierCore},
	}, meta)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func TestRacingWritersWithIfMatchOneWins(t *testing.T) {
	c, store, _ := newCommands(t)
	ctx := context.Background()
	id := receive(t, c, staff).Ticket.ID
	eventstoretest.OneWins(t, 16, application.ErrPrecondition, func() error {
		v := int64(0)
		meta := staff
		meta.ExpectedVersion = &v
		_, err := c.Reply.Handle(ctx, command.ReplyToTicket{TicketID: id, Body: "on it", Public: true}, meta)
		return err
	})
	recs, _ := store.ReadStream(ctx, eventlog.TicketStream(id))
	if len(recs) != 2 {
		t.Fatalf("stream has %d events, want 2", len(recs))
	}
}

// Without If-Match, a writer that loses a race decides again on the fresh state, so with
// two writers every write lands; with many, a write may lose twice and get ErrConflict,
// but every acknowledged write is in the history.
func TestRacingWritersWithoutIfMatchKeepEveryAcknowledgedWrite(t *testing.T) {
	c, store, _ := newCommands(t)
	ctx := context.Background()
	id := receive(t, c, staff).Ticket.ID
	const writers = 32
	acked := make(chan uuid.UUID, writers)
	var wg sync.WaitGroup
	for range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res, err := c.Reply.Handle(ctx, command.ReplyToTicket{TicketID: id, Body: "note", Public: false}, staff)
			if err != nil {
				if !errors.Is(err, application.ErrConflict) {
					t.Errorf("unexpected error: %v", err)
				}
				return
			}
			acked <- res.Appended[0].ID
		}()
	}
	wg.Wait()
	close(acked)
	recs, _ := store.ReadStream(ctx, eventlog.TicketStream(id))
	inStream := map[uuid.UUID]bool{}
	for _, r := range recs {
		inStream[r.ID] = true
	}
	n := 0
	for id := range acked {
		n++
		if !inStream[id] {
			t.Errorf("acknowledged event %s is not in the history", id)
		}
	}
	if len(recs) != n+1 {
		t.Errorf("stream has %d events for %d acknowledged writes (+1 receipt)", len(recs), n)
	}
	if n == 0 {
		t.Fatal("no write was acknowledged")
	}
}

func TestIdempotentRepeatAppendsNothingAndReturnsTheFirstAnswer(t *testing.T) {
	c, store, clock := newCommands(t)
	ctx := context.Background()
	meta := staff
	meta.IdempotencyKey, meta.RequestHash = "k-1", "hash-a"
	first := receive(t, c, meta)
	clock.Advance(time.Minute)
	again := receive(t, c, meta)
	if again.Ticket.ID != first.Ticket.ID || again.AccessCode != first.AccessCode || again.Ticket.Number != first.Ticket.Number || !again.Replayed {
		t.Fatalf("repeat answered %+v, first %+v", again, first)
	}
	all, _ := store.ReadAll(ctx, 0, 100)
	if len(all) != 3 { // the customer record, the number reservation and TicketReceived
		t.Fatalf("store has %d events after a repeat, want 3", len(all))
	}
	other := meta
	other.RequestHash = "hash-b"
	_, err := c.Receive.Handle(ctx, command.ReceiveTicket{Channel: domain.ChannelWeb, Subject: "x", Customer: domain.Customer{Name: "A", Email: "a@example.com", Tier: domain.TierVIP}}, other)
	if !errors.Is(err, application.ErrIdempotencyMismatch) {
		t.Fatalf("same key, other body: %v, want ErrIdempotencyMismatch", err)
	}

	// On an existing ticket: the repeat returns the state after the first reply, even
	// after later changes.
	id := first.Ticket.ID
	rm := staff
	rm.IdempotencyKey, rm.RequestHash = "reply-1", "h"
	r1, err := c.Reply.Handle(ctx, command.ReplyToTicket{TicketID: id, Body: "hello", Public: true}, rm)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Classify.Handle(ctx, command.ClassifyTicket{TicketID: id, ClassifyTicket: domain.ClassifyTicket{Category: "hw", Priority: domain.P2}}, staff); err != nil {
		t.Fatal(err)
	}
	r2, err := c.Reply.Handle(ctx, command.ReplyToTicket{TicketID: id, Body: "hello", Public: true}, rm)
	if err != nil {
		t.Fatal(err)
	}
	if r2.Ticket.Version != r1.Ticket.Version || len(r2.Appended) != 0 || !r2.Replayed {
		t.Fatalf("repeat gave version %d (appended %d), first gave %d", r2.Ticket.Version, len(r2.Appended), r1.Ticket.Version)
	}
	// Event ids derive from the key, so a store with its own duplicate detection agrees.
	if r1.Appended[0].ID == uuid.Nil || r1.Appended[0].ID.Version() != 5 {
		t.Errorf("event id %s is not a UUIDv5 derived from the key", r1.Appended[0].ID)
	}
}

func TestInvalidCommandsAppendNothing(t *testing.T) {
	c, store, _ := newCommands(t)
	ctx := context.Background()
	_, err := c.Receive.Handle(ctx, command.ReceiveTicket{Channel: "fax", Subject: ""}, staff)
	var ve *domain.ValidationError
	if !errors.As(err, &ve) || len(ve.Fields) < 3 {
		t.Fatalf("got %v, want a validation error naming channel, subject and customer fields", err)
	}
	id := receive(t, c, staff).Ticket.ID
	if _, err := c.Close.Handle(ctx, command.CloseTicket{TicketID: id}, staff); !errors.Is(err, application.ErrInvalidTransition) {
		t.Fatalf("close from received: %v, want ErrInvalidTransition", err)
	}
	if _, err := c.Assign.Handle(ctx, command.AssignTicket{TicketID: id, AgentID: uuid.New()}, staff); !errors.Is(err, application.ErrInvalid) {
		t.Fatalf("assign to unknown agent: %v, want ErrInvalid", err)
	}
	if _, err := c.Resolve.Handle(ctx, command.ResolveTicket{TicketID: uuid.New(), Resolution: "x"}, staff); !errors.Is(err, application.ErrNotFound) {
		t.Fatalf("unknown ticket: %v, want ErrNotFound", err)
	}
	all, _ := store.ReadAll(ctx, 0, 100)
	if len(all) != 3 {
		t.Fatalf("store has %d events, want 3 (one receipt and its customer record)", len(all))
	}
}

func TestEveryStreamVerifies(t *testing.T) {
	c, store, clock := newCommands(t)
	ctx := context.Background()
	reg, err := c.RegisterAgent.Handle(ctx, command.RegisterAgent{Name: "Ann", Email: "ann@example.com", Capacity: 3}, command.CommandMeta{Actor: "admin"})
	if err != nil {
		t.Fatal(err)
	}
	for range 5 {
		id := receive(t, c, staff).Ticket.ID
		clock.Advance(time.Second)
		steps := []func() error{
			func() error {
				_, err := c.Assign.Handle(ctx, command.AssignTicket{TicketID: id, AgentID: reg.Agent.ID}, staff)
				return err
			},
			func() error {
				_, err := c.Resolve.Handle(ctx, command.ResolveTicket{TicketID: id, Resolution: "done"}, staff)
				return err
			},
			func() error {
				_, err := c.Close.Handle(ctx, command.CloseTicket{TicketID: id}, staff)
				return err
			},
		}
		for _, step := range steps {
			if err := step(); err != nil {
				t.Fatal(err)
			}
		}
	}
	v := eventlog.NewChainVerifier()
	all, _ := store.ReadAll(ctx, 0, 1000)
	for _, r := range all {
		v.Add(r)
	}
	if len(v.Problems) != 0 {
		t.Fatalf("chain problems: %v", v.Problems)
	}
	// Altering one record's data is found and named.
	all[3].Data = []byte(`{"resolution":"changed"}`)
	v = eventlog.NewChainVerifier()
	for _, r := range all {
		v.Add(r)
	}
	if len(v.Problems) != 1 || v.Problems[0].Stream != all[3].Stream || v.Problems[0].Version != all[3].Version {
		t.Fatalf("problems %v, want one naming %s v%d", v.Problems, all[3].Stream, all[3].Version)
	}
}

func TestTokensAuthenticateByRole(t *testing.T) {
	c, store, _ := newCommands(t)
	ctx := context.Background()
	authn := auth.NewAuthenticator(store, "admin-token-0123456789")
	if p, err := authn.Authenticate(ctx, "admin-token-0123456789"); err != nil || p.Role != access.RoleAdmin {
		t.Fatalf("admin token: %+v %v", p, err)
	}
	issued, err := c.IssueToken.Handle(ctx, command.IssueToken{Role: access.RoleAuditor, Subject: "kpmg"}, command.CommandMeta{Actor: "admin"})
	if err != nil {
		t.Fatal(err)
	}
	tok := issued.Token
	if p, err := authn.Authenticate(ctx, tok); err != nil || p.Role != access.RoleAuditor || p.Subject != "kpmg" {
		t.Fatalf("issued token: %+v %v", p, err)
	}
	if _, err := authn.Authenticate(ctx, tok+"x"); !errors.Is(err, application.ErrUnauthorized) {
		t.Fatalf("wrong token: %v", err)
	}
	if _, err := c.IssueToken.Handle(ctx, command.IssueToken{Role: access.RoleAdmin}, command.CommandMeta{Actor: "admin"}); !errors.Is(err, application.ErrInvalid) {
		t.Fatalf("minting an admin token: %v, want ErrInvalid", err)
	}
	reg, err := c.RegisterAgent.Handle(ctx, command.RegisterAgent{Name: "Bo", Email: "bo@example.com", Capacity: 2}, command.CommandMeta{Actor: "admin"})
	if err != nil {
		t.Fatal(err)
	}
	if p, err := authn.Authenticate(ctx, reg.Token); err != nil || p.Role != access.RoleAgent || p.Subject != reg.Agent.ID.String() {
		t.Fatalf("agent token: %+v %v", p, err)
	}
	all, _ := store.ReadAll(ctx, 0, 100)
	for _, r := range all {
		if string(r.Data) != "" && (strings.Contains(string(r.Data), tok) || strings.Contains(string(r.Data), reg.Token)) {
			t.Fatalf("a token is stored in clear in %s", r.Stream)
		}
	}
}

func TestPortalLookupByNumberAndCode(t *testing.T) {
	c, _, _ := newCommands(t)
	ctx := context.Background()
	res := receive(t, c, staff)
	find := c.FindByNumber.Find
	id, err := find(ctx, res.Ticket.Number, res.AccessCode)
	if err != nil || id != res.Ticket.ID {
		t.Fatalf("lookup: %v %v", id, err)
	}
	lower := "tk-" + res.Ticket.Number[3:]
	if id, err := find(ctx, lower, res.AccessCode); err != nil || id != res.Ticket.ID {
		t.Fatalf("lower-case number: %v %v", id, err)
	}
	// Codes are as forgiving as numbers: any case, O for 0, I/L for 1, hyphens and spaces.
	typed := strings.NewReplacer("0", "o", "1", "l").Replace(strings.ToLower(res.AccessCode))
	typed = typed[:4] + "-" + typed[4:8] + " " + typed[8:]
	if id, err := find(ctx, res.Ticket.Number, typed); err != nil || id != res.Ticket.ID {
		t.Fatalf("code typed as %q for %q: %v %v", typed, res.AccessCode, id, err)
	}
	for _, wrong := range []string{"WRONGCODE000", "", res.AccessCode[1:], res.AccessCode + "0", "\xff" + res.AccessCode} {
		if _, err := find(ctx, res.Ticket.Number, wrong); !errors.Is(err, application.ErrNotFound) {
			t.Fatalf("wrong code %q: %v", wrong, err)
		}
	}
	if _, err := find(ctx, "TK-000000", res.AccessCode); !errors.Is(err, application.ErrNotFound) {
		t.Fatalf("unknown number: %v", err)
	}
}

func TestNormalizeAccessCode(t *testing.T) {
	for in, want := range map[string]string{
		"7f3k-9qab cdoi": "7F3K9QABCD01", "OIL": "011", " abc ": "ABC", "é": "É", "": "",
	} {
		if got := auth.NormalizeAccessCode(in); got != want {
			t.Errorf("NormalizeAccessCode(%q) = %q, want %q", in, got, want)
		}
	}
}

// A ticket received without an idempotency key gets a UUIDv7: ids made later sort
// later, which keeps a busy moment's streams together in the stores' indexes.
func TestTicketIDsSortByCreation(t *testing.T) {
	c, _, _ := newCommands(t)
	var prev uuid.UUID
	for i := range 50 {
		id := receive(t, c, staff).Ticket.ID
		if id.Version() != 7 {
			t.Fatalf("ticket id %s is UUID version %d, want 7", id, id.Version())
		}
		if i > 0 && bytes.Compare(prev[:], id[:]) >= 0 {
			t.Fatalf("ticket id %s made after %s sorts before it", id, prev)
		}
		prev = id
	}
}
