package inbound_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/adapters/blobstore/memory"
	"github.com/ticketengine/ticketengine/adapters/eventstore/memstore"
	"github.com/ticketengine/ticketengine/application/attachments"
	"github.com/ticketengine/ticketengine/application/auth"
	"github.com/ticketengine/ticketengine/application/command"
	"github.com/ticketengine/ticketengine/application/eventlog"
	"github.com/ticketengine/ticketengine/application/eventstoretest"
	"github.com/ticketengine/ticketengine/application/inbound"
	"github.com/ticketengine/ticketengine/domain"
	"github.com/ticketengine/ticketengine/projections"
)

type fixture struct {
	in    *inbound.Intake
	cmds  *command.Commands
	store eventlog.EventStore
}

func newFixture(t *testing.T) fixture {
	t.Helper()
	store := memstore.New()
	clock := eventstoretest.NewClock(time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC))
	secrets, err := auth.NewSecrets(make([]byte, 32))
	if err != nil {
		t.Fatal(err)
	}
	cmds := command.NewCommands(command.Config{Store: store, Clock: clock, Policy: domain.DefaultSLAPolicy(), Secrets: secrets})
	files, err := attachments.New(attachments.Config{Store: store, Blobs: memory.New(), Clock: clock})
	if err != nil {
		t.Fatal(err)
	}
	in := inbound.New(store, clock, inbound.Commands{Receive: cmds.Receive, Reply: cmds.CustomerReply, AutoMessage: cmds.AutoMessage}, files)
	return fixture{in: in, cmds: cmds, store: store}
}

func chat(id, conv, email, body string) inbound.Message {
	return inbound.Message{
		Channel: domain.ChannelChat, Source: "wechat", ID: id, Thread: inbound.Thread{Conversation: conv},
		Customer: domain.Customer{ID: "wx-" + email, Name: "王小明", Email: email},
		Subject:  "打印机卡纸", Body: body,
	}
}

func (f fixture) take(t *testing.T, m inbound.Message) inbound.Result {
	t.Helper()
	res, err := f.in.Take(context.Background(), m)
	if err != nil {
		t.Fatalf("take %s: %v", m.ID, err)
	}
	return res
}

func (f fixture) messages(t *testing.T, id uuid.UUID) []projections.Message {
	t.Helper()
	c, err := projections.ReadConversation(context.Background(), f.store, id)
	if err != nil {
		t.Fatal(err)
	}
	return c.Messages
}

func TestTakeOpensOnceAndThreadsTheConversation(t *testing.T) {
	f := newFixture(t)
	first := f.take(t, chat("m1", "c1", "wang@example.com", "第一条"))
	if first.Outcome != inbound.Opened || first.Repeat || first.Number == "" {
		t.Fatalf("first message: %+v", first)
	}
	again := f.take(t, chat("m1", "c1", "wang@example.com", "第一条"))
	if !again.Repeat || again.TicketID != first.TicketID {
		t.Fatalf("repeat: %+v, want a repeat on %s", again, first.TicketID)
	}
	second := f.take(t, chat("m2", "c1", "wang@example.com", "第二条"))
	if second.Outcome != inbound.Replied || second.TicketID != first.TicketID {
		t.Fatalf("second message: %+v", second)
	}
	msgs := f.messages(t, first.TicketID)
	if len(msgs) != 2 || msgs[0].Body != "第一条" || msgs[1].Body != "第二条" || msgs[1].Kind != projections.MessageCustomer {
		t.Fatalf("conversation: %+v", msgs)
	}
	other := f.take(t, chat("m3", "c2", "wang@example.com", "另一个会话"))
	if other.Outcome != inbound.Opened || other.TicketID == first.TicketID {
		t.Fatalf("another conversation: %+v", other)
	}
	st := f.state(t, first.TicketID)
	if st.Source != "wechat" || st.Channel != domain.ChannelChat {
		t.Fatalf("ticket source %q channel %q", st.Source, st.Channel)
	}
}

func (f fixture) state(t *testing.T, id uuid.UUID) domain.TicketState {
	t.Helper()
	recs, err := f.store.ReadStream(context.Background(), eventlog.TicketStream(id))
	if err != nil {
		t.Fatal(err)
	}
	tk, err := command.FoldTicket(recs)
	if err != nil {
		t.Fatal(err)
	}
	return tk.State()
}

func TestTakeAnswersOnlyTheTicketsCustomer(t *testing.T) {
	f := newFixture(t)
	first := f.take(t, chat("m1", "c1", "wang@example.com", "hello"))
	m := chat("m2", "c1", "mallory@example.com", "I am not the customer")
	m.Customer.ID = "wx-mallory"
	res := f.take(t, m)
	if res.Outcome != inbound.Opened || res.TicketID == first.TicketID {
		t.Fatalf("a stranger's message in the conversation: %+v, want a ticket of its own", res)
	}
	if n := len(f.messages(t, first.TicketID)); n != 1 {
		t.Fatalf("the first ticket has %d messages, want 1", n)
	}
}

