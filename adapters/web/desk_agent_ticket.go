package web

import (
	"fmt"
	"net/http"
	"time"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/application"
	"github.com/ticketengine/ticketengine/domain/errs"
	"github.com/ticketengine/ticketengine/projections"
)

// deskTicketView is the ticket page's data.
type deskTicketView struct {
	DeskTicket
	ID                 uuid.UUID
	Open               bool
	FirstDue, ResDue   string // due times
	FirstLeft, ResLeft string // time left (negative: overdue), "" when the clock does not run
	Earlier            []deskRow
	Conflict, Refused  bool // someone changed the ticket first / the command is not possible now
	Priorities         []string
	// Similar are the ticket's similar resolved tickets and relevant articles (nil
	// without the knowledge base, or when they cannot be had: the page shows without).
	Similar *projections.SimilarResult
}

// deskTicket is GET /desk/tickets/{id}.
func (s *Server) deskTicket(w http.ResponseWriter, r *http.Request) {
	s.showTicket(w, r, http.StatusOK, nil)
}

// showTicket renders the ticket's page as it is now; when a form was refused, with the
// reason and what was typed (edit kept).
func (s *Server) showTicket(w http.ResponseWriter, r *http.Request, status int, refused *refusal) {
	id, err := uuid.Parse(r.PathValue("id"))
	if err != nil {
		s.failWith(w, r, application.ErrNotFound)
		return
	}
	t, err := s.Desk.Ticket(r.Context(), id)
	if err != nil {
		s.failWith(w, r, err)
		return
	}
	v := &deskTicketView{DeskTicket: t, ID: id, Open: statusOpen(t.Ticket.Status), Earlier: deskRows(t.Earlier),
		Priorities: []string{"P1", "P2", "P3", "P4"}}
	now, sla := time.Now(), t.Ticket.SLA
	if sla.FirstResponseRunning && !sla.Paused {
		v.FirstLeft = left(time.Time(sla.FirstResponseDue), now)
	}
	if sla.ResolutionRunning && !sla.Paused {
		v.ResLeft = left(time.Time(sla.ResolutionDue), now)
	}
	v.FirstDue, v.ResDue = when(time.Time(sla.FirstResponseDue)), when(time.Time(sla.ResolutionDue))
	p := s.agentPage(r, "desk.ticket.title")
	if refused != nil {
		p.Errors, p.Form = refused.fields, refused.form
		v.Conflict, v.Refused = refused.conflict, !refused.conflict && refused.fields == nil
	}
	v.Similar = s.similarFor(r, id)
	p.Desk = v
	s.render(w, r, status, "desk_ticket", p)
}

// left is the time from now to due as "1h05m", negative when overdue; "" without a due time.
func left(due, now time.Time) string {
	if due.IsZero() {
		return ""
	}
	d := due.Sub(now).Truncate(time.Minute)
	sign := ""
	if d < 0 {
		sign, d = "-", -d
	}
	return fmt.Sprintf("%s%dh%02dm", sign, int(d.Hours()), int(d.Minutes())%60)
}

// refusal is why a form on the ticket page was not applied.
type refusal struct {
	conflict bool // the version the form was sent at is not the ticket's any more
	fields   []fieldMessage
	form     map[string]string
}

// deskAct is POST /desk/tickets/{id}/{action}: one command, at the version the page
// showed (the form's version field, the API's If-Match). When the ticket changed
// meanwhile, the page shows its new state with a notice and keeps what was typed:
// nothing is overwritten.
func (s *Server) deskAct(w http.ResponseWriter, r *http.Request) {
	id, err := uuid.Parse(r.PathValue("id"))
	if err != nil {
		s.failWith(w, r, application.ErrNotFound)
		return
	}
	f, err := s.readDeskForm(w, r, maxUpload)
	if err != nil {
		s.failWith(w, r, err)
		return
	}
	u, _ := DeskUserOf(r.Context())
	m := meta(principalOf(u))
	v, err := f.intField("version")
	if err != nil || v == nil {
		s.showTicket(w, r, http.StatusUnprocessableEntity, &refusal{fields: []fieldMessage{{Field: "version"}}, form: f.values})
		return
	}
	expected := int64(*v)
	m.ExpectedVersion = &expected
	_, err = s.Desk.Act(r.Context(), u, id, DeskAction{Name: r.PathValue("action"), Fields: f.values, Files: f.files["attachments"]}, m)
	if err == nil {
		http.Redirect(w, r, deskTicketURL(id), http.StatusSeeOther)
		return
	}
	switch errs.KindOf(err) {
	case errs.Forbidden:
		s.fail(w, r, http.StatusForbidden, "error.forbidden")
		return
	case errs.PreconditionFailed, errs.Conflict:
		s.showTicket(w, r, http.StatusConflict, &refusal{conflict: true, form: f.values})
		return
	case errs.InvalidTransition:
		s.showTicket(w, r, http.StatusConflict, &refusal{form: f.values})
		return
	case errs.Validation:
		s.showTicket(w, r, http.StatusUnprocessableEntity, &refusal{fields: fieldMessages(err), form: f.values})
		return
	}
	s.failWith(w, r, err)
}
