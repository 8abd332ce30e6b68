package eventlog_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/application"
	"github.com/ticketengine/ticketengine/application/auth"
	"github.com/ticketengine/ticketengine/application/eventlog"
)

// TestStreamRegistryIsUnambiguous: every kind has its own name and prefix, prefixes end
// in "-", and none is the start of another, so a stream name has at most one kind.
func TestStreamRegistryIsUnambiguous(t *testing.T) {
	kinds := eventlog.StreamKinds()
	if len(kinds) != len(eventlog.StreamPrefixes()) {
		t.Fatalf("%d kinds, %d prefixes", len(kinds), len(eventlog.StreamPrefixes()))
	}
	names := map[string]bool{}
	for i, k := range kinds {
		if k.Name == "" || names[k.Name] {
			t.Errorf("kind %d: name %q empty or used twice", i, k.Name)
		}
		names[k.Name] = true
		if !strings.HasSuffix(k.Prefix, "-") || len(k.Prefix) < 2 {
			t.Errorf("kind %s: prefix %q does not end in -", k.Name, k.Prefix)
		}
		for j, o := range kinds {
			if i != j && strings.HasPrefix(o.Prefix, k.Prefix) {
				t.Errorf("prefix %q of %s starts prefix %q of %s", k.Prefix, k.Name, o.Prefix, o.Name)
			}
		}
		ex := k.Stream(k.ID.Example())
		if got, ok := eventlog.KindOf(ex); !ok || got != k {
			t.Errorf("KindOf(%q) = %v %v, want %s", ex, got, ok, k.Name)
		}
		if err := eventlog.CheckStream(ex); err != nil {
			t.Errorf("the example of %s: %v", k.Name, err)
		}
	}
}

// TestCheckStream: the names the engine builds pass; foreign names, bare prefixes and ids
// of the wrong form are refused with ErrStreamName, which is an ErrInvalid.
func TestCheckStream(t *testing.T) {
	valid := []string{
		eventlog.TicketStream(uuid.New()),
		eventlog.AgentStream(uuid.New()),
		eventlog.TokenStreamPrefix + auth.HashSecret("a token"),
		eventlog.NumberStreamPrefix + auth.NewTicketNumber(),
		eventlog.RoutingStreamPrefix + uuid.NewString(),
		eventlog.WebhookStreamPrefix + "00ff00ff00ff00ff",
		eventlog.NotificationStreamPrefix + "mail",
		eventlog.CustomerStream(uuid.New()),
		eventlog.CustomerExternalIDStreamPrefix + auth.HashSecret("api\x00C-1"),
		eventlog.MacroLibraryStream,
	}
	for _, s := range valid {
		if err := eventlog.CheckStream(s); err != nil {
			t.Errorf("CheckStream(%q): %v", s, err)
		}
	}
	invalid := []string{
		"", "orders-1", "ticket-", "tickets-1", "Ticket-" + uuid.NewString(),
		"ticket-" + strings.ToUpper(uuid.NewString()),
		"agent-{" + uuid.NewString() + "}",
		"token-" + strings.Repeat("a", 63),
		"token-" + strings.Repeat("A", 64),
		"ticketnumber-TK-7F3K9", "ticketnumber-TK-7F3K9U", "ticketnumber-tk-7F3K9Q",
		"webhook-00ff00ff00ff00f",
		"notifications-", "notifications-mail-1",
	}
	for _, s := range invalid {
		err := eventlog.CheckStream(s)
		if !errors.Is(err, eventlog.ErrStreamName) || !errors.Is(err, application.ErrInvalid) {
			t.Errorf("CheckStream(%q) = %v, want ErrStreamName", s, err)
		}
	}
}
