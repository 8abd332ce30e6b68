package policy

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/application"
	"github.com/ticketengine/ticketengine/application/command"
	"github.com/ticketengine/ticketengine/application/eventlog"
	"github.com/ticketengine/ticketengine/application/lease"
)

// WebhookSender posts one event to one URL, signed (adapters/webhook). An error means
// "not delivered": the relay will send the same event again.
type WebhookSender interface {
	Deliver(ctx context.Context, url, eventID string, body []byte) error
}

// Webhook checkpoints are kept in the event store, as WebhookCheckpointed events on a
// webhook-<name> stream: they live with the events they count (a backup or a restore of
// the store keeps them consistent), they work the same on every store (a PostgreSQL or
// EventStoreDB deployment may have no durable --data), processes sharing a store share
// them, and they are hash-chained like everything else. They are written at most about
// once a second while events flow, so the stream stays small.
const (
	WebhookStreamPrefix      = eventlog.WebhookStreamPrefix
	TypeWebhookCheckpointed  = "WebhookCheckpointed"
	defaultCheckpointEvery   = time.Second
	defaultWebhookMinBackoff = 500 * time.Millisecond
	defaultWebhookMaxBackoff = 5 * time.Minute
	defaultWebhookGrace      = 10 * time.Second
)

// WebhookCheckpointed records that every event up to Position was delivered to URL.
type WebhookCheckpointed struct {
	URL      string `json:"url"`
	Position uint64 `json:"position"`
	// Epoch is the outbox lease's epoch of the relay that wrote it (0 without a lease). A
	// relay taking the lease over writes one first (a fence): a relay of an earlier epoch
	// then can no longer write, and stops (ErrFenced).
	Epoch uint64 `json:"lease_epoch,omitempty"`
}

// WebhookName is the stable name of a webhook: a hash of its URL, so the checkpoint
// follows the URL across restarts and the stream name carries no secret from the URL.
func WebhookName(url string) string {
	sum := sha256.Sum256([]byte(url))
	return hex.EncodeToString(sum[:8])
}

// WebhookRelay delivers every ticket and agent event, in store order, to one URL: at least
// once (a delivery that fails is retried with exponential backoff, and a restart resumes
// from the last checkpoint, so an event may arrive twice: receivers deduplicate on
// X-Tickets-Event-ID). It runs off its own subscription, so a slow or down endpoint holds
// up only its own relay, never commands or other consumers.
type WebhookRelay struct {
	Store      eventlog.EventStore
	Sender     WebhookSender
	URL        string
	MinBackoff time.Duration
	MaxBackoff time.Duration
	Every      time.Duration // checkpoint interval
	// Grace is how long a call in flight when the relay stops (its lease released on
	// SIGTERM) may still take to be answered, so that it is recorded delivered and the
	// next holder does not make it again: 10 s by default, as the mail in hand's.
	Grace time.Duration
	Clock application.Clock
	Log   *slog.Logger
	// Epoch is the outbox lease's epoch this relay runs under (0: the one node, no lease).
	Epoch uint64
	// Progress, when set (the shared PostgreSQL), keeps the relay's position instead of
	// the checkpoint stream: saved after every delivery, and checked before each, under
	// Epoch (webhook_progress.go).
	Progress CheckpointStore

	stream  string
	version int64
	hash    string
	saved   uint64
	savedAt time.Time
	fence   uint64 // the highest epoch in the checkpoint stream
}

// WebhookPayload is the JSON body posted for each event.
type WebhookPayload struct {
	ID            uuid.UUID       `json:"id"`
	Stream        string          `json:"stream"`
	Type          string          `json:"type"`
	Version       int64           `json:"version"`
	Position      uint64          `json:"position"`
	OccurredAt    string          `json:"occurred_at"`
	Actor         string          `json:"actor"`
	Rule          string          `json:"rule,omitempty"`
	CorrelationID string          `json:"correlation_id,omitempty"`
	CausationID   string          `json:"causation_id,omitempty"`
	Data          json.RawMessage `json:"data"`
}

// Run relays until ctx ends, saving the checkpoint on the way out.
func (w *WebhookRelay) Run(ctx context.Context) error {
	w.defaults()
	if w.Progress != nil {
		return w.runTracked(ctx)
	}
	after, err := w.load(ctx)
	if err != nil {
		return err
	}
	if w.Epoch > 0 { // take the stream over: a former holder's save fails from here on
		if err := w.save(ctx, after); err != nil {
			return err
		}
		after = w.saved
	}
	last := after
	err = w.Store.Subscribe(ctx, after, func(ctx context.Context, r eventlog.Record) error {
		if !relayed(r.Stream) {
			return nil // (checkpoints of its own and of other relays among them: no ping-pong)
		}
		if err := w.deliver(ctx, r); err != nil {
			return err
		}
		last = r.Position
		if w.Clock.Now().Sub(w.savedAt) >= w.Every {
			return w.save(ctx, last)
		}
		return nil
	})
	if last > w.saved { // a checkpoint on the way out, even though ctx has ended
		saveCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		if serr := w.save(saveCtx, last); serr != nil {
			w.Log.Warn("webhook checkpoint not saved", slog.Any("err", serr))
		}
	}
	return err
}

