package policy

import (
	"bytes"
	"embed"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"text/template"

	"github.com/ticketengine/ticketengine/domain"
)

// The mails' wording lives in text/template files, one per mail kind and language, named
// <kind>.<lang>.tmpl (customer_reply.zh.tmpl). Each defines "subject" and "body", fed a
// MailData. The defaults are embedded; an operator's directory (--mail-templates) replaces
// any of them by name. docs/POLICIES.md lists the kinds and fields.
//
//go:embed mailtemplates/*.tmpl
var defaultTemplates embed.FS

// Mail kinds: who gets the mail and why.
const (
	KindCustomerReceived   = "customer_received"
	KindCustomerAssigned   = "customer_assigned"
	KindCustomerWaiting    = "customer_waiting"
	KindCustomerResolved   = "customer_resolved"
	KindCustomerRating     = "customer_rating"
	KindCustomerReopened   = "customer_reopened"
	KindCustomerClosed     = "customer_closed"
	KindCustomerReply      = "customer_reply"
	KindAgentAssigned      = "agent_assigned"
	KindAgentSLAWarning    = "agent_sla_warning"
	KindSupervisorBreach   = "supervisor_sla_breach"
	KindSupervisorEscalate = "supervisor_escalated"
	KindSupervisorHotIssue = "supervisor_hot_issue"
	// KindCustomerReminder: a waiting ticket's stage limit reminds the customer (stage_monitor.go).
	KindCustomerReminder = "customer_reminder"
	// KindAgentStage: a stage limit's warning, or its passing with action notify, to the
	// stage's owner (the assignee, else the team's agents).
	KindAgentStage = "agent_stage_limit"
)

// MailKinds and MailLanguages name every template: a kind in each language.
var (
	MailKinds = []string{KindCustomerReceived, KindCustomerAssigned, KindCustomerWaiting, KindCustomerResolved,
		KindCustomerRating, KindCustomerReopened, KindCustomerClosed, KindCustomerReply,
		KindAgentAssigned, KindAgentSLAWarning, KindSupervisorBreach, KindSupervisorEscalate, KindSupervisorHotIssue,
		KindCustomerReminder, KindAgentStage}
	MailLanguages = []string{"en", "zh"}
)

// MailData is what a template sees. Fields that do not apply to a kind are empty.
type MailData struct {
	Number, Subject string // the ticket's number and subject
	Status          string // the ticket's status in words, in the mail's language
	Priority, Team  string
	Name            string // the recipient's name
	Customer        string // the customer's name
	Agent           string // the assignee's name
	Link            string // portal link (customer), desk link (staff)
	Confirm         bool   // received: the link also confirms the customer's address
	// Text is the reply's text, the reason for waiting, the resolution, the reason for
	// reopening, or the escalation's reason.
	Text        string
	Attachments []string // a public reply's attachments, by file name
	FirstLines  string   // the first lines of the customer's message (agent mails)
	Clock, Due  string   // SLA mails: the clock in words and its due time (RFC 3339, UTC)
	Level       int      // escalation level
	// Hot issues (supervisor_hot_issue; Number is the spike's reference, HOT-…): the
	// series, the tickets counted in the window from Due, and the baseline.
	Series   string
	Count    int
	Baseline string
	Tickets  []string // the numbers of the tickets behind it
}

// Templates renders mails; LoadTemplates builds it.
type Templates struct {
	t map[string]*template.Template // by "<kind>.<lang>"
}

// LoadTemplates parses the embedded defaults and, when dir is not empty, the operator's
// <kind>.<lang>.tmpl files that replace them. Every template is then rendered with sample
// data in its language, so an override that does not parse, lacks "subject" or "body",
// uses a field MailData has not, or drops the ticket number from the subject (which
// threading needs) is refused here, at start, naming the file.
func LoadTemplates(dir string) (*Templates, error) {
	ts := &Templates{t: map[string]*template.Template{}}
	for _, name := range templateNames() {
		src, err := defaultTemplates.ReadFile("mailtemplates/" + name + ".tmpl")
		if err != nil {
			return nil, fmt.Errorf("mail templates: default %s: %w", name, err)
		}
		if ts.t[name], err = parseTemplate(name+".tmpl", string(src)); err != nil {
			return nil, err
		}
	}
	if dir != "" {
		if err := ts.override(dir); err != nil {
			return nil, err
		}
	}
	for _, name := range templateNames() {
		if err := ts.check(name); err != nil {
			return nil, err
		}
	}
	return ts, nil
}

