package command_test

import (
	"context"
	"errors"
	"testing"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/application"
	"github.com/ticketengine/ticketengine/application/auth"
	"github.com/ticketengine/ticketengine/application/command"
	"github.com/ticketengine/ticketengine/domain"
)

// failingSessions is a session store whose EndAll fails (the shared database is down).
type failingSessions struct{}

func (failingSessions) EndAll(context.Context, uuid.UUID) error { return errors.New("database down") }

// TestDeactivationEndsDeskSessions: with a session store, a deactivation ends every desk
// session of the account (not another account's); when the store fails, the command
// fails, and its retry ends them.
func TestDeactivationEndsDeskSessions(t *testing.T) {
	c, _, _ := newCommands(t)
	ctx := context.Background()
	sessions := auth.NewMemorySessions()
	create := func(email string) uuid.UUID {
		a, err := c.CreateStaff.Handle(ctx, command.CreateStaff{Name: "王芳", Email: email, Role: domain.RoleAgent,
			Team: domain.DefaultTeam, Language: "zh", Password: "a long passphrase"}, staff)
		if err != nil {
			t.Fatal(err)
		}
		return a.ID
	}
	id, other := create("wang@example.com"), create("li@example.com")
	mine, _ := sessions.Start(ctx, id)
	theirs, _ := sessions.Start(ctx, other)

	failing := c.Deactivate.WithSessions(failingSessions{})
	if _, err := failing.Handle(ctx, command.DeactivateAccount{AccountID: id}, staff); err == nil {
		t.Fatal("the sessions could not be ended, and the deactivation says it succeeded")
	}
	if _, err := c.Deactivate.WithSessions(sessions).Handle(ctx, command.DeactivateAccount{AccountID: id}, staff); err != nil {
		t.Fatalf("the retry: %v", err)
	}
	if _, err := sessions.Account(ctx, mine); !errors.Is(err, application.ErrUnauthorized) {
		t.Fatalf("the deactivated account's session: %v", err)
	}
	if got, err := sessions.Account(ctx, theirs); err != nil || got != other {
		t.Fatalf("another account's session: %v %v", got, err)
	}
}
