package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestCommandsCarryTheVersionAndConflictsShowTheNewState: a form sent at the version the
// page showed runs with it as the expected version; sent at an older one, the page
// answers 409 with the notice, the ticket's current version, and what was typed.
func TestCommandsCarryTheVersionAndConflictsShowTheNewState(t *testing.T) {
	d := newAgentDesk(t, nil)
	_, c := d.signIn(t, "li@example.com", "right password")
	base := "/desk/tickets/" + deskTicketID.String()
	w := d.post(c, base+"/reply", url.Values{"version": {"7"}, "body": {"好的"}})
	if w.Code != http.StatusSeeOther || w.Header().Get("Location") != base {
		t.Fatalf("reply: %d %v", w.Code, w.Header())
	}
	if m := d.fake.meta[0]; m.Actor != "agent:"+agentID.String() || *m.ExpectedVersion != 7 || d.fake.acted[0].Name != "reply" || d.fake.acted[0].Fields["body"] != "好的" {
		t.Fatalf("ran %+v %+v", d.fake.acted[0], m)
	}
	w = d.post(c, base+"/note", url.Values{"version": {"5"}, "body": {"my unsent note"}})
	body := w.Body.String()
	if w.Code != http.StatusConflict || !strings.Contains(body, `id="conflict"`) ||
		!strings.Contains(body, `data-field="version" data-value="7"`) || !strings.Contains(body, "my unsent note") {
		t.Fatalf("conflict: %d\n%s", w.Code, body)
	}
	if w := d.post(c, base+"/resolve", url.Values{}); w.Code != http.StatusUnprocessableEntity {
		t.Fatalf("no version: %d", w.Code)
	}
}

// TestDeskTicketPageEscapesAndSetsNotesApart: customer text is text, never markup; the
// internal note is marked as one; the hooks carry the raw values.
func TestDeskTicketPageEscapesAndSetsNotesApart(t *testing.T) {
	d := newAgentDesk(t, nil)
	_, c := d.signIn(t, "li@example.com", "right password")
	w := d.get(c, "/desk/tickets/"+deskTicketID.String())
	body := w.Body.String()
	if w.Code != http.StatusOK || strings.Contains(body, "<script>alert") || strings.Contains(body, "<img src=x") || strings.Contains(body, "<b>refund") ||
		!strings.Contains(body, "&lt;script&gt;alert(1)&lt;/script&gt;") {
		t.Fatalf("%d\n%s", w.Code, body)
	}
	// Times as the pages show them; a clock met shows so, one running shows what is left.
	if !strings.Contains(body, "<time>2026-12-03 08:05 UTC</time>") || strings.Contains(body, "<nil>") {
		t.Errorf("the message's time is not shown as a time:\n%s", body)
	}
	if strings.Count(body, `<span class="met">met in time</span>`) != 1 || strings.Count(body, `<span class="left">`) != 1 {
		t.Errorf("want the first response shown met and only the resolution counting down:\n%s", body)
	}
	for _, want := range []string{`data-field="number" data-value="TK-7"`, `data-field="status" data-value="waiting"`,
		`class="entry internal"`, `<option value="` + macroID.String() + `">&lt;退款模板&gt;</option>`, `name="version" value="7"`, `formaction="/desk/tickets/` + deskTicketID.String() + `/note"`} {
		if !strings.Contains(body, want) {
			t.Errorf("no %s", want)
		}
	}
}

// TestSearchFindsChineseWords: the search page passes q to the read side and lists hits.
func TestSearchFindsChineseWords(t *testing.T) {
	d := newAgentDesk(t, nil)
	_, c := d.signIn(t, "li@example.com", "right password")
	w := d.get(c, "/desk/search?q="+url.QueryEscape("退款"))
	if w.Code != http.StatusOK || !strings.Contains(w.Body.String(), `data-value="TK-7"`) {
		t.Fatalf("%d\n%s", w.Code, w.Body)
	}
}

// TestPresenceAndLanguageComeBackToTheDesk: an agent turns presence on and off and lands
// on the page it was on; the language switcher returns to a desk page too; an analyst may
// not set presence.
func TestPresenceAndLanguageComeBackToTheDesk(t *testing.T) {
	d := newAgentDesk(t, nil)
	_, c := d.signIn(t, "li@example.com", "right password")
	for _, on := range []string{"true", "false"} {
		if w := d.post(c, "/desk/presence", url.Values{"online": {on}, "next": {"/desk/team"}}); w.Code != http.StatusSeeOther || w.Header().Get("Location") != "/desk/team" {
			t.Fatalf("presence %s: %d %v", on, w.Code, w.Header())
		}
	}
	if strings.Join(d.fake.presence, ",") != "li@example.com=true,li@example.com=false" {
		t.Fatalf("presence %v", d.fake.presence)
	}
	if w := d.post(c, "/help/lang", url.Values{"lang": {"zh"}, "next": {"/desk/queue"}}); w.Code != http.StatusSeeOther || w.Header().Get("Location") != "/desk/queue" {
		t.Fatalf("switcher: %d %v", w.Code, w.Header())
	}
	_, a := d.signIn(t, "ana@example.com", "right password")
	if w := d.post(a, "/desk/presence", url.Values{"online": {"true"}}); w.Code != http.StatusForbidden {
		t.Fatalf("analyst presence: %d", w.Code)
	}
}

// TestDeskFilesAreDownloads: a message's file comes as an attachment with its name, in a
// sandbox, never as a page of the desk; an unknown id is the 404 page.
func TestDeskFilesAreDownloads(t *testing.T) {
	d := newAgentDesk(t, nil)
	_, c := d.signIn(t, "li@example.com", "right password")
	w := d.get(c, "/desk/attachments/f1")
	if w.Code != http.StatusOK || !strings.HasPrefix(w.Header().Get("Content-Disposition"), "attachment;") ||
		!strings.Contains(w.Header().Get("Content-Disposition"), "%E6%94%B6") || !strings.Contains(w.Header().Get("Content-Security-Policy"), "sandbox") ||
		w.Header().Get("X-Content-Type-Options") != "nosniff" {
		t.Fatalf("%d %v", w.Code, w.Header())
	}
	if w := d.get(c, "/desk/attachments/nope"); w.Code != http.StatusNotFound {
		t.Fatalf("unknown: %d", w.Code)
	}
	if w := d.get(nil, "/desk/attachments/f1"); w.Code != http.StatusSeeOther {
		t.Fatalf("anonymous: %d", w.Code)
	}
}
