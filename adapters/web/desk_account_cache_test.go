package web_test

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ticketengine/ticketengine/adapters/eventstore/memstore"
	"github.com/ticketengine/ticketengine/adapters/web"
	"github.com/ticketengine/ticketengine/application"
	"github.com/ticketengine/ticketengine/application/auth"
	"github.com/ticketengine/ticketengine/application/command"
	"github.com/ticketengine/ticketengine/application/eventlog"
	"github.com/ticketengine/ticketengine/domain"
)

// wholeReads counts the whole-stream reads of an event store.
type wholeReads struct {
	eventlog.EventStore
	n atomic.Int64
}

func (s *wholeReads) ReadStream(ctx context.Context, stream string) ([]eventlog.Record, error) {
	s.n.Add(1)
	return s.EventStore.ReadStream(ctx, stream)
}

// TestTheSessionCheckFoldsAnAccountOnlyWhenItChanged: CommandDesk.Account with an
// AccountCache folds the account from its whole stream once, then only asks whether
// anything came after; a presence switch, a change of name and a deactivation each show
// on the very next check.
func TestTheSessionCheckFoldsAnAccountOnlyWhenItChanged(t *testing.T) {
	mem := memstore.New()
	secrets, err := auth.NewSecrets([]byte("0123456789abcdef0123456789abcdef"))
	if err != nil {
		t.Fatal(err)
	}
	c := command.NewCommands(command.Config{Store: mem, Clock: &stepClock{now: time.Date(2026, 12, 3, 8, 0, 0, 0, time.UTC)},
		Policy: domain.DefaultSLAPolicy(), Secrets: secrets})
	ctx, admin := context.Background(), command.CommandMeta{Actor: "admin"}
	acc, err := c.CreateStaff.Handle(ctx, command.CreateStaff{Name: "王芳", Email: "wang@example.com", Role: domain.RoleAgent,
		Team: domain.DefaultTeam, Language: "zh", Password: "a long passphrase"}, admin)
	if err != nil {
		t.Fatal(err)
	}
	store := &wholeReads{EventStore: mem}
	d := web.CommandDesk{Store: store, Accounts: &web.AccountCache{}}
	check := func(what string) web.DeskUser {
		t.Helper()
		u, err := d.Account(ctx, acc.ID)
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		return u
	}
	for range 3 {
		if u := check("unchanged"); u.Name != "王芳" || u.Online {
			t.Fatalf("%+v", u)
		}
	}
	if n := store.n.Load(); n != 1 {
		t.Fatalf("three checks of an unchanged account read its whole stream %d times, want once", n)
	}
	if _, err := c.SetPresence.Handle(ctx, command.SetAgentPresence{AgentID: acc.ID, Online: true}, admin); err != nil {
		t.Fatal(err)
	}
	if u := check("online"); !u.Online {
		t.Fatal("the presence switch does not show on the next check")
	}
	name := "王芳芳"
	if _, _, err := c.ChangeProfile.Handle(ctx, command.ChangeAgentProfile{AgentID: acc.ID,
		ChangeAgentProfile: domain.ChangeAgentProfile{Name: &name}}, admin); err != nil {
		t.Fatal(err)
	}
	if u := check("renamed"); u.Name != name {
		t.Fatalf("the new name does not show on the next check: %q", u.Name)
	}
	if _, err := c.Deactivate.Handle(ctx, command.DeactivateAccount{AccountID: acc.ID}, admin); err != nil {
		t.Fatal(err)
	}
	if _, err := d.Account(ctx, acc.ID); !errors.Is(err, application.ErrUnauthorized) {
		t.Fatalf("the check right after the deactivation: %v, want ErrUnauthorized", err)
	}
}