// DefaultTemplates are the embedded templates (they always load; a test renders each).
func DefaultTemplates() *Templates {
	ts, err := LoadTemplates("")
	if err != nil {
		panic(err)
	}
	return ts
}

func templateNames() []string {
	var out []string
	for _, k := range MailKinds {
		for _, l := range MailLanguages {
			out = append(out, k+"."+l)
		}
	}
	return out
}

func (ts *Templates) override(dir string) error {
	files, err := os.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("mail templates: %w", err)
	}
	for _, f := range files {
		name, ok := strings.CutSuffix(f.Name(), ".tmpl")
		if !ok || f.IsDir() {
			continue // other files (a README) are not templates
		}
		if _, known := ts.t[name]; !known {
			return fmt.Errorf("mail templates: %s: no mail is named %q; the names are <kind>.<lang>.tmpl with kind one of %s and lang en or zh",
				filepath.Join(dir, f.Name()), name, strings.Join(MailKinds, ", "))
		}
		src, err := fs.ReadFile(os.DirFS(dir), f.Name())
		if err != nil {
			return fmt.Errorf("mail templates: %w", err)
		}
		if ts.t[name], err = parseTemplate(filepath.Join(dir, f.Name()), string(src)); err != nil {
			return err
		}
	}
	return nil
}

func parseTemplate(file, src string) (*template.Template, error) {
	t, err := template.New(file).Option("missingkey=error").Parse(src)
	if err != nil {
		return nil, fmt.Errorf("mail templates: %w", err)
	}
	for _, part := range []string{"subject", "body"} {
		if t.Lookup(part) == nil {
			return nil, fmt.Errorf("mail templates: %s defines no %q ({{define %q}}…{{end}})", file, part, part)
		}
	}
	return t, nil
}

// check renders the template with sample data: it must run, and its subject must carry
// the ticket number.
func (ts *Templates) check(name string) error {
	kind, l, _ := strings.Cut(name, ".")
	subject, body, err := ts.Render(kind, l, sampleData(l))
	if err != nil {
		return err
	}
	if !strings.Contains(subject, sampleNumber) {
		return fmt.Errorf("mail templates: %s: the subject %q lacks the ticket number ({{.Number}}), which mail clients thread by", ts.t[name].Name(), subject)
	}
	if strings.TrimSpace(body) == "" {
		return fmt.Errorf("mail templates: %s: the body is empty", ts.t[name].Name())
	}
	return nil
}

const sampleNumber = "TK-SAMPLE"

func sampleData(l string) MailData {
	return MailData{Number: sampleNumber, Subject: "Invoice", Status: statusWords[l][domain.StatusAssigned], Priority: "P2", Team: "billing",
		Name: "Ann", Customer: "Li Lei", Agent: "Zhang Wei", Link: "https://example.com/t", Text: "text",
		Attachments: []string{"a.pdf"}, FirstLines: "first line", Clock: clockWords[l][domain.ClockResolution], Due: "2026-01-01T00:00:00Z", Level: 1}
}

// Render words one mail: the subject (on one line) and the body.
func (ts *Templates) Render(kind, language string, d MailData) (subject, body string, err error) {
	t := ts.t[kind+"."+lang(language)]
	if t == nil {
		return "", "", fmt.Errorf("mail templates: no template %s.%s", kind, lang(language))
	}
	var s, b bytes.Buffer
	if err := t.ExecuteTemplate(&s, "subject", d); err != nil {
		return "", "", fmt.Errorf("mail templates: %w", err)
	}
	if err := t.ExecuteTemplate(&b, "body", d); err != nil {
		return "", "", fmt.Errorf("mail templates: %w", err)
	}
	return strings.Join(strings.Fields(s.String()), " "), b.String(), nil
}

// Names lists the templates, sorted (for documentation and tests).
func (ts *Templates) Names() []string {
	out := make([]string, 0, len(ts.t))
	for n := range ts.t {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}
