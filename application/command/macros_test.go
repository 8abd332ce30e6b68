package command_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/ticketengine/ticketengine/application"
	"github.com/ticketengine/ticketengine/application/command"
	"github.com/ticketengine/ticketengine/application/eventlog"
	"github.com/ticketengine/ticketengine/domain"
)

// TestCreateMacroIdempotent: a repeated POST /macros with one key names one macro and
// appends once; another key makes another.
func TestCreateMacroIdempotent(t *testing.T) {
	c, store, _ := newCommands(t)
	ctx := context.Background()
	m := domain.Macro{Name: "hi", Body: domain.MacroBody{En: "Hi {{customer.name}}"}}
	meta := staff
	meta.IdempotencyKey, meta.RequestHash = "m-1", "h"
	a, err := c.CreateMacro.Handle(ctx, command.CreateMacro{Macro: m}, meta)
	if err != nil {
		t.Fatal(err)
	}
	b, err := c.CreateMacro.Handle(ctx, command.CreateMacro{Macro: m}, meta)
	if err != nil || b.ID != a.ID {
		t.Fatalf("repeat: %v %v, want %v", b.ID, err, a.ID)
	}
	other, err := c.CreateMacro.Handle(ctx, command.CreateMacro{Macro: m}, staff)
	if err != nil || other.ID == a.ID {
		t.Fatalf("another macro: %v %v", other.ID, err)
	}
	recs, _ := store.ReadStream(ctx, eventlog.MacroLibraryStream)
	if len(recs) != 2 {
		t.Fatalf("%d library records, want 2", len(recs))
	}
	lib, err := command.LoadMacros(ctx, store)
	if err != nil || len(lib.State().Macros) != 2 {
		t.Fatalf("library: %+v %v", lib, err)
	}
}

// TestApplyMacroAtOneVersion: with a stale expected version nothing is appended; with
// the current one every event of the macro is appended in one go; an unknown macro and
// attachments are refused before the ticket is read.
func TestApplyMacroAtOneVersion(t *testing.T) {
	c, store, _ := newCommands(t)
	ctx := context.Background()
	m, err := c.CreateMacro.Handle(ctx, command.CreateMacro{Macro: domain.Macro{Name: "tag",
		Body: domain.MacroBody{En: "Noted, {{customer.name}}"}, Set: domain.MacroSet{Tags: []string{"noted"}, Priority: domain.P1}}}, staff)
	if err != nil {
		t.Fatal(err)
	}
	tk := receive(t, c, staff).Ticket
	stream := eventlog.TicketStream(tk.ID)
	stale := staff
	v := int64(5)
	stale.ExpectedVersion = &v
	apply := command.ApplyMacro{TicketID: tk.ID, MacroID: m.ID}
	if _, err := c.ApplyMacro.Handle(ctx, apply, stale); !errors.Is(err, application.ErrPrecondition) {
		t.Fatalf("stale version: %v", err)
	}
	if _, err := c.ApplyMacro.Handle(ctx, command.ApplyMacro{TicketID: tk.ID, MacroID: tk.ID}, staff); !errors.Is(err, application.ErrNotFound) {
		t.Fatalf("unknown macro: %v", err)
	}
	twice := domain.Attachment{ID: "3f1c9a52-0000-4000-8000-000000000001", Filename: "a.pdf", ContentType: "application/pdf", Size: 1, SHA256: strings.Repeat("a", 64)}
	if _, err := c.ApplyMacro.Handle(ctx, command.ApplyMacro{TicketID: tk.ID, MacroID: m.ID, Attachments: []domain.Attachment{twice, twice}}, staff); !errors.Is(err, application.ErrInvalid) {
		t.Fatalf("one attachment named twice: %v", err)
	}
	if recs, _ := store.ReadStream(ctx, stream); len(recs) != 1 {
		t.Fatalf("refused macros appended: %d records", len(recs))
	}
	current := staff
	v = 0
	current.ExpectedVersion = &v
	res, err := c.ApplyMacro.Handle(ctx, apply, current)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Appended) != 4 || res.Ticket.Version != 4 || !res.Ticket.Tags.Has("noted") || res.Ticket.Priority != domain.P1 {
		t.Fatalf("appended %d, ticket %+v", len(res.Appended), res.Ticket)
	}
	for i, want := range []string{domain.TypeMacroApplied, domain.TypeTicketReplied, domain.TypeTicketTagsChanged, domain.TypeTicketReprioritized} {
		if res.Appended[i].Type != want {
			t.Fatalf("record %d is %s, want %s", i, res.Appended[i].Type, want)
		}
	}
}
