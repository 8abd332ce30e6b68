package main

import (
	"bufio"
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/ticketengine/ticketengine/application"
)

// TestHumanReplayEscapesDirectionControls: a stored U+202E (in an actor, a body, a team) is
// shown as the visible text \u202E, never as the control that would reverse the line.
func TestHumanReplayEscapesDirectionControls(t *testing.T) {
	var buf bytes.Buffer
	w := bufio.NewWriter(&buf)
	r := &application.Record{Version: 1, Type: "TicketReplied", Data: []byte(`{"body":"fine\u202eenif","customer":{"name":"A\u2066B"}}`),
		Meta: application.Metadata{Actor: "agent:\u202eevil", OccurredAt: time.Unix(0, 0)}}
	view := application.TicketView{Team: "sup\u202eport"}
	if err := writeStep(w, false, r, nil, view); err != nil {
		t.Fatal(err)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	if strings.ContainsAny(out, "\u202e\u2066") {
		t.Fatalf("a direction control reached the output: %q", out)
	}
	for _, want := range []string{`agent:\u202Eevil`, `sup\u202Eport`, `A\u2066B`} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %s: %q", want, out)
		}
	}
}
