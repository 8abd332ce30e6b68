package httpapi

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/google/uuid"
	"github.com/gorilla/mux"

	"github.com/ticketengine/ticketengine/application/access"
	"github.com/ticketengine/ticketengine/application/command"
	"github.com/ticketengine/ticketengine/domain"
	"github.com/ticketengine/ticketengine/projections"
)

// StaffReads is the read side of staff accounts: *projections.Service implements it.
type StaffReads interface {
	Staff(ctx context.Context) ([]projections.StaffView, error)
	StaffAccount(ctx context.Context, id uuid.UUID, minVersion int64) (projections.StaffView, error)
}

var _ StaffReads = (*projections.Service)(nil)

type createStaffRequest struct {
	Name     string `json:"name"`
	Email    string `json:"email"`
	Role     string `json:"role"`
	Team     string `json:"team"`
	Language string `json:"language"`
	Password string `json:"password"`
}

type passwordRequest struct {
	Password    string `json:"password"`
	OldPassword string `json:"old_password"`
}

type deactivateRequest struct {
	Reason string `json:"reason"`
}

// staffRoutes registers the staff account commands (docs/openapi.yaml, "Staff").
func (s *Server) staffRoutes(r *mux.Router) {
	s.staffRoute(r, http.MethodPost, "/staff", "create_staff", access.CreateStaff, s.createStaff)
	s.staffRoute(r, http.MethodPost, "/staff/{id}/password", "change_password", access.ChangePassword, s.changePassword)
	for _, base := range []string{"/agents/{id}", "/staff/{id}"} {
		s.staffRoute(r, http.MethodPost, base+"/deactivate", "deactivate", access.DeactivateAccount, s.deactivate)
		s.staffRoute(r, http.MethodPost, base+"/reactivate", "reactivate", access.ReactivateAccount, s.reactivate)
	}
	s.staffRoute(r, http.MethodPatch, "/agents/{id}", "change_agent", access.ChangeAgent, s.changeAgent)
	s.staffRoute(r, http.MethodDelete, "/tokens/{id}", "revoke_token", access.RevokeToken, s.revokeToken)
}

func (s *Server) createStaff(w http.ResponseWriter, r *http.Request) {
	var req createStaffRequest
	meta, err := decodeSecretCommand(w, r, principal(r), &req)
	if err != nil {
		s.writeProblem(w, r, err)
		return
	}
	a, err := s.Commands.CreateStaff.Handle(r.Context(), command.CreateStaff{Name: req.Name, Email: req.Email,
		Role: req.Role, Team: req.Team, Language: req.Language, Password: req.Password}, meta)
	if err != nil {
		s.writeProblem(w, r, err)
		return
	}
	w.Header().Set("Location", "/staff/"+a.ID.String())
	writeJSON(w, http.StatusCreated, projections.NewStaffView(a))
}

// accountID is the {id} of an account route; a malformed one is an unknown account.
func accountID(r *http.Request) (uuid.UUID, error) {
	id, err := uuid.Parse(mux.Vars(r)["id"])
	if err != nil {
		return uuid.Nil, fmt.Errorf("%w: not an account id", domain.ErrNotFound)
	}
	return id, nil
}

// changePassword: an admin sets anyone's password; any other account only its own, with
// its current password as old_password.
func (s *Server) changePassword(w http.ResponseWriter, r *http.Request) {
	id, err := accountID(r)
	if err != nil {
		s.writeProblem(w, r, err)
		return
	}
	p := principal(r)
	if err := access.AuthorizeOn(p, access.ChangePassword, id.String()); err != nil {
		s.writeProblem(w, r, fmt.Errorf("an account changes only its own password: %w", err))
		return
	}
	var req passwordRequest
	meta, err := decodeSecretCommand(w, r, p, &req)
	if err == nil && p.Role != access.RoleAdmin && req.OldPassword == "" {
		err = fieldError("old_password", "is required to change your own password")
	}
	if err == nil {
		err = s.Commands.ChangePassword.Handle(r.Context(), command.ChangePassword{AccountID: id, Password: req.Password,
			OldPassword: req.OldPassword, CheckOld: p.Role != access.RoleAdmin}, meta)
	}
	if err != nil {
		s.writeProblem(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) deactivate(w http.ResponseWriter, r *http.Request) {
	id, err := accountID(r)
	if err != nil {
		s.writeProblem(w, r, err)
		return
	}
	var req deactivateRequest
	meta, err := decodeCommand(w, r, principal(r), &req, true)
	var a domain.AgentState
	if err == nil {
		a, err = s.Commands.Deactivate.Handle(r.Context(), command.DeactivateAccount{AccountID: id, Reason: req.Reason}, meta)
	}
	if err != nil {
		s.writeProblem(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, projections.NewStaffView(a))
}

func (s *Server) reactivate(w http.ResponseWriter, r *http.Request) {
	id, err := accountID(r)
	if err != nil {
		s.writeProblem(w, r, err)
		return
	}
	var req struct{}
	meta, err := decodeCommand(w, r, principal(r), &req, true)
	var a domain.AgentState
	if err == nil {
		a, err = s.Commands.Reactivate.Handle(r.Context(), command.ReactivateAccount{AccountID: id}, meta)
	}
	if err != nil {
		s.writeProblem(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, projections.NewStaffView(a))
}

// secretFields are the request fields never hashed into an event's request_hash: the
// hash of a body holding a password would be an unsalted SHA-256 of that password,
// readable by whoever reads the log. A repeat with the same Idempotency-Key and another
// password is therefore taken for the same request (the first one's outcome stands).
var secretFields = []string{"password", "old_password"}

// decodeSecretCommand is decodeCommand for bodies that carry a password.
func decodeSecretCommand(w http.ResponseWriter, r *http.Request, p access.Principal, req any) (command.CommandMeta, error) {
	body, err := readBody(w, r)
	if err != nil {
		return command.CommandMeta{}, err
	}
	if body, err = decodeStrict(body, req, false); err != nil {
		return command.CommandMeta{}, err
	}
	var fields map[string]json.RawMessage
	if json.Unmarshal(body, &fields) == nil {
		for _, f := range secretFields {
			delete(fields, f)
		}
		body, _ = json.Marshal(fields)
	}
	return commandMeta(r, p, body)
}
