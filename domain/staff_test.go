package domain_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/domain"
)

func agentFrom(t *testing.T, events ...domain.Event) *domain.Agent {
	t.Helper()
	a := domain.NewAgent()
	for _, e := range events {
		a.Apply(e)
	}
	return a
}

func TestStaffAccounts(t *testing.T) {
	id := uuid.New()
	created, err := domain.CreateStaff(domain.CreateStaffAccount{Name: "赵敏", Email: "zm@example.com", Role: domain.RoleSupervisor, PasswordHash: "$2a$hash"}, id)
	if err != nil {
		t.Fatal(err)
	}
	s := agentFrom(t, created...).State()
	if s.RoleOf() != domain.RoleSupervisor || s.Team != domain.DefaultTeam || !s.Active() || s.PasswordHash != "$2a$hash" {
		t.Fatalf("created: %+v", s)
	}
	if _, err := domain.CreateStaff(domain.CreateStaffAccount{Name: "x", Email: "x@example.com", Role: domain.RoleAgent}, id); !errors.Is(err, domain.ErrInvalid) {
		t.Fatalf("an agent through CreateStaff: %v", err)
	}
	// A supervisor account has no presence and no routing profile.
	if _, err := agentFrom(t, created...).SetPresence(true); !errors.Is(err, domain.ErrNotFound) {
		t.Fatalf("presence of a supervisor: %v", err)
	}
	if _, err := agentFrom(t, created...).ChangeProfile(domain.ChangeAgentProfile{}); !errors.Is(err, domain.ErrNotFound) {
		t.Fatalf("profile of a supervisor: %v", err)
	}
}

func TestDeactivationAndReactivation(t *testing.T) {
	id := uuid.New()
	reg, _ := domain.Register(domain.RegisterAgent{Name: "李娜", Email: "li@example.com", Capacity: 2}, id)
	history := append(reg, domain.AgentWentOnline{})
	a := agentFrom(t, history...)
	off, err := a.Deactivate("left")
	if err != nil || len(off) != 1 {
		t.Fatalf("deactivate: %v %v", off, err)
	}
	a.Apply(off[0])
	if s := a.State(); s.Active() || s.Online {
		t.Fatalf("deactivated: %+v", s)
	}
	if again, err := a.Deactivate(""); err != nil || len(again) != 0 {
		t.Fatalf("deactivate twice: %v %v", again, err)
	}
	if _, err := a.SetPresence(true); !errors.Is(err, domain.ErrInvalidTransition) {
		t.Fatalf("online while deactivated: %v", err)
	}
	on, _ := a.Reactivate()
	a.Apply(on[0])
	if s := a.State(); !s.Active() || s.Online {
		t.Fatalf("reactivated: %+v", s)
	}
	if again, err := a.Reactivate(); err != nil || len(again) != 0 {
		t.Fatalf("reactivate twice: %v %v", again, err)
	}
}

func TestChangeProfile(t *testing.T) {
	reg, _ := domain.Register(domain.RegisterAgent{Name: "李娜", Email: "li@example.com", Capacity: 2, Skills: []string{"a"}}, uuid.New())
	cases := []struct {
		name   string
		change domain.ChangeAgentProfile
		events int
		fields []string
	}{
		{"nothing", domain.ChangeAgentProfile{}, 0, nil},
		{"same team", domain.ChangeAgentProfile{Team: ptr("support")}, 0, nil},
		{"team and capacity", domain.ChangeAgentProfile{Team: ptr("billing"), Capacity: ptr(9)}, 1, nil},
		{"bad capacity and language", domain.ChangeAgentProfile{Capacity: ptr(0), Language: ptr("fr")}, 0, []string{"capacity", "language"}},
		{"empty name", domain.ChangeAgentProfile{Name: ptr(" ")}, 0, []string{"name"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ev, err := agentFrom(t, reg...).ChangeProfile(tc.change)
			var ve *domain.ValidationError
			switch {
			case tc.fields != nil && (!errors.As(err, &ve) || len(ve.Fields) != len(tc.fields)):
				t.Fatalf("err %v, want fields %v", err, tc.fields)
			case tc.fields == nil && (err != nil || len(ev) != tc.events):
				t.Fatalf("%v %v, want %d events", ev, err, tc.events)
			}
		})
	}
}

func TestPasswordPolicy(t *testing.T) {
	for pw, ok := range map[string]bool{"": false, "short": false, "ten chars!": true, "密码密码密码密码密码": true,
		"密码密码密码密码密": false, strings.Repeat("x", 72): true, strings.Repeat("x", 73): false} {
		if err := domain.CheckPassword("password", pw); (err == nil) != ok {
			t.Errorf("%q: %v, want ok=%v", pw, err, ok)
		}
	}
}

func TestReleaseOnlyFromTheAgent(t *testing.T) {
	agent, other := uuid.New(), uuid.New()
	f := newFixture(t, domain.TierStandard)
	f.classify(t, domain.P2)
	f.assign(t, agent)
	tk := domain.RestoreTicket(f.state())
	if ev, err := tk.Release(other, "shift"); err != nil || len(ev) != 0 {
		t.Fatalf("release from another agent: %v %v", ev, err)
	}
	if _, err := tk.Release(agent, ""); !errors.Is(err, domain.ErrInvalid) {
		t.Fatalf("without a reason: %v", err)
	}
	ev, err := tk.Release(agent, "shift")
	if err != nil || len(ev) != 1 {
		t.Fatalf("release: %v %v", ev, err)
	}
	f.apply(ev)
	if s := f.state(); s.Assignee != uuid.Nil || s.Status != domain.StatusClassified {
		t.Fatalf("released: %s %v", s.Status, s.Assignee)
	}
	if again, err := domain.RestoreTicket(f.state()).Release(agent, "shift"); err != nil || len(again) != 0 {
		t.Fatalf("release twice: %v %v", again, err)
	}
}

func ptr[T any](v T) *T { return &v }
