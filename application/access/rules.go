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
	HotIssues    Action = "hot_issues" // GET /reports/hot and the desk's hot issues
	ListAgents   Action = "list_agents"
	GetAgent     Action = "get_agent"
	// The conversation, internal notes included, and the list of every ticket: staff.
	TicketMessages Action = "ticket_messages"
	ListTickets    Action = "list_tickets"

	RegisterAgent Action = "register_agent"
	SetPresence   Action = "presence"
	IssueToken    Action = "issue_token"
	Rebuild       Action = "rebuild"

	// Staff accounts (docs/API-NOTES.md "Staff accounts"): managers read and deactivate
	// them; an admin creates them; any account changes its own password (with the old
	// one), an admin anyone's. Tokens are listed and revoked by admins.
	ListStaff         Action = "list_staff"
	CreateStaff       Action = "create_staff"
	ChangePassword    Action = "change_password"
	ChangeAgent       Action = "change_agent"
	ListShifts        Action = "list_shifts" // GET /shifts: who is on shift when
	DeactivateAccount Action = "deactivate_account"
	ReactivateAccount Action = "reactivate_account"
	ListTokens        Action = "list_tokens"
	RevokeToken       Action = "revoke_token"

	// Customer records: staff read them; a supervisor or admin changes a record's tier.
	GetCustomer        Action = "get_customer"
	ChangeCustomerTier Action = "change_customer_tier"

	// Attachments: staff who write messages upload; staff read any file. The customer
	// uploads on their ticket, anyone before opening one (rate-limited), and the customer
	// reads the files of their ticket's public messages.
	UploadAttachment Action = "upload_attachment"
	GetAttachment    Action = "get_attachment"
	PortalUpload     Action = "portal_upload"
	PortalOpenUpload Action = "portal_open_upload"
	PortalAttachment Action = "portal_attachment"
	// Tags and macros: commands roles tag tickets and apply macros; staff read the
	// macros; a supervisor or admin keeps them.
	Tag         Action = "tag"
	ListMacros  Action = "list_macros"
	SaveMacro   Action = "save_macro"
	DeleteMacro Action = "delete_macro"
	ApplyMacro  Action = "apply_macro"
	// EraseCustomer erases a customer's personal data (PIPL, GDPR): admin only.
	EraseCustomer Action = "erase_customer"

	// The knowledge base: commands roles draft, revise and submit articles (also from a
	// resolved ticket); a supervisor or admin approves, publishes and archives; staff read
	// articles of any status and a ticket's similar tickets and articles; anyone reads the
	// published articles and says whether one helped.
	CreateArticle     Action = "create_article"
	ReviseArticle     Action = "revise_article"
	SubmitArticle     Action = "submit_article"
	ApproveArticle    Action = "approve_article"
	PublishArticle    Action = "publish_article"
	ArchiveArticle    Action = "archive_article"
	ArticleFromTicket Action = "article_from_ticket"
	ListArticles      Action = "list_articles"
	SimilarTickets    Action = "similar_tickets"
	PortalArticles    Action = "portal_articles"
	ArticleFeedback   Action = "article_feedback"
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
	Queues: {Roles: staffRoles}, KPI: {Roles: analystRoles}, HotIssues: {Roles: analystRoles}, ListAgents: {Roles: staffRoles},
	GetAgent: {Roles: staffRoles}, TicketMessages: {Roles: staffRoles}, ListTickets: {Roles: staffRoles},

	RegisterAgent: {Roles: managerRoles},
	SetPresence:   {Roles: commandRoles, OwnOnly: []Role{RoleAgent}},
	IssueToken:    {Roles: adminRoles},
	Rebuild:       {Roles: adminRoles},

	ListStaff: {Roles: managerRoles}, CreateStaff: {Roles: adminRoles},
	ChangePassword: {Roles: staffRoles, OwnOnly: []Role{RoleSupervisor, RoleAgent, RoleAuditor, RoleAnalyst}},
	ChangeAgent:    {Roles: managerRoles}, DeactivateAccount: {Roles: managerRoles}, ReactivateAccount: {Roles: managerRoles},
	ListTokens: {Roles: adminRoles}, RevokeToken: {Roles: adminRoles},

	GetCustomer: {Roles: staffRoles}, ChangeCustomerTier: {Roles: managerRoles},

	UploadAttachment: {Roles: commandRoles}, GetAttachment: {Roles: staffRoles},
	PortalUpload: {Roles: customer}, PortalOpenUpload: {Roles: customer}, PortalAttachment: {Roles: customer},
	Tag: {Roles: commandRoles}, ApplyMacro: {Roles: commandRoles}, ListMacros: {Roles: staffRoles},
	SaveMacro: {Roles: managerRoles}, DeleteMacro: {Roles: managerRoles},
	EraseCustomer: {Roles: adminRoles},

	CreateArticle: {Roles: commandRoles}, ReviseArticle: {Roles: commandRoles}, SubmitArticle: {Roles: commandRoles},
	ApproveArticle: {Roles: managerRoles}, PublishArticle: {Roles: managerRoles}, ArchiveArticle: {Roles: managerRoles},
	ArticleFromTicket: {Roles: commandRoles}, ListArticles: {Roles: staffRoles}, SimilarTickets: {Roles: staffRoles},
	PortalArticles: {Roles: customer}, ArticleFeedback: {Roles: customer},
	ListShifts: {Roles: managerRoles},
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
