package httpapi

import (
	"fmt"
	"net/http"

	"github.com/google/uuid"
	"github.com/gorilla/mux"

	"github.com/ticketengine/ticketengine/application/access"
	"github.com/ticketengine/ticketengine/application/command"
	"github.com/ticketengine/ticketengine/domain"
)

type registerAgentRequest struct {
	Name     string   `json:"name"`
	Email    string   `json:"email"`
	Team     string   `json:"team"`
	Skills   []string `json:"skills"`
	Capacity int      `json:"capacity"`
	Language string   `json:"language"`
}

type presenceRequest struct {
	Online *bool `json:"online"`
}

type tokenRequest struct {
	Role    access.Role `json:"role"`
	Subject string      `json:"subject"`
}

func (s *Server) registerAgent(w http.ResponseWriter, r *http.Request) {
	var req registerAgentRequest
	meta, err := decodeCommand(w, r, principal(r), &req, false)
	if err != nil {
		s.writeProblem(w, r, err)
		return
	}
	res, err := s.Commands.RegisterAgent.Handle(r.Context(), command.RegisterAgent{
		Name: req.Name, Email: req.Email, Team: req.Team, Skills: req.Skills, Capacity: req.Capacity, Language: req.Language,
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
	token, err := s.Commands.IssueToken.Handle(r.Context(), command.IssueToken{Role: req.Role, Subject: req.Subject}, meta)
	if err != nil {
		s.writeProblem(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, map[string]string{"token": token})
}
