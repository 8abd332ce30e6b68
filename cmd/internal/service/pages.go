package service

import (
	"net/http"
	"time"

	"github.com/ticketengine/ticketengine/adapters/web"
	"github.com/ticketengine/ticketengine/application/access"
)

// limiters are the per-client budgets of the customer's doors, shared by the API and the
// pages: a client refused on one is refused on the other.
type limiters struct {
	portal, open, upload *access.Limiter
}

func newLimiters() limiters {
	return limiters{portal: access.NewLimiter(20, time.Minute), open: access.NewLimiter(20, time.Minute),
		upload: access.NewLimiter(20, time.Minute)}
}

// WithPages is the engine's top handler: the pages (adapters/web, with customers as the
// help center's application port) beside the API. Build gives it the commands and the
// attachments (web.CommandCustomers); a test may give customers of its own.
func (s *Service) WithPages(api http.Handler, customers web.Customers) (http.Handler, error) {
	if s.ReadSide == nil {
		return api, nil // no read side (ticketctl): no pages
	}
	o := web.Options{Customers: customers, Tickets: s.ReadSide, Logger: s.Log,
		PortalLimiter: s.limiters.portal, OpenLimiter: s.limiters.open, UploadLimiter: s.limiters.upload,
		Pseudonyms: s.Secrets}
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
