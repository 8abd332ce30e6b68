package inbound

import (
	"context"
	"errors"
	"fmt"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/application"
	"github.com/ticketengine/ticketengine/application/command"
	"github.com/ticketengine/ticketengine/application/eventlog"
	"github.com/ticketengine/ticketengine/domain"
	"github.com/ticketengine/ticketengine/domain/errs"
)

// ErrNoTicket is Take's answer for an automatic message (an auto-reply, a bounce) that
// threads to no ticket: it is not turned into one. The mailbox moves such mail to its
// refused folder.
var ErrNoTicket = fmt.Errorf("%w: an automatic message that belongs to no ticket", application.ErrInvalid)

// Commands are the handlers Take carries its decisions out with.
type Commands struct {
	Receive     command.ReceiveTicketHandler
	Reply       command.CustomerReplyHandler
	AutoMessage command.RecordAutoMessageHandler
}

// Intake takes messages in (Take).
type Intake struct {
	store eventlog.EventStore
	clock application.Clock
	cmds  Commands
	files Files // nil: files are not kept (a message's text still is)
	codes func(uuid.UUID) string
}

// New returns the intake on its ports. files may be nil.
func New(store eventlog.EventStore, clock application.Clock, cmds Commands, files Files) *Intake {
	if store == nil || clock == nil {
		panic("inbound.New: nil store or clock")
	}
	return &Intake{store: store, clock: clock, cmds: cmds, files: files}
}

// Take makes the message a ticket, a reply or an automatic message on a ticket, once:
// a repeat of a message taken before answers where it went with Repeat set.
func (in *Intake) Take(ctx context.Context, m Message) (Result, error) {
	res, err := in.take(ctx, m)
	return in.withCode(ctx, res, err)
}

func (in *Intake) take(ctx context.Context, m Message) (Result, error) {
	if err := m.validate(); err != nil {
		return Result{}, err
	}
	m.clean(ctx)
	if err := m.validateSender(); err != nil {
		return Result{}, err // before anything is reserved: nothing half-written
	}
	scope := m.Scope
	if scope == "" {
		scope = m.Source
	}
	key := onceKey(scope, m.ID)
	stream := eventlog.InboundStreamPrefix + key
	r, err := readReservation(ctx, in.store, stream)
	if err != nil {
		return Result{}, err
	}
	if r.stored != nil {
		return in.repeat(ctx, r)
	}
	meta := command.CommandMeta{Actor: Actor(m.Source), IdempotencyKey: "inbound:" + key, RequestHash: key}
	if r.decided == nil {
		if r, err = in.reserve(ctx, stream, m, meta); err != nil {
			return Result{}, err
		}
		if r.stored != nil {
			return in.repeat(ctx, r)
		}
	}
	res, err := in.carryOut(ctx, m, *r.decided, meta)
	if errs.KindOf(err) == errs.InvalidTransition {
		// The ticket moved on between the decision and its reply (closed meanwhile): the
		// decision is taken again on the ticket as it is now, and recorded after the first.
		if r, err = in.redecide(ctx, stream, r, m, meta); err != nil {
			return Result{}, err
		}
		res, err = in.carryOut(ctx, m, *r.decided, meta)
	}
	if err != nil {
		return Result{}, err
	}
	if res.Outcome == Opened || res.Outcome == FollowUp {
		if err := in.noteConversation(ctx, m, res.TicketID, meta); err != nil {
			return Result{}, err
		}
	}
	err = appendRecord(ctx, in.store, stream, r.version, r.lastHash, TypeMessageStored,
		Stored{Ticket: res.TicketID, Number: res.Number}, in.recordMeta(meta), in.clock.Now())
	if err != nil && !errors.Is(err, eventlog.ErrWrongExpectedVersion) {
		return Result{}, fmt.Errorf("mark %s stored: %w", stream, err)
	}
	return res, nil
}

// Actor is the actor of everything a source's messages append: "channel:<source>".
func Actor(source string) string { return "channel:" + source }

// reserve decides where the message goes and reserves that decision; when another
// delivery reserved first, its decision stands.
func (in *Intake) reserve(ctx context.Context, stream string, m Message, meta command.CommandMeta) (reservation, error) {
	d, err := in.decideClaimed(ctx, m, meta)
	if err != nil {
		return reservation{}, err
	}
	err = appendRecord(ctx, in.store, stream, eventlog.NoStream, "", TypeMessageReserved, d, in.recordMeta(meta), in.clock.Now())
	if err != nil && !errors.Is(err, eventlog.ErrWrongExpectedVersion) {
		return reservation{}, fmt.Errorf("reserve %s: %w", stream, err)
	}
	r, err := readReservation(ctx, in.store, stream)
	if err == nil && r.decided == nil {
		err = fmt.Errorf("reserve %s: no decision after the append", stream)
	}
	return r, err
}

