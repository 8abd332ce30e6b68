package command_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/application"
	"github.com/ticketengine/ticketengine/application/auth"
	"github.com/ticketengine/ticketengine/application/command"
	"github.com/ticketengine/ticketengine/application/eventlog"
	"github.com/ticketengine/ticketengine/domain"
)

// appendRaw appends records as an older version of the engine wrote them.
func appendRaw(t *testing.T, store eventlog.EventStore, stream string, types []string, data []string) {
	t.Helper()
	recs := make([]eventlog.Record, len(types))
	for i := range types {
		recs[i] = eventlog.Record{ID: uuid.New(), Stream: stream, Version: int64(i), Type: types[i], Data: []byte(data[i]),
			Meta: eventlog.Metadata{Actor: "admin", OccurredAt: time.Date(2026, 6, 1, 9, 0, 0, 0, time.UTC)}}
	}
	if err := eventlog.Seal("", recs); err != nil {
		t.Fatal(err)
	}
	if _, err := store.Append(context.Background(), stream, eventlog.NoStream, recs); err != nil {
		t.Fatal(err)
	}
}

// An agent and its token as the engine wrote them before accounts had roles, passwords
// or expiry: the agent is an active agent account, its token authenticates, and
// deactivation revokes it (its id is derived as it always was).
func TestAgentsFromBeforeAccountsKeepWorking(t *testing.T) {
	c, store, _ := newCommands(t)
	ctx := context.Background()
	id := uuid.MustParse("3f0c2a44-9b7e-4d1a-8c55-2e6f7a8b9c0d")
	appendRaw(t, store, eventlog.AgentStream(id), []string{domain.TypeAgentRegistered, domain.TypeAgentWentOnline},
		[]string{`{"agent_id":"` + id.String() + `","name":"老王","email":"wang@example.com","team":"support","skills":["billing"],"capacity":3}`, `{}`})
	secrets, _ := auth.NewSecrets(make([]byte, 32))
	tokenID := command.AgentTokenID(id.String())
	token := secrets.Token(tokenID)
	appendRaw(t, store, eventlog.TokenStreamPrefix+auth.HashSecret(token), []string{auth.TypeTokenIssued},
		[]string{`{"token_id":"` + tokenID.String() + `","role":"agent","subject":"` + id.String() + `"}`})

	a, err := command.LoadAgent(ctx, store, id)
	if err != nil || a.RoleOf() != domain.RoleAgent || !a.Active() || !a.Online {
		t.Fatalf("the old agent: %+v %v", a, err)
	}
	authn := auth.NewAuthenticator(store, "admin-token-0123456789")
	if p, err := authn.Authenticate(ctx, token); err != nil || p.Subject != id.String() {
		t.Fatalf("the old token: %+v %v", p, err)
	}
	team := "sales"
	if a, _, err := c.ChangeProfile.Handle(ctx, command.ChangeAgentProfile{AgentID: id, ChangeAgentProfile: domain.ChangeAgentProfile{Team: &team}}, staff); err != nil || a.Team != "sales" || a.Capacity != 3 {
		t.Fatalf("change the old agent's team: %+v %v", a, err)
	}
	// The old agent has no reserved email: a password reserves it, then it signs in.
	if err := c.ChangePassword.Handle(ctx, command.ChangePassword{AccountID: id, Password: "老王的新密码是abcd"}, staff); err != nil {
		t.Fatal(err)
	}
	if acc, err := auth.SignIn(ctx, store, "WANG@example.com", "老王的新密码是abcd"); err != nil || acc.ID != id {
		t.Fatalf("sign in: %+v %v", acc, err)
	}
	if a, err := c.Deactivate.Handle(ctx, command.DeactivateAccount{AccountID: id}, staff); err != nil || a.Active() || a.Online {
		t.Fatalf("deactivate: %+v %v", a, err)
	}
	authn.Forget()
	if _, err := authn.Authenticate(ctx, token); !errors.Is(err, application.ErrUnauthorized) {
		t.Fatalf("the old token after deactivation: %v", err)
	}
	if _, err := auth.SignIn(ctx, store, "wang@example.com", "老王的新密码是abcd"); !errors.Is(err, auth.ErrSignIn) {
		t.Fatalf("a deactivated account signs in: %v", err)
	}
}

