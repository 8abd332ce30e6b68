package command_test

import (
	"strings"
	"testing"

	"github.com/ticketengine/ticketengine/adapters/eventstore/memstore"
	"github.com/ticketengine/ticketengine/application"
	"github.com/ticketengine/ticketengine/application/auth"
	"github.com/ticketengine/ticketengine/application/command"
	"github.com/ticketengine/ticketengine/application/eventlog"
	"github.com/ticketengine/ticketengine/domain"
)

// ports are what a constructor may be given; a case nils one of them.
type ports struct {
	store   eventlog.EventStore
	clock   application.Clock
	secrets *auth.Secrets
}

// constructors builds every handler on p; each entry names the ports it must refuse.
var constructors = []struct {
	name     string
	required []string
	build    func(p ports)
}{
	{"Receive", []string{"store", "clock", "secrets"}, func(p ports) {
		command.NewReceiveTicketHandler(p.store, p.clock, nil, domain.DefaultSLAPolicy(), p.secrets)
	}},
	{"Classify", []string{"store", "clock"}, func(p ports) {
		command.NewClassifyTicketHandler(p.store, p.clock, nil, domain.DefaultSLAPolicy())
	}},
	{"Reprioritize", []string{"store", "clock"}, func(p ports) {
		command.NewReprioritizeTicketHandler(p.store, p.clock, nil, domain.DefaultSLAPolicy())
	}},
	{"Assign", []string{"store", "clock"}, func(p ports) { command.NewAssignTicketHandler(p.store, p.clock, nil, nil) }},
	{"Escalate", []string{"store", "clock"}, func(p ports) {
		command.NewEscalateTicketHandler(p.store, p.clock, nil, domain.DefaultSLAPolicy())
	}},
	{"Reply", []string{"store", "clock"}, func(p ports) { command.NewReplyToTicketHandler(p.store, p.clock, nil) }},
	{"Wait", []string{"store", "clock"}, func(p ports) { command.NewWaitOnCustomerHandler(p.store, p.clock, nil) }},
	{"Resolve", []string{"store", "clock"}, func(p ports) { command.NewResolveTicketHandler(p.store, p.clock, nil) }},
	{"Reopen", []string{"store", "clock"}, func(p ports) {
		command.NewReopenTicketHandler(p.store, p.clock, nil, domain.DefaultSLAPolicy())
	}},
	{"Close", []string{"store", "clock"}, func(p ports) { command.NewCloseTicketHandler(p.store, p.clock, nil) }},
	{"CustomerReply", []string{"store", "clock"}, func(p ports) {
		command.NewCustomerReplyHandler(p.store, p.clock, nil, domain.DefaultSLAPolicy())
	}},
	{"Rate", []string{"store", "clock"}, func(p ports) { command.NewRateTicketHandler(p.store, p.clock, nil) }},
	{"CheckSLA", []string{"store", "clock"}, func(p ports) {
		command.NewCheckSLAHandler(p.store, p.clock, nil, domain.DefaultSLAPolicy())
	}},
	{"RegisterAgent", []string{"store", "clock", "secrets"}, func(p ports) {
		command.NewRegisterAgentHandler(p.store, p.clock, nil, p.secrets)
	}},
	{"SetPresence", []string{"store", "clock"}, func(p ports) { command.NewSetAgentPresenceHandler(p.store, p.clock, nil) }},
	{"IssueToken", []string{"store", "clock", "secrets"}, func(p ports) { command.NewIssueTokenHandler(p.store, p.clock, p.secrets) }},
	{"CustomerTier", []string{"store", "clock"}, func(p ports) { command.NewChangeCustomerTierHandler(p.store, p.clock, nil) }},
	{"FindByNumber", []string{"store", "secrets"}, func(p ports) { auth.NewFindTicketByNumberHandler(p.store, p.secrets) }},
	{"Commands", []string{"store", "clock", "secrets"}, func(p ports) {
		command.NewCommands(command.Config{Store: p.store, Clock: p.clock, Secrets: p.secrets})
	}},
}

// TestConstructorsRefuseNilPorts: every handler is built on the ports it uses and panics,
// naming the port, when one it needs is nil; with all of them (and no cache, no router)
// it is built.
func TestConstructorsRefuseNilPorts(t *testing.T) {
	secrets, err := auth.NewSecrets(make([]byte, 32))
	if err != nil {
		t.Fatal(err)
	}
	all := ports{store: memstore.New(), clock: application.SystemClock{}, secrets: secrets}
	for _, c := range constructors {
		if p := panicOf(func() { c.build(all) }); p != "" {
			t.Errorf("%s with every port: panic %q", c.name, p)
		}
		for _, missing := range c.required {
			p := all
			switch missing {
			case "store":
				p.store = nil
			case "clock":
				p.clock = nil
			case "secrets":
				p.secrets = nil
			}
			got := panicOf(func() { c.build(p) })
			if !strings.Contains(got, "nil") || !strings.Contains(got, strings.TrimSuffix(missing, "s")) {
				t.Errorf("%s without %s: panic %q, want one naming the nil %s", c.name, missing, got, missing)
			}
		}
	}
}

// panicOf runs f and returns what it panicked with, as text, or "" when it did not.
func panicOf(f func()) (msg string) {
	defer func() {
		if r := recover(); r != nil {
			msg, _ = r.(string)
			if msg == "" {
				msg = "non-string panic"
			}
		}
	}()
	f()
	return ""
}
