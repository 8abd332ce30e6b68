package service

import (
	"net/http"
	"strings"

	"github.com/ticketengine/ticketengine/adapters/web"
)

// WithPages is the engine's top handler: the pages (adapters/web, with customers as the
// help center's application port, and the desk on the application's commands and read
// side) beside the API. Build uses it with the commands as
// main has them; a test may give customers with more features.
func (s *Service) WithPages(api http.Handler, customers web.Customers) (http.Handler, error) {
	if s.ReadSide == nil {
		return api, nil // no read side (ticketctl): no pages
	}
	// The desk's sessions are in PostgreSQL when the node shares it, else in this process
	// (sessions.go).
	o := web.Options{Customers: customers, Tickets: s.ReadSide, Logger: s.Log,
		PortalLimiter: s.limiters.portal, OpenLimiter: s.limiters.open, UploadLimiter: s.limiters.upload,
		VoteLimiter: s.limiters.vote, Pseudonyms: s.Secrets, Proxies: s.proxies,
		SignInAccountLimiter: s.limiters.signInAccount, SignInClientLimiter: s.limiters.signInClient,
		Desk: web.CommandDesk{Store: s.Store, Read: s.ReadSide, Commands: s.Commands, Attachments: s.Attachments, Clock: s.ReadSide.Clock,
			Accounts: &web.AccountCache{}},
		SessionStore: s.sessions, SecureCookies: strings.HasPrefix(s.Config.Policies.PublicURL, "https://")}
	s.ManagerPages(&o)
	if s.Commands != nil {
		o.StaffAdmin = web.CommandStaffAdmin{Read: s.ReadSide, Commands: s.Commands}
		o.Knowledge = web.CommandKnowledge{Store: s.Store, Read: s.ReadSide, Commands: s.Commands}
	}
	pages, err := web.New(o)
	if err != nil {
		return nil, err
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if web.Owns(r.URL.Path) {
			pages.ServeHTTP(w, r)
			return
		}
		api.ServeHTTP(w, r)
	}), nil
}
