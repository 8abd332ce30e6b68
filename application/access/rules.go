package access

import "fmt"

// Action is one command or query of the engine, as the rules name it.
type Action string

// The actions. Ticket commands act on any ticket (there is no ownership of tickets);
// portal actions are the customer's, proven by the ticket's number and access code.
const (
	Receive  Action = "receive"
	Classify Action = "classify"
	Assign   Action = "assign"
	Escalate Action = "escalate"
	Reply    Action = "reply"
	Note     Action = "note" // a reply that is not public
	Wait     Action = "wait"
	Resolve  Action = "resolve"
	Reopen   Action = "reopen"
	Close    Action = "close"

	PortalView  Action = "portal_view"
	PortalReply Action = "customer_reply"
	PortalRate  Action = "rate"
	// Self-service: anyone opens a ticket (rate-limited per client address) and confirms
	// its address with the token mailed to it.
	PortalOpen    Action = "portal_open"
	PortalConfirm Action = "portal_confirm"

	GetTicket    Action = "get_ticket"
	TicketAsOf   Action = "ticket_as_of" // GET /tickets/{id}?as_of=: history is the auditors'
	TicketEvents Action = "ticket_events"
	Queues       Action = "queues"
	KPI          Action = "kpi"
	ListAgents   Action = "list_agents"
	GetAgent     Action = "get_agent"
	// The conversation, internal notes included, and the list of every ticket: staff.
	TicketMessages Action = "ticket_messages"
	ListTickets    Action = "list_tickets"

	RegisterAgent Action = "register_agent"
	SetPresence   Action = "presence"
	IssueToken    Action = "issue_token"
	Rebuild       Action = "rebuild"

	// Customer records: staff read them; a supervisor or admin changes a record's tier.
	GetCustomer        Action = "get_customer"
	ChangeCustomerTier Action = "change_customer_tier"
	// EraseCustomer erases a customer's personal data (PIPL, GDPR): admin only.
	EraseCustomer Action = "erase_customer"
)

// Rule is who may do one action. Of the roles, those in OwnOnly act only on themselves:
// the target's id must be their subject.
type Rule struct {
	Roles   []Role
	OwnOnly []Role
}

// Role sets of the rules.
var (
	commandRoles = []Role{RoleAdmin, RoleSupervisor, RoleAgent}
	staffRoles   = []Role{RoleAdmin, RoleSupervisor, RoleAgent, RoleAuditor, RoleAnalyst}
	auditRoles   = []Role{RoleAdmin, RoleSupervisor, RoleAuditor}
	analystRoles = []Role{RoleAdmin, RoleSupervisor, RoleAnalyst}
	managerRoles = []Role{RoleAdmin, RoleSupervisor}
	adminRoles   = []Role{RoleAdmin}
	customer     = []Role{RoleCustomer}
)

// rules is the whole policy: any agent may act on any ticket; auditors and analysts only
// read; an agent sets only its own presence; the customer only uses the portal.
var rules = map[Action]Rule{
	Receive: {Roles: commandRoles}, Classify: {Roles: commandRoles}, Assign: {Roles: commandRoles},
	Escalate: {Roles: commandRoles}, Reply: {Roles: commandRoles}, Note: {Roles: commandRoles},
	Wait: {Roles: commandRoles}, Resolve: {Roles: commandRoles}, Reopen: {Roles: commandRoles},
	Close: {Roles: commandRoles},

	PortalView: {Roles: customer}, PortalReply: {Roles: customer}, PortalRate: {Roles: customer},
	PortalOpen: {Roles: customer}, PortalConfirm: {Roles: customer},

	GetTicket: {Roles: staffRoles}, TicketAsOf: {Roles: auditRoles}, TicketEvents: {Roles: auditRoles},
	Queues: {Roles: staffRoles}, KPI: {Roles: analystRoles}, ListAgents: {Roles: staffRoles},
	GetAgent: {Roles: staffRoles}, TicketMessages: {Roles: staffRoles}, ListTickets: {Roles: staffRoles},

	RegisterAgent: {Roles: managerRoles},
	SetPresence:   {Roles: commandRoles, OwnOnly: []Role{RoleAgent}},
	IssueToken:    {Roles: adminRoles},
	Rebuild:       {Roles: adminRoles},

	GetCustomer: {Roles: staffRoles}, ChangeCustomerTier: {Roles: managerRoles},
	EraseCustomer: {Roles: adminRoles},
}

// Actions lists every action (for tables and their tests).
func Actions() []Action {
	out := make([]Action, 0, len(rules))
	for a := range rules {
		out = append(out, a)
	}
	return out
}

// RuleOf returns the rule of an action; ok is false for an action the engine does not have.
func RuleOf(a Action) (r Rule, ok bool) {
	r, ok = rules[a]
	return r, ok
}

// Authorize returns nil when the principal's role may do the action at all, else an
// ErrUnauthorized (anonymous) or ErrForbidden. For an action with an OwnOnly rule it
// answers for the role; call AuthorizeOn once the target is known.
func Authorize(p Principal, a Action) error {
	r, ok := rules[a]
	if !ok {
		return fmt.Errorf("%w: no such action %q", ErrForbidden, a)
	}
	if p.Role == "" {
		return ErrUnauthorized
	}
	if !has(r.Roles, p.Role) {
		return fmt.Errorf("%w: role %s may not %s", ErrForbidden, p.Role, a)
	}
	return nil
}

// AuthorizeOn is Authorize on a target (an agent's id): roles in the rule's OwnOnly may
// act only when the target is their own subject.
func AuthorizeOn(p Principal, a Action, target string) error {
	if err := Authorize(p, a); err != nil {
		return err
	}
	if has(rules[a].OwnOnly, p.Role) && p.Subject != target {
		return fmt.Errorf("%w: role %s may %s only on itself", ErrForbidden, p.Role, a)
	}
	return nil
}

func has(roles []Role, r Role) bool {
	for _, x := range roles {
		if x == r {
			return true
		}
	}
	return false
}
