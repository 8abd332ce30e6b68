package domain_test

import (
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/domain"
)

func TestNormalizeTag(t *testing.T) {
	for in, want := range map[string]string{
		" VIP ": "vip", "Refund  Request": "refund_request", "退款": "退款", "a\tb": "a_b",
		strings.Repeat("x", domain.MaxTagLength): strings.Repeat("x", domain.MaxTagLength),
	} {
		if got, ok := domain.NormalizeTag(in); !ok || got != want {
			t.Errorf("NormalizeTag(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
	for _, bad := range []string{"", "   ", strings.Repeat("长", domain.MaxTagLength+1), "a\x00b", "\xff"} {
		if got, ok := domain.NormalizeTag(bad); ok {
			t.Errorf("NormalizeTag(%q) = %q, accepted", bad, got)
		}
	}
}

func TestChangeTags(t *testing.T) {
	f := ticketIn(t, domain.StatusAssigned)
	ev, err := f.tk.ChangeTags([]string{"B", "a", "b"}, []string{"c"})
	ev = f.must(t, "tag", ev, err)
	if len(ev) != 1 || !slices.Equal(ev[0].(domain.TicketTagsChanged).Added, []string{"b", "a"}) || ev[0].(domain.TicketTagsChanged).Removed != nil {
		t.Fatalf("first change: %+v", ev)
	}
	if got := f.state().Tags.List(); !slices.Equal(got, []string{"a", "b"}) {
		t.Fatalf("tags %v", got)
	}
	if ev, err := f.tk.ChangeTags([]string{"A"}, []string{"zzz"}); err != nil || ev != nil {
		t.Fatalf("no change should record nothing: %v %v", ev, err)
	}
	ev, err = f.tk.ChangeTags([]string{"c"}, []string{"a"})
	f.must(t, "swap", ev, err)
	if got := f.state().Tags.List(); !slices.Equal(got, []string{"b", "c"}) {
		t.Fatalf("after swap %v", got)
	}
	var verr *domain.ValidationError
	if _, err := f.tk.ChangeTags([]string{"x"}, []string{"X "}); !errors.As(err, &verr) {
		t.Fatalf("added and removed: %v", err)
	}
	many := make([]string, domain.MaxTags-1)
	for i := range many {
		many[i] = "t" + strings.Repeat("x", i)
	}
	if _, err := f.tk.ChangeTags(many, nil); !errors.As(err, &verr) || verr.Fields[0].Field != "add" {
		t.Fatalf("%d tags: %v", domain.MaxTags+1, err)
	}
	closed := ticketIn(t, domain.StatusClosed)
	if _, err := closed.tk.ChangeTags([]string{"late"}, nil); !errors.Is(err, domain.ErrInvalidTransition) {
		t.Fatalf("tagging a closed ticket: %v", err)
	}
}

func TestTagListJSONAndEquality(t *testing.T) {
	a, b := domain.NewTagList([]string{"b", "a", "a"}), domain.NewTagList([]string{"a", "b"})
	if a != b || a.Len() != 2 || !a.Has("a") || a.Has("") || a.Has("c") {
		t.Fatalf("lists %v %v", a.List(), b.List())
	}
	raw, _ := json.Marshal(domain.TicketState{Tags: a})
	var s domain.TicketState
	if err := json.Unmarshal(raw, &s); err != nil || s.Tags != a || !strings.Contains(string(raw), `"tags":["a","b"]`) {
		t.Fatalf("round trip %s: %v %v", raw, s.Tags.List(), err)
	}
	if raw, _ := json.Marshal(domain.TicketState{}); strings.Contains(string(raw), "tags") {
		t.Fatalf("no tags are omitted: %s", raw)
	}
}

func TestTemplates(t *testing.T) {
	for _, good := range []string{"", "plain", "{{customer.name}}", "Hi {{ agent.name }}, {ticket} {{ticket.number}}!"} {
		if err := domain.CheckTemplate(good); err != nil {
			t.Errorf("CheckTemplate(%q): %v", good, err)
		}
	}
	for _, bad := range []string{"{{customer.nam}}", "{{customer.name", "x }} y", "{{}}", "{{ {{customer.name}} }}"} {
		if err := domain.CheckTemplate(bad); err == nil {
			t.Errorf("CheckTemplate(%q) accepted", bad)
		}
	}
	got := domain.RenderTemplate("{{customer.name}}您好，{{ticket.number}} / {{ agent.name }}", map[string]string{
		"customer.name": "陈静", "ticket.number": "TK-7F3K9Q", "agent.name": "刘洋"})
	if got != "陈静您好，TK-7F3K9Q / 刘洋" {
		t.Fatalf("rendered %q", got)
	}
}

func TestMacroLibrary(t *testing.T) {
	lib := domain.NewMacroLibrary()
	id := uuid.New()
	m := domain.Macro{ID: id, Name: "n", Body: domain.MacroBody{En: "x"}, Set: domain.MacroSet{Tags: []string{" A ", "a"}}}
	ev, err := lib.CreateMacro(m)
	if err != nil || len(ev) != 1 {
		t.Fatalf("create: %v", err)
	}
	lib.Apply(ev[0])
	if got, ok := lib.Macro(id); !ok || !slices.Equal(got.Set.Tags, []string{"a"}) {
		t.Fatalf("saved %+v", got)
	}
	if _, err := lib.CreateMacro(m); !errors.Is(err, domain.ErrConflict) {
		t.Fatalf("second create: %v", err)
	}
	var verr *domain.ValidationError
	long := domain.Macro{ID: id, Name: "n", Body: domain.MacroBody{En: strings.Repeat("x", 1900) + "{{customer.name}}"}, Set: domain.MacroSet{Status: domain.StatusWaiting}}
	if _, err := lib.UpdateMacro(long); !errors.As(err, &verr) || verr.Fields[0].Field != "body.en" {
		t.Fatalf("a waiting macro that may fill past a reason's limit: %v", err)
	}
	if _, err := lib.UpdateMacro(domain.Macro{ID: uuid.New(), Name: "n", Body: domain.MacroBody{En: "x"}}); !errors.Is(err, domain.ErrNotFound) {
		t.Fatalf("update of an unknown macro: %v", err)
	}
	ev, _ = lib.DeleteMacro(id)
	lib.Apply(ev[0])
	if _, ok := lib.Macro(id); ok || len(lib.State().Macros) != 0 {
		t.Fatal("deleted macro still there")
	}
}

func TestApplyMacroAllOrNothing(t *testing.T) {
	m := domain.Macro{ID: uuid.New(), Name: "done", Body: domain.MacroBody{Zh: "{{customer.name}}，已解决", En: "Solved, {{customer.name}}"},
		Set: domain.MacroSet{Status: domain.StatusResolved, Priority: domain.P1, Category: "billing", Tags: []string{"vip"}}}
	f := ticketIn(t, domain.StatusAssigned)
	before := f.state()
	ev, err := f.tk.ApplyMacro(m, "刘洋", f.now, f.policy)
	if err != nil {
		t.Fatal(err)
	}
	if f.state() != before {
		t.Fatal("deciding changed the ticket")
	}
	types := make([]string, len(ev))
	for i, e := range ev {
		types[i] = e.EventType()
	}
	if strings.Join(types, " ") != "MacroApplied TicketReplied TicketTagsChanged TicketClassified TicketResolved" {
		t.Fatalf("events %v", types)
	}
	if r := ev[1].(domain.TicketReplied); r.Body != "Solved, 王小明" || !r.Public { // no language: English
		t.Fatalf("reply %+v", r)
	}
	f.apply(ev)
	if s := f.state(); s.Status != domain.StatusResolved || s.Priority != domain.P1 || s.Category != "billing" || !s.Tags.Has("vip") {
		t.Fatalf("after the macro %+v", s)
	}
	// Waiting is not allowed from classified: the whole macro is refused.
	classified := ticketIn(t, domain.StatusClassified)
	m.Set.Status = domain.StatusWaiting
	if ev, err := classified.tk.ApplyMacro(m, "", classified.now, classified.policy); !errors.Is(err, domain.ErrInvalidTransition) || ev != nil {
		t.Fatalf("waiting from classified: %v %v", ev, err)
	}
}

func TestMacroBodyLanguage(t *testing.T) {
	b := domain.MacroBody{Zh: "中文", En: "English"}
	if b.For("zh") != "中文" || b.For("en") != "English" || b.For("") != "English" {
		t.Fatal("language choice")
	}
	if (domain.MacroBody{Zh: "中文"}).For("en") != "中文" || (domain.MacroBody{En: "English"}).For("zh") != "English" {
		t.Fatal("fallback to the other language")
	}
}
