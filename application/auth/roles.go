package auth

import "github.com/ticketengine/ticketengine/application/access"

// Role and Principal live with the access rules in application/access; these aliases keep
// the names the commands and adapters use.
type (
	Role      = access.Role
	Principal = access.Principal
)

// Roles of API.md.
const (
	RoleAdmin      = access.RoleAdmin
	RoleSupervisor = access.RoleSupervisor
	RoleAgent      = access.RoleAgent
	RoleAuditor    = access.RoleAuditor
	RoleAnalyst    = access.RoleAnalyst
)
