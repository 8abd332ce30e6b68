// Package access says who may do what, and how hard a client may knock: the roles and
// principals, one rule per action (every command and query of the engine), and the
// per-client limiter of the portal. The HTTP adapter, the web pages and the mail intake
// all ask it, so the rules live once, beside the model. It imports only domain/errs.
package access

import "github.com/ticketengine/ticketengine/domain/errs"

// Role is what a principal may do.
type Role string

// Roles of API.md. RoleCustomer is never in a token: it is who acts on a ticket by its
// number and access code (the portal, later mail).
const (
	RoleAdmin      Role = "admin"
	RoleSupervisor Role = "supervisor"
	RoleAgent      Role = "agent"
	RoleAuditor    Role = "auditor"
	RoleAnalyst    Role = "analyst"
	RoleCustomer   Role = "customer"
)

// Principal is who a request acts as; the zero Principal is anonymous.
type Principal struct {
	Role    Role
	Subject string // the agent's id for agents; free text (a name, a system) otherwise
}

// Customer is the principal of a customer acting by a ticket's number and access code.
var Customer = Principal{Role: RoleCustomer}

// Actor is how the principal appears in event metadata.
func (p Principal) Actor() string {
	if p.Subject == "" {
		return string(p.Role)
	}
	return string(p.Role) + ":" + p.Subject
}

// ErrUnauthorized: no valid credentials (401).
var ErrUnauthorized = errs.E(errs.Unauthorized, "unauthorized")

// ErrForbidden: valid credentials, but the role may not do this (403).
var ErrForbidden = errs.E(errs.Forbidden, "forbidden")