// ReleaseAgentTickets appends one TicketUnassigned per ticket still assigned to the
// agent, with the reason, and nothing on a retry.
func TestReleaseAgentTicketsIsIdempotent(t *testing.T) {
	c, store, _ := newCommands(t)
	ctx := context.Background()
	reg, err := c.RegisterAgent.Handle(ctx, command.RegisterAgent{Name: "Ann", Email: "ann@example.com", Capacity: 3}, staff)
	if err != nil {
		t.Fatal(err)
	}
	var ids []uuid.UUID
	for range 2 {
		tk := receive(t, c, staff).Ticket.ID
		if _, err := c.Assign.Handle(ctx, command.AssignTicket{TicketID: tk, AgentID: reg.Agent.ID}, staff); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, tk)
	}
	release := c.ReleaseTickets.WithTickets(fixedTickets(ids))
	for attempt, want := range []int{2, 0} {
		got, err := release.Handle(ctx, command.ReleaseAgentTickets{AgentID: reg.Agent.ID, Reason: "shift ended"}, staff)
		if err != nil || len(got) != want {
			t.Fatalf("attempt %d: released %v, %v; want %d", attempt, got, err, want)
		}
	}
	for _, tk := range ids {
		recs, _ := store.ReadStream(ctx, eventlog.TicketStream(tk))
		last := recs[len(recs)-1]
		if last.Type != domain.TypeTicketUnassigned || string(last.Data) == "" || len(recs) != 3 {
			t.Fatalf("ticket %s: %d records, last %s %s", tk, len(recs), last.Type, last.Data)
		}
		st, _ := command.FoldTicket(recs)
		if st.State().Assignee != uuid.Nil || st.State().Status != domain.StatusClassified {
			t.Fatalf("released ticket: %+v", st.State())
		}
	}
}

type fixedTickets []uuid.UUID

func (f fixedTickets) OpenTicketsOf(context.Context, uuid.UUID) ([]uuid.UUID, error) { return f, nil }

// Tokens expire, and a revocation holds from the next request on the revoking node.
func TestTokenExpiryAndRevocation(t *testing.T) {
	c, store, clock := newCommands(t)
	ctx := context.Background()
	authn := auth.NewAuthenticator(store, "admin-token-0123456789").WithClock(clock.Now)
	short, err := c.IssueToken.Handle(ctx, command.IssueToken{Role: "analyst", Subject: "bi", ExpiresIn: time.Hour}, staff)
	if err != nil || short.ExpiresAt == nil || !short.ExpiresAt.Equal(clock.Now().Add(time.Hour)) {
		t.Fatalf("issue: %+v %v", short, err)
	}
	revoke := command.NewRevokeTokenHandler(store, clock, mustSecrets(t), authn.Forget)
	if _, err := authn.Authenticate(ctx, short.Token); err != nil {
		t.Fatal(err)
	}
	if err := revoke.Handle(ctx, command.RevokeToken{TokenID: short.ID}, staff); err != nil {
		t.Fatal(err)
	}
	if _, err := authn.Authenticate(ctx, short.Token); !errors.Is(err, application.ErrUnauthorized) {
		t.Fatalf("revoked: %v", err)
	}
	if err := revoke.Handle(ctx, command.RevokeToken{TokenID: uuid.New()}, staff); !errors.Is(err, application.ErrNotFound) {
		t.Fatalf("revoke an unknown token: %v", err)
	}
	later, err := c.IssueToken.Handle(ctx, command.IssueToken{Role: "analyst", Subject: "bi", ExpiresIn: time.Minute}, staff)
	if err != nil {
		t.Fatal(err)
	}
	clock.Advance(59 * time.Second)
	if _, err := authn.Authenticate(ctx, later.Token); err != nil {
		t.Fatalf("before expiry: %v", err)
	}
	clock.Advance(time.Second) // at expires_at: cached or not, the token has expired
	if _, err := authn.Authenticate(ctx, later.Token); !errors.Is(err, application.ErrUnauthorized) {
		t.Fatalf("at expiry: %v", err)
	}
	if _, err := c.IssueToken.Handle(ctx, command.IssueToken{Role: "analyst", ExpiresIn: -time.Second}, staff); !errors.Is(err, application.ErrInvalid) {
		t.Fatalf("negative expires_in: %v", err)
	}
}

func mustSecrets(t *testing.T) *auth.Secrets {
	s, err := auth.NewSecrets(make([]byte, 32))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

type countingUsage struct{ n int }

func (c *countingUsage) RecordTokenUse(context.Context, uuid.UUID, time.Time) error {
	c.n++
	return nil
}

// A token's use is recorded at most once a minute, however often it is used.
func TestTokenUseIsRecordedAtMostOnceAMinute(t *testing.T) {
	c, store, clock := newCommands(t)
	ctx := context.Background()
	usage := &countingUsage{}
	authn := auth.NewAuthenticator(store, "admin-token-0123456789").WithClock(clock.Now).WithUsage(usage)
	tok, err := c.IssueToken.Handle(ctx, command.IssueToken{Role: "analyst", Subject: "bi"}, staff)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 120 {
		if _, err := authn.Authenticate(ctx, tok.Token); err != nil {
			t.Fatal(err)
		}
		if i == 59 {
			clock.Advance(30 * time.Second)
		}
		clock.Advance(time.Second / 2)
	}
	if usage.n != 2 { // at 0 s, and once more after a minute had passed (at 60 s)
		t.Fatalf("%d uses recorded over 90 s of requests, want 2", usage.n)
	}
}