func TestTakeReopensResumesAndFollowsUp(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	first := f.take(t, chat("m1", "c1", "wang@example.com", "hello"))
	id := first.TicketID
	step := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	_, err := f.cmds.Escalate.Handle(ctx, command.EscalateTicket{TicketID: id, EscalateTicket: domain.EscalateTicket{Team: "l2", Reason: "r"}}, command.CommandMeta{Actor: "admin"})
	step(err)
	_, err = f.cmds.Wait.Handle(ctx, command.WaitOnCustomer{TicketID: id, Reason: "need logs"}, command.CommandMeta{Actor: "admin"})
	step(err)
	f.take(t, chat("m2", "c1", "wang@example.com", "logs attached"))
	if s := f.state(t, id).Status; s != domain.StatusEscalated && s != domain.StatusClassified && s != domain.StatusAssigned {
		t.Fatalf("after the reply to a waiting ticket: %s, want it resumed", s)
	}
	_, err = f.cmds.Resolve.Handle(ctx, command.ResolveTicket{TicketID: id, Resolution: "fixed"}, command.CommandMeta{Actor: "admin"})
	step(err)
	f.take(t, chat("m3", "c1", "wang@example.com", "still broken"))
	if s := f.state(t, id); s.Status == domain.StatusResolved || !s.Reopened {
		t.Fatalf("after the reply to a resolved ticket: %s reopened=%v", s.Status, s.Reopened)
	}
	_, err = f.cmds.Escalate.Handle(ctx, command.EscalateTicket{TicketID: id, EscalateTicket: domain.EscalateTicket{Team: "l3", Reason: "r"}}, command.CommandMeta{Actor: "admin"})
	step(err)
	_, err = f.cmds.Resolve.Handle(ctx, command.ResolveTicket{TicketID: id, Resolution: "fixed"}, command.CommandMeta{Actor: "admin"})
	step(err)
	_, err = f.cmds.Close.Handle(ctx, command.CloseTicket{TicketID: id}, command.CommandMeta{Actor: "admin"})
	step(err)
	next := f.take(t, chat("m4", "c1", "wang@example.com", "again"))
	if next.Outcome != inbound.FollowUp || next.TicketID == id || next.FollowUpOf != id {
		t.Fatalf("a message for a closed ticket: %+v", next)
	}
	if s := f.state(t, next.TicketID); s.FollowUpOf != id {
		t.Fatalf("follow-up names %s, want %s", s.FollowUpOf, id)
	}
	after := f.take(t, chat("m5", "c1", "wang@example.com", "and more"))
	if after.Outcome != inbound.Replied || after.TicketID != next.TicketID {
		t.Fatalf("the conversation's next message: %+v, want a reply on the follow-up", after)
	}
}

func TestTakeRecordsAutomaticMessagesWithoutChangingTheTicket(t *testing.T) {
	f := newFixture(t)
	first := f.take(t, chat("m1", "c1", "wang@example.com", "hello"))
	before := f.state(t, first.TicketID)
	auto := chat("m2", "", "robot@example.com", "I am out of office")
	auto.Kind, auto.Thread.Tickets = inbound.KindAuto, []uuid.UUID{first.TicketID}
	res := f.take(t, auto)
	if res.Outcome != inbound.Recorded || res.TicketID != first.TicketID {
		t.Fatalf("auto-reply: %+v", res)
	}
	after := f.state(t, first.TicketID)
	if after.Status != before.Status || after.SLA != before.SLA || after.Version != before.Version+1 {
		t.Fatalf("auto-reply changed the ticket: %+v → %+v", before, after)
	}
	msgs := f.messages(t, first.TicketID)
	if last := msgs[len(msgs)-1]; last.Kind != projections.MessageAuto || last.Body != "I am out of office" {
		t.Fatalf("last message %+v, want the auto-reply", last)
	}
	lost := chat("m3", "", "mailer-daemon@example.com", "undeliverable")
	lost.Kind = inbound.KindBounce
	if _, err := f.in.Take(context.Background(), lost); !errors.Is(err, inbound.ErrNoTicket) {
		t.Fatalf("a bounce for no ticket: %v, want ErrNoTicket", err)
	}
}

func TestTakeKeepsFilesAndTheRawMessage(t *testing.T) {
	f := newFixture(t)
	m := chat("m1", "", "wang@example.com", "see the picture")
	m.Files = []inbound.File{{Name: "screen.png", Data: pngBytes}, {Name: "virus.exe", Data: []byte("MZ\x90\x00\x03\x00\x00\x00")}}
	m.Raw = &inbound.File{Name: "message.eml", Data: []byte("From: a@b\r\nSubject: x\r\n\r\nsee the picture\r\n")}
	res := f.take(t, m)
	msgs := f.messages(t, res.TicketID)
	var names []string
	for _, a := range msgs[0].Files {
		names = append(names, a.Filename)
	}
	if len(names) != 2 || names[0] != "screen.png" || names[1] != "message.eml" {
		t.Fatalf("files kept: %v, want screen.png and message.eml (the executable left out)", names)
	}
}