// redecide appends a fresh decision after the reservation r, whose own could not be
// carried out; when another delivery re-decided first, its decision stands.
func (in *Intake) redecide(ctx context.Context, stream string, r reservation, m Message, meta command.CommandMeta) (reservation, error) {
	d, err := in.decide(ctx, m)
	if err != nil {
		return r, err
	}
	err = appendRecord(ctx, in.store, stream, r.version, r.lastHash, TypeMessageReserved, d, in.recordMeta(meta), in.clock.Now())
	if err != nil && !errors.Is(err, eventlog.ErrWrongExpectedVersion) {
		return r, fmt.Errorf("re-decide %s: %w", stream, err)
	}
	return readReservation(ctx, in.store, stream)
}

func (in *Intake) recordMeta(meta command.CommandMeta) eventlog.Metadata {
	return eventlog.Metadata{Actor: meta.Actor, IdempotencyKey: meta.IdempotencyKey, RequestHash: meta.RequestHash}
}

// repeat answers a message stored before.
func (in *Intake) repeat(ctx context.Context, r reservation) (Result, error) {
	res := Result{Outcome: r.decided.Outcome, TicketID: r.stored.Ticket, Number: r.stored.Number,
		FollowUpOf: r.decided.FollowUpOf, Repeat: true}
	return res, nil
}

// carryOut appends the reserved decision's events, with the message's idempotency key:
// a second run after a crash finds the first run's events and appends nothing.
func (in *Intake) carryOut(ctx context.Context, m Message, d Reservation, meta command.CommandMeta) (Result, error) {
	atts, err := in.keepFiles(ctx, m, meta)
	if err != nil {
		return Result{}, err
	}
	res := Result{Outcome: d.Outcome, FollowUpOf: d.FollowUpOf}
	var t command.TicketResult
	switch d.Outcome {
	case Opened, FollowUp:
		if m.Customer.Tier == "" {
			m.Customer.Tier = domain.TierStandard // a new record's; a known one keeps its own
		}
		var out command.ReceivedTicket
		out, err = in.cmds.Receive.Handle(ctx, domain.ReceiveTicket{
			Channel: m.Channel, Customer: m.Customer, Subject: m.Subject, Body: m.Body,
			Attachments: atts, Source: m.Source, FollowUpOf: d.FollowUpOf, Team: m.Team,
		}, meta)
		t = out.TicketResult
	case Replied:
		t, err = in.cmds.Reply.Handle(ctx, command.CustomerReply{TicketID: d.Ticket, Body: m.Body, Attachments: atts}, meta)
	case Recorded:
		t, err = in.cmds.AutoMessage.Handle(ctx, command.RecordAutoMessage{TicketID: d.Ticket, Kind: m.Kind, Body: m.Body, Attachments: atts}, meta)
	default:
		err = fmt.Errorf("inbound: reserved outcome %q unknown", d.Outcome)
	}
	if err != nil {
		return Result{}, err
	}
	res.TicketID, res.Number = t.Ticket.ID, t.Ticket.Number
	return res, nil
}

// noteConversation ties the message's conversation to the ticket it opened. A lost race
// (two first messages of one conversation at once) leaves the winner's ticket as the
// conversation's: later messages go there.
func (in *Intake) noteConversation(ctx context.Context, m Message, ticket uuid.UUID, meta command.CommandMeta) error {
	if m.Thread.Conversation == "" {
		return nil
	}
	stream := ConversationStream(m.Source, m.Thread.Conversation)
	recs, err := in.store.ReadStream(ctx, stream)
	if err != nil {
		return fmt.Errorf("read %s: %w", stream, err)
	}
	version, prev := eventlog.NoStream, ""
	if n := len(recs); n > 0 {
		version, prev = recs[n-1].Version, recs[n-1].Hash
		if last, ok := conversationTicket(recs[n-1]); ok && last == ticket {
			return nil
		}
	}
	err = appendRecord(ctx, in.store, stream, version, prev, TypeConversationOpened, ConversationOpened{Ticket: ticket}, in.recordMeta(meta), in.clock.Now())
	if err != nil && !errors.Is(err, eventlog.ErrWrongExpectedVersion) {
		return fmt.Errorf("append %s: %w", stream, err)
	}
	return nil
}
