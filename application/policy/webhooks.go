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
)

// WebhookCheckpointed records that every event up to Position was delivered to URL.
type WebhookCheckpointed struct {
	URL      string `json:"url"`
	Position uint64 `json:"position"`
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
	Clock      application.Clock
	Log        *slog.Logger

	stream  string
	version int64
	hash    string
	saved   uint64
	savedAt time.Time
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
	after, err := w.load(ctx)
	if err != nil {
		return err
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
	return strings.HasPrefix(stream, eventlog.TicketStreamPrefix) || strings.HasPrefix(stream, eventlog.AgentStreamPrefix)
}

// deliver posts one event until it is accepted, backing off exponentially.
func (w *WebhookRelay) deliver(ctx context.Context, r eventlog.Record) error {
	body, err := json.Marshal(WebhookPayload{ID: r.ID, Stream: r.Stream, Type: r.Type, Version: r.Version, Position: r.Position,
		OccurredAt: r.Meta.OccurredAt.UTC().Format(eventlog.TimeFormat), Actor: r.Meta.Actor, Rule: r.Meta.Rule,
		CorrelationID: r.Meta.CorrelationID, CausationID: r.Meta.CausationID, Data: r.Data})
	if err != nil {
		return err
	}
	wait := w.MinBackoff
	for {
		err := w.Sender.Deliver(ctx, w.URL, r.ID.String(), body)
		if err == nil {
			return nil
		}
		w.Log.Warn("webhook delivery failed; retrying", slog.String("url_name", WebhookName(w.URL)),
			slog.String("event", r.ID.String()), slog.Duration("in", wait), slog.Any("err", err))
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(wait):
		}
		wait = min(2*wait, w.MaxBackoff)
	}
}

// load reads the checkpoint stream: the last checkpoint's position, and where to append.
func (w *WebhookRelay) load(ctx context.Context) (uint64, error) {
	recs, err := w.Store.ReadStream(ctx, w.stream)
	if err != nil {
		return 0, fmt.Errorf("webhook checkpoint: %w", err)
	}
	w.version, w.hash, w.saved = eventlog.NoStream, "", 0
	if n := len(recs); n > 0 {
		var c WebhookCheckpointed
		if err := json.Unmarshal(recs[n-1].Data, &c); err != nil {
			return 0, fmt.Errorf("webhook checkpoint %s: %w", w.stream, err)
		}
		w.version, w.hash, w.saved = recs[n-1].Version, recs[n-1].Hash, c.Position
	}
	w.savedAt = w.Clock.Now()
	return w.saved, nil
}

// save appends a checkpoint. If another process sharing the store saved one meanwhile,
// the stream is read again and the further of the two is kept.
func (w *WebhookRelay) save(ctx context.Context, position uint64) error {
	for range 3 {
		data, _ := json.Marshal(WebhookCheckpointed{URL: WebhookName(w.URL), Position: position})
		rec := []eventlog.Record{{ID: uuid.New(), Stream: w.stream, Version: w.version + 1, Type: TypeWebhookCheckpointed, Data: data,
			Meta: eventlog.Metadata{Actor: command.SystemActor, Rule: "webhook", OccurredAt: eventlog.Truncate(w.Clock.Now())}}}
		if err := eventlog.Seal(w.hash, rec); err != nil {
			return err
		}
		out, err := w.Store.Append(ctx, w.stream, w.version, rec)
		if err == nil {
			w.version, w.hash, w.saved, w.savedAt = out[0].Version, out[0].Hash, position, w.Clock.Now()
			return nil
		}
		if !errors.Is(err, eventlog.ErrWrongExpectedVersion) {
			return fmt.Errorf("webhook checkpoint: %w", err)
		}
		if _, err := w.load(ctx); err != nil {
			return err
		}
		if w.saved >= position {
			return nil
		}
	}
	return fmt.Errorf("webhook checkpoint %s: kept losing races", w.stream)
}
