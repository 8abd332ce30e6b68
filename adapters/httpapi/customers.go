package httpapi

import (
	"context"
	"net/http"

	"github.com/google/uuid"
	"github.com/gorilla/mux"

	"github.com/ticketengine/ticketengine/application/access"
	"github.com/ticketengine/ticketengine/application/command"
	"github.com/ticketengine/ticketengine/application/query"
	"github.com/ticketengine/ticketengine/domain"
	"github.com/ticketengine/ticketengine/projections"
)

// CustomerReads is the read side of customer records: *projections.Service implements
// it. A ReadSide without it serves no customer routes.
type CustomerReads interface {
	Customer(ctx context.Context, ref string) (projections.CustomerView, error)
	CustomersByEmail(ctx context.Context, email string) ([]projections.CustomerView, error)
	CustomerTicketsPage(ctx context.Context, ref string, limit int, cursor string) ([]query.TicketView, string, error)
	ResolveCustomer(ctx context.Context, ref string) (uuid.UUID, error)
	ErasureTickets(ctx context.Context, id uuid.UUID) ([]uuid.UUID, error)
}

var _ CustomerReads = (*projections.Service)(nil)

type tierRequest struct {
	Tier domain.Tier `json:"tier"`
}

// customerRoutes registers the routes of customer records (docs/API.md, "Customers").
func (s *Server) customerRoutes(r *mux.Router) {
	c, ok := s.ReadSide.(CustomerReads)
	if !ok {
		return
	}
	s.staffRoute(r, http.MethodGet, "/customers", "", access.GetCustomer, func(w http.ResponseWriter, r *http.Request) {
		email, phone := r.URL.Query().Get("email"), r.URL.Query().Get("phone")
		items, err := findCustomers(r.Context(), c, email, phone)
		if err != nil {
			s.writeProblem(w, r, err)
			return
		}
		writeJSON(w, http.StatusOK, listPage{Items: items})
	})
	s.staffRoute(r, http.MethodGet, "/customers/{id}", "", access.GetCustomer, func(w http.ResponseWriter, r *http.Request) {
		v, err := c.Customer(r.Context(), mux.Vars(r)["id"])
		if err != nil {
			s.writeProblem(w, r, err)
			return
		}
		writeJSON(w, http.StatusOK, v)
	})
	s.staffRoute(r, http.MethodGet, "/customers/{id}/tickets", "", access.GetCustomer, func(w http.ResponseWriter, r *http.Request) {
		limit, err := limitParam(r)
		var items []query.TicketView
		var next string
		if err == nil {
			items, next, err = c.CustomerTicketsPage(r.Context(), mux.Vars(r)["id"], limit, r.URL.Query().Get("cursor"))
		}
		if err != nil {
			s.writeProblem(w, r, err)
			return
		}
		writeJSON(w, http.StatusOK, listPage{Items: items, Next: next})
	})
	s.staffRoute(r, http.MethodPost, "/customers/{id}/tier", string(access.ChangeCustomerTier), access.ChangeCustomerTier,
		func(w http.ResponseWriter, r *http.Request) { s.changeCustomerTier(w, r, c) })
	s.staffRoute(r, http.MethodPost, "/customers/{id}/erase", string(access.EraseCustomer), access.EraseCustomer,
		func(w http.ResponseWriter, r *http.Request) { s.eraseCustomer(w, r, c) })
}

// eraseCustomer erases the customer of record {id} (command.EraseCustomer), with the
// tickets the read side lists for it, then answers the record as GET /customers/{id}
// shows it: its personal fields empty and "erased": true.
func (s *Server) eraseCustomer(w http.ResponseWriter, r *http.Request, c CustomerReads) {
	var req struct{}
	meta, err := decodeCommand(w, r, principal(r), &req, true)
	var v projections.CustomerView
	if err == nil {
		v, err = c.Customer(r.Context(), mux.Vars(r)["id"])
	}
	var tickets []uuid.UUID
	if err == nil {
		tickets, err = c.ErasureTickets(r.Context(), v.ID)
	}
	if err == nil {
		_, err = s.Commands.EraseCustomer.Handle(r.Context(), command.EraseCustomer{CustomerID: v.ID, Tickets: tickets}, meta)
	}
	if err == nil {
		v, err = c.Customer(r.Context(), v.ID.String())
	}
	if err != nil {
		s.writeProblem(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, v)
}

// changeCustomerTier records the change on the record {id} names, then answers the
// record as GET /customers/{id} shows it.
func (s *Server) changeCustomerTier(w http.ResponseWriter, r *http.Request, c CustomerReads) {
	var req tierRequest
	meta, err := decodeCommand(w, r, principal(r), &req, false)
	var v projections.CustomerView
	if err == nil {
		v, err = c.Customer(r.Context(), mux.Vars(r)["id"])
	}
	if err == nil {
		var rec domain.CustomerRecordState
		rec, err = s.Commands.CustomerTier.Handle(r.Context(), command.ChangeCustomerTier{CustomerID: v.ID, Tier: req.Tier, Adopt: v.Adoption()}, meta)
		v.Tier = rec.Tier
	}
	if err != nil {
		s.writeProblem(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, v)
}
