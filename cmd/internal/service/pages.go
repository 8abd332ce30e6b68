package service

import (
	"net/http"

	"github.com/ticketengine/ticketengine/adapters/web"
)

// WithPages is the engine's top handler: the pages (adapters/web, with customers as the
// help center's application port) beside the API. Build uses it with the commands as
// main has them; a test may give customers with more features.
func (s *Service) WithPages(api http.Handler, customers web.Customers) (http.Handler, error) {
	if s.ReadSide == nil {
		return api, nil // no read side (ticketctl): no pages
	}
	o := web.Options{Customers: customers, Tickets: s.ReadSide, Logger: s.Log,
		PortalLimiter: s.limiters.portal, OpenLimiter: s.limiters.open, Pseudonyms: s.Secrets, Proxies: s.proxies}
	s.ManagerPages(&o)
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
