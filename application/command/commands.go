package command

import (
	"github.com/ticketengine/ticketengine/application"
	"github.com/ticketengine/ticketengine/application/auth"
	"github.com/ticketengine/ticketengine/application/erasure"
	"github.com/ticketengine/ticketengine/application/eventlog"
	"github.com/ticketengine/ticketengine/domain"
)

// Commands bundles one handler per command, for the adapters that drive them (HTTP,
// policies, the load generator's in-process mode).
type Commands struct {
	Receive       ReceiveTicketHandler
	Classify      ClassifyTicketHandler
	Reprioritize  ReprioritizeTicketHandler
	Assign        AssignTicketHandler
	Escalate      EscalateTicketHandler
	Reply         ReplyToTicketHandler
	Wait          WaitOnCustomerHandler
	Resolve       ResolveTicketHandler
	Reopen        ReopenTicketHandler
	Close         CloseTicketHandler
	CustomerReply CustomerReplyHandler
	// AutoMessage keeps an auto-reply or bounce that came in (application/inbound).
	AutoMessage   RecordAutoMessageHandler
	Rate          RateTicketHandler
	CheckSLA      CheckSLAHandler
	CheckStage    CheckStageHandler
	RegisterAgent RegisterAgentHandler
	SetPresence   SetAgentPresenceHandler
	IssueToken    IssueTokenHandler
	RevokeToken   RevokeTokenHandler
	// Staff accounts (POST /staff, passwords, profiles, deactivation).
	CreateStaff    CreateStaffHandler
	ChangePassword ChangePasswordHandler
	ChangeProfile  ChangeAgentProfileHandler
	Deactivate     DeactivateAccountHandler
	Reactivate     ReactivateAccountHandler
	ReleaseTickets ReleaseAgentTicketsHandler
	PassShift      PassShiftBoundaryHandler // a roster's shift boundary (presence follows the roster)
	CustomerTier   ChangeCustomerTierHandler
	// VerifyCustomer confirms a self-service ticket's address (POST /portal/tickets).
	VerifyCustomer VerifyTicketCustomerHandler
	// Tags and macros (POST /tickets/{id}/tags, /macros, /tickets/{id}/macros/{macro_id}).
	Tags        ChangeTicketTagsHandler
	CreateMacro CreateMacroHandler
	UpdateMacro UpdateMacroHandler
	DeleteMacro DeleteMacroHandler
	ApplyMacro  ApplyMacroHandler
	// EraseCustomer erases a customer's personal data (POST /customers/{id}/erase).
	EraseCustomer EraseCustomerHandler
	// Articles are the knowledge base's commands (POST /articles…, /tickets/{id}/article).
	Articles ArticleCommands
	// FindByNumber is the portal's look-up, not a command: it writes nothing.
	FindByNumber auth.FindTicketByNumberHandler
}

// Config is what NewCommands builds the set on. Store, Clock and Secrets are required;
// the set's handlers share one stream cache.
type Config struct {
	Store   eventlog.EventStore
	Clock   application.Clock
	Policy  domain.SLAPolicy
	Secrets *auth.Secrets
	// Router picks an agent for {"auto":true}; nil means auto-assignment is unavailable.
	Router AgentPicker
	// StreamCacheSize is how many streams' folded states the set keeps (an LRU shared by
	// its handlers), so that a command reads and folds only the records after the cached
	// version; 0 keeps none. See StreamCache.
	StreamCacheSize int
	// Keys keeps the customers' data keys: with it, the personal fields of customer
	// records are sealed in the event log (application/erasure); nil keeps them in plain.
	Keys erasure.KeyStore
	// ForgetTokens drops this node's cached token principals after a revocation
	// (auth.Authenticator.Forget); nil when nothing caches them.
	ForgetTokens func()
}

// NewCommands builds every handler on c's ports, each given only those it uses, and on
// one stream cache of c.StreamCacheSize streams. It panics when Store, Clock or Secrets
// is nil.
func NewCommands(c Config) *Commands {
	st, ck, cache, pol := c.Store, c.Clock, NewStreamCache(c.StreamCacheSize), c.Policy
	revoke := NewRevokeTokenHandler(st, ck, c.Secrets, c.ForgetTokens)
	release := NewReleaseAgentTicketsHandler(st, ck, cache, nil)
	return &Commands{
		Receive:       NewReceiveTicketHandler(st, ck, cache, pol, c.Secrets).WithKeys(c.Keys),
		Classify:      NewClassifyTicketHandler(st, ck, cache, pol),
		Reprioritize:  NewReprioritizeTicketHandler(st, ck, cache, pol),
		Assign:        NewAssignTicketHandler(st, ck, cache, c.Router),
		Escalate:      NewEscalateTicketHandler(st, ck, cache, pol),
		Reply:         NewReplyToTicketHandlerUnder(st, ck, cache, pol),
		Wait:          NewWaitOnCustomerHandler(st, ck, cache),
		Resolve:       NewResolveTicketHandlerUnder(st, ck, cache, pol),
		Reopen:        NewReopenTicketHandler(st, ck, cache, pol),
		Close:         NewCloseTicketHandler(st, ck, cache),
		CustomerReply: NewCustomerReplyHandler(st, ck, cache, pol),
		AutoMessage:   NewRecordAutoMessageHandler(st, ck, cache),
		Rate:          NewRateTicketHandler(st, ck, cache),
		CheckSLA:      NewCheckSLAHandler(st, ck, cache, pol),
		CheckStage:    NewCheckStageHandler(st, ck, cache, pol),
		RegisterAgent: NewRegisterAgentHandler(st, ck, cache, c.Secrets),
		SetPresence:   NewSetAgentPresenceHandler(st, ck, cache),
		IssueToken:    NewIssueTokenHandler(st, ck, c.Secrets),
		RevokeToken:   revoke,

		CreateStaff:    NewCreateStaffHandler(st, ck, cache),
		ChangePassword: NewChangePasswordHandler(st, ck, cache),
		ChangeProfile:  NewChangeAgentProfileHandler(st, ck, cache),
		Deactivate:     NewDeactivateAccountHandler(st, ck, cache, revoke, release),
		Reactivate:     NewReactivateAccountHandler(st, ck, cache),
		ReleaseTickets: release,
		PassShift:      NewPassShiftBoundaryHandler(st, ck, cache),
		CustomerTier:   NewChangeCustomerTierHandler(st, ck, cache).WithKeys(c.Keys),
		FindByNumber:   auth.NewFindTicketByNumberHandler(st, c.Secrets),

		EraseCustomer:  NewEraseCustomerHandler(st, ck, cache, c.Keys),
		VerifyCustomer: NewVerifyTicketCustomerHandler(st, ck, cache, pol, c.Secrets).WithKeys(c.Keys),
		Tags:           NewChangeTicketTagsHandler(st, ck, cache),
		CreateMacro:    NewCreateMacroHandler(st, ck, cache),
		UpdateMacro:    NewUpdateMacroHandler(st, ck, cache),
		DeleteMacro:    NewDeleteMacroHandler(st, ck, cache),
		ApplyMacro:     NewApplyMacroHandler(st, ck, cache, pol),
		Articles:       NewArticleCommands(st, ck, cache),
	}
}

// WithReadModels gives the handlers that find things in read models their finders,
// once the read side is built (after the commands): deactivation finds the account's
// tokens and open tickets with them.
func (c *Commands) WithReadModels(tokens TokensOf, tickets AssignedTickets) {
	c.Deactivate = c.Deactivate.WithFinders(tokens, tickets)
	c.ReleaseTickets = c.ReleaseTickets.WithTickets(tickets)
}
