package web

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/application/access"
	"github.com/ticketengine/ticketengine/application/command"
	"github.com/ticketengine/ticketengine/domain"
	"github.com/ticketengine/ticketengine/domain/errs"
	"github.com/ticketengine/ticketengine/projections"
)

// ticketView is a ticket as its page shows it.
type ticketView struct {
	Number, Code, Subject, Assignee, Due string
	Status                               domain.Status
	Version                              int64
	Verified, CanReply, CanRate, Opened  bool
	Timeline                             []entryView
}

type entryView struct {
	At, Kind, Text string
	Customer       bool // written by the customer (shown on the other side)
	Files          []fileView
}

// fileView is an attachment of a timeline entry, downloaded from the help center.
type fileView struct {
	ID, Filename, Size string
}

func newFileViews(atts []projections.AttachmentView) []fileView {
	out := make([]fileView, 0, len(atts))
	for _, a := range atts {
		out = append(out, fileView{ID: a.ID, Filename: a.Filename, Size: size(a.Size)})
	}
	return out
}

// size is a file's size as people read it (units are the same in both languages).
func size(n int64) string {
	switch {
	case n >= 1<<20:
		return strconv.FormatFloat(float64(n)/(1<<20), 'f', 1, 64) + " MB"
	case n >= 1<<10:
		return strconv.FormatInt((n+512)>>10, 10) + " KB"
	default:
		return strconv.FormatInt(n, 10) + " B"
	}
}

// find is the look-up of every ticket page: by number and access code, throttled per
// client address like the API's portal (the same limiter); a wrong code and an unknown
// number are the same 404 and count as failed look-ups.
func (s *Server) find(r *http.Request) (uuid.UUID, error) {
	addr := s.clientAddr(r)
	if !s.PortalLimiter.Allow(addr) {
		return uuid.Nil, access.ErrRateLimited
	}
	id, err := s.Customers.Find(r.Context(), r.PathValue("number"), queryValue(r, "code"))
	if err != nil {
		s.PortalLimiter.Failed(addr)
		return uuid.Nil, err
	}
	return id, nil
}

// ticket is GET /help/tickets/{number}?code=: status, expected resolution, the public
// timeline, the reply form, and the rating form once resolved.
func (s *Server) ticket(w http.ResponseWriter, r *http.Request) {
	minVersion, err := strconv.ParseInt(r.URL.Query().Get("min_version"), 10, 64)
	if err != nil || minVersion < 0 {
		minVersion = -1
	}
	id, err := s.find(r)
	var v projections.PortalView
	if err == nil {
		v, err = s.Tickets.Portal(r.Context(), id, minVersion)
	}
	if err != nil {
		s.failWith(w, r, err)
		return
	}
	p := s.newPage(r, "ticket.title")
	p.Ticket = newTicketView(v, queryValue(r, "code"))
	p.Ticket.Opened = r.URL.Query().Get("opened") == "1"
	s.render(w, r, http.StatusOK, "ticket", p)
}

func newTicketView(v projections.PortalView, code string) *ticketView {
	t := &ticketView{Number: v.Number, Code: code, Subject: v.Subject, Status: v.Status, Version: v.Version,
		Due: when(time.Time(v.ExpectedResolutionBy)), Verified: v.Verified, CanReply: v.Status != domain.StatusClosed}
	if v.AssigneeName != nil {
		t.Assignee = *v.AssigneeName
	}
	resolvedAt, ratedAt := -1, -1
	for i, e := range v.Timeline {
		t.Timeline = append(t.Timeline, entryView{At: when(time.Time(e.At)), Kind: e.Kind, Text: e.Text, Files: newFileViews(e.Attachments),
			Customer: e.Kind == projections.KindReceived || e.Kind == projections.KindCustomerReply || e.Kind == projections.KindRating})
		switch e.Kind {
		case projections.KindResolved:
			resolvedAt = i
		case projections.KindRating:
			ratedAt = i
		}
	}
	// Rated once per resolution: the form shows after a resolution not yet rated.
	t.CanRate = (v.Status == domain.StatusResolved || v.Status == domain.StatusClosed) && ratedAt < resolvedAt
	return t
}

// reply is POST /help/tickets/{number}/replies?code=.
func (s *Server) reply(w http.ResponseWriter, r *http.Request) {
	s.ticketCommand(w, r, func(ctx context.Context, id uuid.UUID, f form, m command.CommandMeta) (command.TicketResult, error) {
		return s.Customers.Reply(ctx, id, Reply{Body: f.values["body"], Attachments: f.files["attachments"]}, m)
	})
}

// rate is POST /help/tickets/{number}/rating?code=.
func (s *Server) rate(w http.ResponseWriter, r *http.Request) {
	s.ticketCommand(w, r, func(ctx context.Context, id uuid.UUID, f form, m command.CommandMeta) (command.TicketResult, error) {
		score, err := f.intField("score")
		if err != nil {
			return command.TicketResult{}, err
		}
		if score == nil {
			return command.TicketResult{}, invalid("score", "is required")
		}
		nps, err := f.intField("nps")
		if err != nil {
			return command.TicketResult{}, err
		}
		return s.Customers.Rate(ctx, id, Rating{Score: *score, NPS: nps, Comment: f.values["comment"]}, m)
	})
}

// ticketCommand runs one of the customer's commands on the ticket found by number and
// code, then goes back to the ticket's page (at the new version). A refused field shows
// the page again with the reason.
func (s *Server) ticketCommand(w http.ResponseWriter, r *http.Request,
	run func(context.Context, uuid.UUID, form, command.CommandMeta) (command.TicketResult, error)) {
	id, err := s.find(r)
	var f form
	if err == nil {
		f, err = s.readForm(w, r)
	}
	var res command.TicketResult
	if err == nil {
		res, err = run(r.Context(), id, f, meta(access.Customer))
	}
	switch {
	case err == nil:
		http.Redirect(w, r, ticketURL(res.Ticket.Number, queryValue(r, "code"), res.Ticket.Version), http.StatusSeeOther)
	case errs.KindOf(err) == errs.Validation:
		s.refused(w, r, id, f, err)
	default:
		s.failWith(w, r, err)
	}
}

// refused shows the ticket's page again with the fields a form got wrong.
func (s *Server) refused(w http.ResponseWriter, r *http.Request, id uuid.UUID, f form, cause error) {
	v, err := s.Tickets.Portal(r.Context(), id, -1)
	if err != nil {
		s.failWith(w, r, err)
		return
	}
	p := s.newPage(r, "ticket.title")
	p.Ticket = newTicketView(v, queryValue(r, "code"))
	p.Errors, p.Form = fieldMessages(cause), f.values
	s.render(w, r, http.StatusUnprocessableEntity, "ticket", p)
}