func TestTakeRefusesAMessageWithoutAnID(t *testing.T) {
	f := newFixture(t)
	m := chat("", "c1", "wang@example.com", "x")
	var ve *domain.ValidationError
	if _, err := f.in.Take(context.Background(), m); !errors.As(err, &ve) {
		t.Fatalf("no message id: %v, want a validation error", err)
	}
}

// pngBytes is a 1×1 PNG.
var pngBytes = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")

// failingStore fails the first append of a "stored" mark: the crash after a message's
// ticket was written and before its once stream said so.
type failingStore struct {
	eventlog.EventStore
	failed bool
}

func (s *failingStore) Append(ctx context.Context, stream string, expected int64, recs []eventlog.Record) ([]eventlog.Record, error) {
	if !s.failed && recs[0].Type == inbound.TypeMessageStored {
		s.failed = true
		return nil, errors.New("the process died")
	}
	return s.EventStore.Append(ctx, stream, expected, recs)
}

func TestTakeCompletesAMessageCutShortOnce(t *testing.T) {
	f := newFixture(t)
	clock := eventstoretest.NewClock(time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC))
	crashing := &failingStore{EventStore: f.store}
	in := inbound.New(crashing, clock, inbound.Commands{Receive: f.cmds.Receive, Reply: f.cmds.CustomerReply, AutoMessage: f.cmds.AutoMessage}, nil)
	m := chat("m1", "c1", "wang@example.com", "hello")
	if _, err := in.Take(context.Background(), m); err == nil {
		t.Fatal("the first delivery did not fail")
	}
	res := f.take(t, m)
	if res.Repeat || res.Outcome != inbound.Opened {
		t.Fatalf("the second delivery: %+v", res)
	}
	again := f.take(t, m)
	if !again.Repeat || again.TicketID != res.TicketID {
		t.Fatalf("the third delivery: %+v", again)
	}
	if n := len(f.messages(t, res.TicketID)); n != 1 {
		t.Fatalf("%d messages on the ticket, want 1", n)
	}
	var tickets int
	recs, err := f.store.ReadAll(context.Background(), 0, 1000)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range recs {
		if r.Type == domain.TypeTicketReceived {
			tickets++
		}
	}
	if tickets != 1 {
		t.Fatalf("%d tickets received, want 1", tickets)
	}
}

// hookStore runs after once after the first reservation it appends: a change another
// node makes between a message's decision and its carrying out.
type hookStore struct {
	eventlog.EventStore
	after func()
}

func (s *hookStore) Append(ctx context.Context, stream string, expected int64, recs []eventlog.Record) ([]eventlog.Record, error) {
	out, err := s.EventStore.Append(ctx, stream, expected, recs)
	if err == nil && recs[0].Type == inbound.TypeMessageReserved && s.after != nil {
		f := s.after
		s.after = nil
		f()
	}
	return out, err
}

func TestTakeDecidesAgainWhenTheTicketClosedMeanwhile(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	first := f.take(t, chat("m1", "c1", "wang@example.com", "hello"))
	id, admin := first.TicketID, command.CommandMeta{Actor: "admin"}
	if _, err := f.cmds.Escalate.Handle(ctx, command.EscalateTicket{TicketID: id, EscalateTicket: domain.EscalateTicket{Team: "l2", Reason: "r"}}, admin); err != nil {
		t.Fatal(err)
	}
	if _, err := f.cmds.Resolve.Handle(ctx, command.ResolveTicket{TicketID: id, Resolution: "done"}, admin); err != nil {
		t.Fatal(err)
	}
	store := &hookStore{EventStore: f.store, after: func() {
		if _, err := f.cmds.Close.Handle(ctx, command.CloseTicket{TicketID: id}, admin); err != nil {
			t.Error(err)
		}
	}}
	clock := eventstoretest.NewClock(time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC))
	in := inbound.New(store, clock, inbound.Commands{Receive: f.cmds.Receive, Reply: f.cmds.CustomerReply, AutoMessage: f.cmds.AutoMessage}, nil)
	res, err := in.Take(ctx, chat("m2", "c1", "wang@example.com", "one more thing"))
	if err != nil {
		t.Fatal(err)
	}
	if res.Outcome != inbound.FollowUp || res.FollowUpOf != id {
		t.Fatalf("a reply to a ticket closed meanwhile: %+v, want a follow-up of %s", res, id)
	}
	if again := f.take(t, chat("m2", "c1", "wang@example.com", "one more thing")); !again.Repeat || again.TicketID != res.TicketID {
		t.Fatalf("repeat: %+v", again)
	}
}