func (w *WebhookRelay) defaults() {
	if w.MinBackoff <= 0 {
		w.MinBackoff = defaultWebhookMinBackoff
	}
	if w.MaxBackoff <= 0 {
		w.MaxBackoff = defaultWebhookMaxBackoff
	}
	if w.Every <= 0 {
		w.Every = defaultCheckpointEvery
	}
	if w.Grace <= 0 {
		w.Grace = defaultWebhookGrace
	}
	if w.Clock == nil {
		w.Clock = application.SystemClock{}
	}
	if w.Log == nil {
		w.Log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	w.stream = WebhookStreamPrefix + WebhookName(w.URL)
}

// relayed: domain events only, not the engine's own bookkeeping or secrets.
func relayed(stream string) bool {
	return strings.HasPrefix(stream, eventlog.TicketStreamPrefix) || strings.HasPrefix(stream, eventlog.AgentStreamPrefix) ||
		strings.HasPrefix(stream, eventlog.HotIssueStreamPrefix) // hot issues (notify_hotissue.go)
}

// deliver posts one event until it is accepted, backing off exponentially.
func (w *WebhookRelay) deliver(ctx context.Context, r eventlog.Record) error {
	body, err := json.Marshal(WebhookPayload{ID: r.ID, Stream: r.Stream, Type: r.Type, Version: r.Version, Position: r.Position,
		OccurredAt: r.Meta.OccurredAt.UTC().Format(eventlog.TimeFormat), Actor: r.Meta.Actor, Rule: r.Meta.Rule,
		CorrelationID: r.Meta.CorrelationID, CausationID: r.Meta.CausationID, Data: r.Data})
	if err != nil {
		return err
	}
	retry := Retry{Min: w.MinBackoff, Max: w.MaxBackoff, OnFail: func(err error, wait time.Duration) {
		w.Log.Warn("webhook delivery failed; retrying", slog.String("url_name", WebhookName(w.URL)),
			slog.String("event", r.ID.String()), slog.Duration("in", wait), slog.Any("err", err))
	}}
	// Each try outlives ctx by Grace: a call already made when the relay stops is let
	// finish (no new try starts), else its answer would be lost, the event counted as not
	// delivered, and the next holder would call again what the receiver already has.
	try := func(ctx context.Context) error {
		call, stop := outlive(ctx, w.Grace, false)
		defer stop()
		return w.Sender.Deliver(call, w.URL, r.ID.String(), body)
	}
	if err := retry.Do(ctx, try); err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return err
	}
	return nil
}

// load reads the checkpoint stream: the last checkpoint's position, and where to append.
func (w *WebhookRelay) load(ctx context.Context) (uint64, error) {
	recs, err := w.Store.ReadStream(ctx, w.stream)
	if err != nil {
		return 0, fmt.Errorf("webhook checkpoint: %w", err)
	}
	w.version, w.hash, w.saved, w.fence = eventlog.NoStream, "", 0, 0
	for _, r := range recs {
		var c WebhookCheckpointed
		if err := json.Unmarshal(r.Data, &c); err != nil {
			return 0, fmt.Errorf("webhook checkpoint %s: %w", w.stream, err)
		}
		w.version, w.hash, w.saved, w.fence = r.Version, r.Hash, c.Position, max(w.fence, c.Epoch)
	}
	w.savedAt = w.Clock.Now()
	return w.saved, nil
}

// save appends a checkpoint. If another process sharing the store saved one meanwhile,
// the stream is read again and the further of the two is kept.
func (w *WebhookRelay) save(ctx context.Context, position uint64) error {
	for range 3 {
		if w.Epoch > 0 && w.fence > w.Epoch {
			return ErrFenced
		}
		data, _ := json.Marshal(WebhookCheckpointed{URL: WebhookName(w.URL), Position: position, Epoch: w.Epoch})
		rec := []eventlog.Record{{ID: uuid.New(), Stream: w.stream, Version: w.version + 1, Type: TypeWebhookCheckpointed, Data: data,
			Meta: eventlog.Metadata{Actor: command.SystemActor, Rule: "webhook", LeaseEpoch: w.Epoch, OccurredAt: eventlog.Truncate(w.Clock.Now())}}}
		if err := eventlog.Seal(w.hash, rec); err != nil {
			return err
		}
		out, err := w.Store.Append(ctx, w.stream, w.version, rec)
		if err == nil {
			w.version, w.hash, w.saved, w.savedAt = out[0].Version, out[0].Hash, position, w.Clock.Now()
			w.fence = max(w.fence, w.Epoch)
			return nil
		}
		if !errors.Is(err, eventlog.ErrWrongExpectedVersion) {
			return fmt.Errorf("webhook checkpoint: %w", err)
		}
		if _, err := w.load(ctx); err != nil {
			return err
		}
		if w.Epoch > 0 && w.fence > w.Epoch {
			return ErrFenced
		}
		if w.saved >= position && w.fence == w.Epoch {
			return nil
		}
		position = max(position, w.saved)
	}
	return fmt.Errorf("webhook checkpoint %s: kept losing races", w.stream)
}

// outlive returns a context that ends grace after ctx does (or when stop is called).
// With untilLost, it ends with ctx when ctx ended because its lease was lost (lease.Duty):
// the node taking over sends what is left in doubt once more, so nothing new should start
// here. A call already made is another matter (webhooks): cutting it loses its answer,
// and the receiver, which may have it, is called again.
func outlive(ctx context.Context, grace time.Duration, untilLost bool) (context.Context, context.CancelFunc) {
	work, stop := context.WithCancel(context.WithoutCancel(ctx))
	go func() {
		select {
		case <-ctx.Done():
		case <-work.Done():
			return
		}
		if untilLost && errors.Is(context.Cause(ctx), lease.ErrLost) {
			stop()
			return
		}
		t := time.NewTimer(grace)
		defer t.Stop()
		select {
		case <-t.C:
			stop()
		case <-work.Done():
		}
	}()
	return work, stop
}
