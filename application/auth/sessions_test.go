package auth_test

import (
	"testing"

	"github.com/ticketengine/ticketengine/application/auth"
	"github.com/ticketengine/ticketengine/application/auth/sessiontest"
)

// TestMemorySessionsConformance: the in-process store passes the sessions' suite.
func TestMemorySessionsConformance(t *testing.T) {
	sessiontest.Run(t, func(t *testing.T, l sessiontest.Lifetimes) auth.Sessions {
		s := auth.NewMemorySessions()
		s.Now, s.Idle, s.Absolute = l.Now, l.Idle, l.Absolute
		return s
	})
}
