package auth

// Role is what a bearer token may do.
type Role string

// Roles of API.md.
const (
	RoleAdmin      Role = "admin"
	RoleSupervisor Role = "supervisor"
	RoleAgent      Role = "agent"
	RoleAuditor    Role = "auditor"
	RoleAnalyst    Role = "analyst"
)

// Principal is who a request acts as.
type Principal struct {
	Role    Role
	Subject string // the agent's id for agents; free text (a name, a system) otherwise
}

// Actor is how the principal appears in event metadata.
func (p Principal) Actor() string {
	if p.Subject == "" {
		return string(p.Role)
	}
	return string(p.Role) + ":" + p.Subject
}
