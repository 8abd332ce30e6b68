package httpapi

import (
	"fmt"
	"net/http"
	"time"

	"github.com/google/uuid"
	"github.com/gorilla/mux"

	"github.com/ticketengine/ticketengine/application/access"
	"github.com/ticketengine/ticketengine/application/command"
	"github.com/ticketengine/ticketengine/domain"
	"github.com/ticketengine/ticketengine/projections"
)

type registerAgentRequest struct {
	Name     string   `json:"name"`
	Email    string   `json:"email"`
	Team     string   `json:"team"`
	Skills   []string `json:"skills"`
	Capacity int      `json:"capacity"`
	Language string   `json:"language"`
	Password string   `json:"password"`
}

type changeAgentRequest struct {
	Name     *string   `json:"name"`
	Team     *string   `json:"team"`
	Skills   *[]string `json:"skills"`
	Capacity *int      `json:"capacity"`
	Language *string   `json:"language"`
	// Timezone and Roster: when the agent works (docs/SLA-CLOCKS.md, "Shifts").
	Timezone *string        `json:"timezone"`
	Roster   *domain.Roster `json:"roster"`
}

type presenceRequest struct {
	Online *bool `json:"online"`
}

type tokenRequest struct {
	Role      access.Role `json:"role"`
	Subject   string      `json:"subject"`
	ExpiresIn string      `json:"expires_in"`
}

func (s *Server) registerAgent(w http.ResponseWriter, r *http.Request) {
	var req registerAgentRequest
	meta, err := decodeSecretCommand(w, r, principal(r), &req)
	if err != nil {
		s.writeProblem(w, r, err)
		return
	}
	res, err := s.Commands.RegisterAgent.Handle(r.Context(), command.RegisterAgent{
		Name: req.Name, Email: req.Email, Team: req.Team, Skills: req.Skills, Capacity: req.Capacity, Language: req.Language,
		Password: req.Password,
	}, meta)
	if err != nil {
		s.writeProblem(w, r, err)
		return
	}
	w.Header().Set("Location", "/agents/"+res.Agent.ID.String())
	writeJSON(w, http.StatusCreated, map[string]string{"id": res.Agent.ID.String(), "token": res.Token})
}

// setPresence: an agent may change only its own presence; supervisors and admins any.
func (s *Server) setPresence(w http.ResponseWriter, r *http.Request) {
	id, err := uuid.Parse(mux.Vars(r)["id"])
	if err != nil {
		s.writeProblem(w, r, fmt.Errorf("%w: not an agent id", domain.ErrNotFound))
		return
	}
	p := principal(r)
	if err := access.AuthorizeOn(p, access.SetPresence, id.String()); err != nil {
		s.writeProblem(w, r, fmt.Errorf("an agent sets only its own presence: %w", err))
		return
	}
	var req presenceRequest
	meta, err := decodeCommand(w, r, p, &req, false)
	if err == nil && req.Online == nil {
		err = fieldError("online", "is required: true or false")
	}
	if err != nil {
		s.writeProblem(w, r, err)
		return
	}
	a, err := s.Commands.SetPresence.Handle(r.Context(), command.SetAgentPresence{AgentID: id, Online: *req.Online}, meta)
	if err != nil {
		s.writeProblem(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"id": a.ID, "online": a.Online})
}

func (s *Server) issueToken(w http.ResponseWriter, r *http.Request) {
	var req tokenRequest
	meta, err := decodeCommand(w, r, principal(r), &req, false)
	if err != nil {
		s.writeProblem(w, r, err)
		return
	}
	var ttl time.Duration
	if req.ExpiresIn != "" {
		if ttl, err = time.ParseDuration(req.ExpiresIn); err != nil || ttl <= 0 {
			s.writeProblem(w, r, fieldError("expires_in", "must be a positive Go duration such as 720h or 90m"))
			return
		}
	}
	tok, err := s.Commands.IssueToken.Handle(r.Context(), command.IssueToken{Role: req.Role, Subject: req.Subject, ExpiresIn: ttl}, meta)
	if err != nil {
		s.writeProblem(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, map[string]any{"id": tok.ID, "token": tok.Token, "expires_at": tok.ExpiresAt})
}

func (s *Server) revokeToken(w http.ResponseWriter, r *http.Request) {
	id, err := uuid.Parse(mux.Vars(r)["id"])
	if err != nil {
		s.writeProblem(w, r, fmt.Errorf("%w: not a token id", domain.ErrNotFound))
		return
	}
	meta, err := commandMeta(r, principal(r), nil)
	if err == nil {
		err = s.Commands.RevokeToken.Handle(r.Context(), command.RevokeToken{TokenID: id, Reason: "revoked by " + principal(r).Actor()}, meta)
	}
	if err != nil {
		s.writeProblem(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// changeAgent is PATCH /agents/{id}: it answers the agent as GET /agents/{id} shows it,
// once the read model has the change (or, without a read side, as the write side has it).
func (s *Server) changeAgent(w http.ResponseWriter, r *http.Request) {
	id, err := accountID(r)
	if err != nil {
		s.writeProblem(w, r, err)
		return
	}
	var req changeAgentRequest
	meta, err := decodeCommand(w, r, principal(r), &req, false)
	var a domain.AgentState
	var version int64
	if err == nil {
		a, version, err = s.Commands.ChangeProfile.Handle(r.Context(), command.ChangeAgentProfile{AgentID: id,
			ChangeAgentProfile: domain.ChangeAgentProfile{Name: req.Name, Team: req.Team, Skills: req.Skills,
				Capacity: req.Capacity, Language: req.Language}, Timezone: req.Timezone, Roster: req.Roster}, meta)
	}
	if err != nil {
		s.writeProblem(w, r, err)
		return
	}
	view := projections.NewAgentView(projections.AgentRow{AgentState: a})
	if s.ReadSide != nil {
		if view, err = s.ReadSide.Agent(r.Context(), id, version); err != nil {
			s.writeProblem(w, r, err)
			return
		}
	}
	writeJSON(w, http.StatusOK, view)
}
