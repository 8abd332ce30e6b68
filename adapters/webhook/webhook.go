// Package webhook posts events to configured URLs, signed so receivers can check they come
// from this engine and are fresh: X-Tickets-Signature is "sha256=" and the hex HMAC-SHA256,
// keyed with the shared secret, of X-Tickets-Timestamp (Unix seconds), ".", and the body.
// X-Tickets-Event-ID is the event's id, the key to deduplicate repeated deliveries.
package webhook

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/ticketengine/ticketengine/application/policy"
)

// Header names.
const (
	HeaderEventID   = "X-Tickets-Event-ID"
	HeaderTimestamp = "X-Tickets-Timestamp"
	HeaderSignature = "X-Tickets-Signature"
)

// Sender implements policy.WebhookSender.
type Sender struct {
	Secret []byte
	Client *http.Client // default: 10 s timeout
	Now    func() time.Time
}

var _ policy.WebhookSender = (*Sender)(nil)

// New returns a sender; the secret must not be empty.
func New(secret string) (*Sender, error) {
	if secret == "" {
		return nil, errors.New("webhook: the signing secret is empty")
	}
	return &Sender{Secret: []byte(secret), Client: &http.Client{Timeout: 10 * time.Second}, Now: time.Now}, nil
}

// Deliver posts the body; any answer but 2xx is an error (the relay retries).
func (s *Sender) Deliver(ctx context.Context, url, eventID string, body []byte) error {
	ts := strconv.FormatInt(s.Now().Unix(), 10)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("webhook: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "ticketengine-webhook/1")
	req.Header.Set(HeaderEventID, eventID)
	req.Header.Set(HeaderTimestamp, ts)
	req.Header.Set(HeaderSignature, "sha256="+Sign(s.Secret, ts, body))
	resp, err := s.Client.Do(req)
	if err != nil {
		return fmt.Errorf("webhook: %w", err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return fmt.Errorf("webhook: %s answered %s", url, resp.Status)
	}
	return nil
}

// Sign is the hex HMAC-SHA256 of timestamp + "." + body.
func Sign(secret []byte, timestamp string, body []byte) string {
	mac := hmac.New(sha256.New, secret)
	mac.Write([]byte(timestamp))
	mac.Write([]byte("."))
	mac.Write(body)
	return hex.EncodeToString(mac.Sum(nil))
}

// Verify checks a delivery as a receiver should: the signature matches, in constant
// time, and the timestamp is within tolerance of now (against replays).
func Verify(secret []byte, timestamp, signature string, body []byte, now time.Time, tolerance time.Duration) error {
	ts, err := strconv.ParseInt(timestamp, 10, 64)
	if err != nil {
		return errors.New("webhook: bad timestamp")
	}
	if d := now.Sub(time.Unix(ts, 0)); d > tolerance || d < -tolerance {
		return errors.New("webhook: timestamp outside tolerance")
	}
	want := "sha256=" + Sign(secret, timestamp, body)
	if !hmac.Equal([]byte(want), []byte(signature)) {
		return errors.New("webhook: signature mismatch")
	}
	return nil
}
