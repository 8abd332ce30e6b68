package application

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
	Rate          RateTicketHandler
	CheckSLA      CheckSLAHandler
	RegisterAgent RegisterAgentHandler
	SetPresence   SetAgentPresenceHandler
	IssueToken    IssueTokenHandler
	// FindByNumber is the portal's look-up, not a command: it writes nothing.
	FindByNumber FindTicketByNumberHandler
}

// NewCommands builds every handler on the same dependencies, and on one stream cache of
// d.StreamCacheSize streams.
func NewCommands(d Deps) *Commands {
	d.cache = newStreamCache(d.StreamCacheSize)
	return &Commands{
		Receive: NewReceiveTicketHandler(d), Classify: NewClassifyTicketHandler(d),
		Reprioritize: NewReprioritizeTicketHandler(d), Assign: NewAssignTicketHandler(d),
		Escalate: NewEscalateTicketHandler(d), Reply: NewReplyToTicketHandler(d),
		Wait: NewWaitOnCustomerHandler(d), Resolve: NewResolveTicketHandler(d),
		Reopen: NewReopenTicketHandler(d), Close: NewCloseTicketHandler(d),
		CustomerReply: NewCustomerReplyHandler(d), Rate: NewRateTicketHandler(d),
		CheckSLA: NewCheckSLAHandler(d), RegisterAgent: NewRegisterAgentHandler(d),
		SetPresence: NewSetAgentPresenceHandler(d), IssueToken: NewIssueTokenHandler(d),
		FindByNumber: NewFindTicketByNumberHandler(d),
	}
}
