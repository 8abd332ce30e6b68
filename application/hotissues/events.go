// Package hotissues finds hot issues: a series of tickets (those of one category, one tag
// or one significant term) whose count over the last hour jumps above its own recent
// baseline. Each spike is recorded once, as a HotIssueDetected event on a stream of its
// own that must not exist yet, so two processes or a restart raise it once; the notifier
// mails it to supervisors and the webhook relays send it like every other event.
// docs/HOT-ISSUES.md explains the method and its false-alarm rate.
package hotissues

import (
	"crypto/sha1"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/application/eventlog"
)

// TypeDetected is the stored type of a spike's event. Never change it.
const TypeDetected = "HotIssueDetected"

// Series kinds: a series is "<kind>:<value>", e.g. category:billing, tag:vip, term:退款.
const (
	KindCategory = "category"
	KindTag      = "tag"
	KindTerm     = "term"
)

// Series names the series of one kind and value.
func Series(kind, value string) string { return kind + ":" + value }

// SplitSeries is a series' kind and value.
func SplitSeries(series string) (kind, value string) {
	kind, value, _ = strings.Cut(series, ":")
	return kind, value
}

// MaxTickets bounds the tickets an event names: enough to open the issue from a mail or
// the desk; the desk lists every ticket of the window from the read model.
const MaxTickets = 50

// Detected is a spike: Count tickets of Series received in [WindowStart, WindowEnd),
// against a Baseline (the median of the series' counts in the same hour of the weeks
// before) and the Threshold the count reached. Tickets and Teams are those behind it
// (the teams' supervisors are mailed).
type Detected struct {
	Series      string      `json:"series"`
	WindowStart time.Time   `json:"window_start"`
	WindowEnd   time.Time   `json:"window_end"`
	Count       int         `json:"count"`
	Baseline    float64     `json:"baseline"`
	Threshold   float64     `json:"threshold"`
	Tickets     []uuid.UUID `json:"tickets"`
	Teams       []string    `json:"teams"`
}

// EventType implements domain.Event, so projections fold it like any event.
func (Detected) EventType() string { return TypeDetected }

// Decode reads a spike stream's record.
func Decode(typ string, data []byte) (Detected, error) {
	if typ != TypeDetected {
		return Detected{}, fmt.Errorf("unknown hot issue event type %q", typ)
	}
	var d Detected
	err := json.Unmarshal(data, &d)
	return d, err
}

// namespace derives spike ids (UUIDv5 over the series and the hour), fixed forever.
var namespace = uuid.NewHash(sha1.New(), uuid.NameSpaceURL, []byte("https://ticketengine/hot-issues"), 5)

// SpikeID is the id of series' spike detected in the hour starting at hour: the key that
// makes a spike happen once, whichever process finds it first.
func SpikeID(series string, hour time.Time) uuid.UUID {
	return uuid.NewSHA1(namespace, []byte(series+"\x00"+hour.UTC().Truncate(time.Hour).Format(time.RFC3339)))
}

// Stream is a spike's stream.
func Stream(id uuid.UUID) string { return eventlog.HotIssueStreamPrefix + id.String() }
