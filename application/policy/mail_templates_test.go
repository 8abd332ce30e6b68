package policy_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode"

	"github.com/ticketengine/ticketengine/application/policy"
)

// Every built-in template renders in both languages: its subject carries the number on
// one line, its body the fields the kind is about, and the Chinese one is Chinese.
func TestEveryTemplateRendersInBothLanguages(t *testing.T) {
	ts := policy.DefaultTemplates()
	if got := len(ts.Names()); got != len(policy.MailKinds)*2 {
		t.Fatalf("%d templates, want %d", got, len(policy.MailKinds)*2)
	}
	d := policy.MailData{Number: "TK-7F3K9Q", Subject: "发票抬头错误", Status: "x", Priority: "P1", Team: "billing",
		Name: "Zhang", Customer: "Wang", Agent: "Li", Link: "https://h.example/t/TK-7F3K9Q?code=C", Text: "REPLY-TEXT",
		Attachments: []string{"invoice.pdf"}, FirstLines: "FIRST-LINE", Clock: "CLOCK", Due: "2026-01-01T00:00:00Z", Level: 1}
	wants := map[string][]string{
		policy.KindCustomerReply: {"REPLY-TEXT", "invoice.pdf"}, policy.KindCustomerWaiting: {"REPLY-TEXT"},
		policy.KindCustomerResolved: {"REPLY-TEXT"}, policy.KindCustomerReopened: {"REPLY-TEXT"},
		policy.KindAgentAssigned: {"FIRST-LINE"}, policy.KindAgentSLAWarning: {"FIRST-LINE", "CLOCK", "2026-01-01T00:00:00Z"},
		policy.KindSupervisorBreach: {"CLOCK", "billing"}, policy.KindSupervisorEscalate: {"billing", "REPLY-TEXT"},
	}
	for _, kind := range policy.MailKinds {
		for _, l := range policy.MailLanguages {
			subject, body, err := ts.Render(kind, l, d)
			if err != nil {
				t.Fatalf("%s.%s: %v", kind, l, err)
			}
			if !strings.Contains(subject, "TK-7F3K9Q") || strings.ContainsAny(subject, "\r\n") {
				t.Errorf("%s.%s subject %q", kind, l, subject)
			}
			for _, w := range append(wants[kind], d.Link) {
				if !strings.Contains(body, w) {
					t.Errorf("%s.%s body lacks %q:\n%s", kind, l, w, body)
				}
			}
			if han := strings.IndexFunc(subject+body, func(r rune) bool { return unicode.Is(unicode.Han, r) && !strings.ContainsRune(d.Subject, r) }); (han >= 0) != (l == "zh") {
				t.Errorf("%s.%s: Chinese words %v, want %v:\n%s\n%s", kind, l, han >= 0, l == "zh", subject, body)
			}
		}
	}
}

// An operator's file replaces the built-in template of its name, and only that one.
func TestAnOverrideReplacesTheTemplateOfItsName(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "customer_reply.zh.tmpl", `{{define "subject"}}[{{.Number}}] 新回复{{end}}{{define "body"}}自定义：{{.Text}}{{end}}`)
	write(t, dir, "README", "not a template")
	ts, err := policy.LoadTemplates(dir)
	if err != nil {
		t.Fatal(err)
	}
	d := policy.MailData{Number: "TK-1", Text: "好的"}
	if s, b, _ := ts.Render(policy.KindCustomerReply, "zh", d); s != "[TK-1] 新回复" || b != "自定义：好的" {
		t.Fatalf("override not used: %q %q", s, b)
	}
	if s, _, _ := ts.Render(policy.KindCustomerReply, "en", d); !strings.Contains(s, "Re: [TK-1]") {
		t.Fatalf("the English default was replaced too: %q", s)
	}
}

// A bad override is refused at load, naming the file and what is wrong.
func TestABadOverrideIsRefusedWithAClearError(t *testing.T) {
	cases := map[string]struct{ file, src, says string }{
		"syntax":       {"customer_closed.en.tmpl", `{{define "subject"}}[{{.Number}}{{end}}`, "customer_closed.en.tmpl"},
		"no body":      {"customer_closed.en.tmpl", `{{define "subject"}}[{{.Number}}]{{end}}`, `defines no "body"`},
		"no number":    {"customer_closed.zh.tmpl", `{{define "subject"}}已关闭{{end}}{{define "body"}}x{{end}}`, "lacks the ticket number"},
		"unknown name": {"customer_closd.en.tmpl", `{{define "subject"}}{{.Number}}{{end}}{{define "body"}}x{{end}}`, `no mail is named "customer_closd.en"`},
		"bad field":    {"agent_assigned.en.tmpl", `{{define "subject"}}{{.Number}}{{end}}{{define "body"}}{{.Email}}{{end}}`, "Email"},
		"empty body":   {"agent_assigned.zh.tmpl", `{{define "subject"}}{{.Number}}{{end}}{{define "body"}} {{end}}`, "body is empty"},
	}
	for name, c := range cases {
		dir := t.TempDir()
		write(t, dir, c.file, c.src)
		_, err := policy.LoadTemplates(dir)
		if err == nil || !strings.Contains(err.Error(), c.says) {
			t.Errorf("%s: %v, want an error saying %q", name, err, c.says)
		}
	}
	if _, err := policy.LoadTemplates(filepath.Join(t.TempDir(), "missing")); err == nil {
		t.Error("a missing directory was accepted")
	}
}

func write(t *testing.T, dir, name, src string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, name), []byte(src), 0o600); err != nil {
		t.Fatal(err)
	}
}
