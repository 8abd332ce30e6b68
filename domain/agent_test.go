package domain_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/domain"
)

func TestRegisterValidation(t *testing.T) {
	tooMany := make([]string, 51)
	for i := range tooMany {
		tooMany[i] = "s"
	}
	cases := []struct {
		name   string
		cmd    domain.RegisterAgent
		fields []string
	}{
		{"everything wrong", domain.RegisterAgent{Name: " ", Email: "li@", Team: strings.Repeat("t", 201), Capacity: 0, Language: "fr"},
			[]string{"name", "email", "team", "capacity", "language"}},
		{"capacity too high", domain.RegisterAgent{Name: "Li", Email: "li@example.com", Capacity: 1001}, []string{"capacity"}},
		{"too many skills", domain.RegisterAgent{Name: "Li", Email: "li@example.com", Capacity: 1, Skills: tooMany}, []string{"skills"}},
		{"empty skill", domain.RegisterAgent{Name: "Li", Email: "li@example.com", Capacity: 1, Skills: []string{"billing", " "}}, []string{"skills"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ev, err := domain.Register(c.cmd, uuid.New())
			wantFields(t, err, c.fields...)
			if ev != nil {
				t.Fatalf("events %v", eventTypes(ev))
			}
		})
	}
}

func TestRegisterAndPresence(t *testing.T) {
	id := uuid.New()
	ev, err := domain.Register(domain.RegisterAgent{Name: "李娜", Email: "li@example.com", Capacity: 1000, Language: "zh"}, id)
	if err != nil {
		t.Fatal(err)
	}
	e := only[domain.AgentRegistered](t, ev)
	if e.AgentID != id || e.Team != "support" || e.Skills == nil || len(e.Skills) != 0 || e.Capacity != 1000 {
		t.Fatalf("registered %+v: team defaults to support, skills to an empty list", e)
	}
	a := domain.NewAgent()
	if a.Exists() {
		t.Fatal("a new agent exists before registration")
	}
	if _, err := a.SetPresence(true); !errors.Is(err, domain.ErrNotFound) {
		t.Fatalf("presence of a missing agent: %v", err)
	}
	a.Apply(e)
	if s := a.State(); !a.Exists() || s.Online || s.Version != 0 || s.Name != "李娜" || s.ID != id {
		t.Fatalf("state %+v: a new agent is offline at version 0", s)
	}
	steps := []struct {
		online bool
		want   []string
	}{
		{false, nil},
		{true, []string{"AgentWentOnline"}},
		{true, nil},
		{false, []string{"AgentWentOffline"}},
		{false, nil},
	}
	for i, st := range steps {
		ev, err := a.SetPresence(st.online)
		if err != nil || !sameStrings(eventTypes(ev), st.want) {
			t.Fatalf("step %d online=%v: %v %v, want %v", i, st.online, eventTypes(ev), err, st.want)
		}
		for _, e := range ev {
			a.Apply(e)
		}
		if a.State().Online != st.online {
			t.Fatalf("step %d: online = %v", i, a.State().Online)
		}
	}
	if v := a.State().Version; v != 2 {
		t.Fatalf("version %d after registration and two presence changes", v)
	}
}

func TestHasSkill(t *testing.T) {
	s := domain.AgentState{AgentProfile: domain.AgentProfile{Skills: []string{"Billing", "退款"}}}
	if !s.HasSkill("billing") || !s.HasSkill("退款") || s.HasSkill("bill") {
		t.Fatal("HasSkill is a case-insensitive exact match")
	}
}
