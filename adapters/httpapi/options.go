package httpapi

import (
	"fmt"

	"github.com/ticketengine/ticketengine/application"
)

// check refuses Options without a required dependency, so a wiring mistake fails at start
// with its name instead of as a nil dereference on the first request.
func (o Options) check() error {
	for _, req := range []struct {
		name    string
		missing bool
	}{
		{"Commands", o.Commands == nil},
		{"Store", o.Store == nil},
		{"Auth", o.Auth == nil},
		{"Registry", o.Registry == nil},
	} {
		if req.missing {
			return fmt.Errorf("%w: httpapi.Options.%s is required", application.ErrConfig, req.name)
		}
	}
	return nil
}
