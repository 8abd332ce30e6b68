package web

import (
	"context"
	"errors"
	"net/http"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/application"
	"github.com/ticketengine/ticketengine/application/access"
	"github.com/ticketengine/ticketengine/application/command"
	"github.com/ticketengine/ticketengine/domain/errs"
	"github.com/ticketengine/ticketengine/projections"
)

// The admin's staff accounts page (GET /desk/admin/staff): the accounts, a form to
// create one, and per account deactivate/reactivate and a new password. Each form runs
// the command the API's route runs (POST /staff, PUT /staff/{id}/password, POST
// /staff/{id}/deactivate|reactivate); a deactivated account's sessions end because the
// guard asks for the account on every request.

// StaffAdmin is what the staff accounts page asks of the application;
// CommandStaffAdmin implements it.
type StaffAdmin interface {
	// Staff is every account (never a password).
	Staff(ctx context.Context) ([]projections.StaffView, error)
	// CreateStaff adds an account; a taken email is command.ErrEmailTaken (a conflict).
	CreateStaff(ctx context.Context, c command.CreateStaff, meta command.CommandMeta) error
	// SetPassword sets an account's password (the admin's: no old password).
	SetPassword(ctx context.Context, id uuid.UUID, password string, meta command.CommandMeta) error
	// SetActive deactivates or reactivates an account.
	SetActive(ctx context.Context, id uuid.UUID, active bool, meta command.CommandMeta) error
}

// CommandStaffAdmin is StaffAdmin on the application's commands and the read side.
type CommandStaffAdmin struct {
	Read     *projections.Service
	Commands *command.Commands
}

// Staff implements StaffAdmin.
func (c CommandStaffAdmin) Staff(ctx context.Context) ([]projections.StaffView, error) {
	return c.Read.Staff(ctx)
}

// CreateStaff implements StaffAdmin.
func (c CommandStaffAdmin) CreateStaff(ctx context.Context, cs command.CreateStaff, meta command.CommandMeta) error {
	_, err := c.Commands.CreateStaff.Handle(ctx, cs, meta)
	return err
}

// SetPassword implements StaffAdmin.
func (c CommandStaffAdmin) SetPassword(ctx context.Context, id uuid.UUID, password string, meta command.CommandMeta) error {
	return c.Commands.ChangePassword.Handle(ctx, command.ChangePassword{AccountID: id, Password: password}, meta)
}

// SetActive implements StaffAdmin.
func (c CommandStaffAdmin) SetActive(ctx context.Context, id uuid.UUID, active bool, meta command.CommandMeta) error {
	var err error
	if active {
		_, err = c.Commands.Reactivate.Handle(ctx, command.ReactivateAccount{AccountID: id}, meta)
	} else {
		_, err = c.Commands.Deactivate.Handle(ctx, command.DeactivateAccount{AccountID: id}, meta)
	}
	return err
}

// adminRoles see the staff accounts page: those who may create accounts.
var adminRoles = rolesOf(access.CreateStaff)

const adminStaffPath = "/desk/admin/staff"

func (s *Server) adminDeskRoutes(mux *http.ServeMux) {
	if s.StaffAdmin == nil {
		return
	}
	s.deskRoute(mux, "GET "+adminStaffPath, s.staffPage, adminRoles...)
	s.deskRoute(mux, "POST "+adminStaffPath, s.createStaff, adminRoles...)
	s.deskRoute(mux, "POST "+adminStaffPath+"/{id}/{action}", s.staffAction, adminRoles...)
}

// staffRefusal is why a form was refused, shown above the accounts: Notice a message
// key, Fields the refused fields; Form what was typed in the create form (no password).
type staffRefusal struct {
	Notice string
	Fields []fieldMessage
	Form   map[string]string
}

func (s *Server) staffPage(w http.ResponseWriter, r *http.Request) {
	s.showStaff(w, r, http.StatusOK, staffRefusal{})
}

func (s *Server) showStaff(w http.ResponseWriter, r *http.Request, status int, ref staffRefusal) {
	staff, err := s.StaffAdmin.Staff(r.Context())
	if err != nil {
		s.failWith(w, r, err)
		return
	}
	s.renderDesk(w, r, status, "desk_admin_staff", "admin.staff.title", map[string]any{
		"Staff": staff, "Refusal": ref, "Roles": staffRoleNames})
}

// staffRoleNames are the roles the create form offers, as the API spells them.
var staffRoleNames = []string{"agent", "supervisor", "admin", "analyst", "auditor"}

// createStaff is POST /desk/admin/staff: the fields are POST /staff's.
func (s *Server) createStaff(w http.ResponseWriter, r *http.Request) {
	f, err := s.readDeskForm(w, r, maxForm)
	if err != nil {
		s.failWith(w, r, err)
		return
	}
	u, _ := DeskUserOf(r.Context())
	v := f.values
	err = s.StaffAdmin.CreateStaff(r.Context(), command.CreateStaff{Name: v["name"], Email: v["email"], Role: v["role"],
		Team: v["team"], Language: v["language"], Password: v["password"]}, meta(principalOf(u)))
	typed := map[string]string{"name": v["name"], "email": v["email"], "role": v["role"], "team": v["team"], "language": v["language"]}
	s.afterStaffForm(w, r, err, staffRefusal{Form: typed})
}

// staffAction is POST /desk/admin/staff/{id}/{action}: deactivate, reactivate or
// password (field password).
func (s *Server) staffAction(w http.ResponseWriter, r *http.Request) {
	id, f, ok := s.readIDForm(w, r)
	if !ok {
		return
	}
	u, _ := DeskUserOf(r.Context())
	m := meta(principalOf(u))
	var err error
	switch r.PathValue("action") {
	case "deactivate":
		err = s.StaffAdmin.SetActive(r.Context(), id, false, m)
	case "reactivate":
		err = s.StaffAdmin.SetActive(r.Context(), id, true, m)
	case "password":
		err = s.StaffAdmin.SetPassword(r.Context(), id, f.values["password"], m)
	default:
		err = application.ErrNotFound
	}
	s.afterStaffForm(w, r, err, staffRefusal{})
}

// afterStaffForm goes back to the page (303), or shows it with why the form was refused.
func (s *Server) afterStaffForm(w http.ResponseWriter, r *http.Request, err error, ref staffRefusal) {
	switch {
	case err == nil:
		http.Redirect(w, r, adminStaffPath, http.StatusSeeOther)
		return
	case errors.Is(err, command.ErrEmailTaken):
		ref.Notice = "admin.staff.email_taken"
		s.showStaff(w, r, http.StatusConflict, ref)
		return
	}
	switch errs.KindOf(err) {
	case errs.Validation:
		ref.Notice, ref.Fields = "form.errors", fieldMessages(err)
		s.showStaff(w, r, http.StatusUnprocessableEntity, ref)
	case errs.InvalidTransition, errs.Conflict:
		ref.Notice = "admin.staff.refused"
		s.showStaff(w, r, http.StatusConflict, ref)
	default:
		s.failWith(w, r, err)
	}
}
