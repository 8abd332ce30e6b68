package httpapi

import (
	"context"
	"fmt"
	"net/http"

	"github.com/google/uuid"
	"github.com/gorilla/mux"

	"github.com/ticketengine/ticketengine/application/access"
	"github.com/ticketengine/ticketengine/application/command"
	"github.com/ticketengine/ticketengine/domain"
)

// macroRequest is the body of POST /macros and PUT /macros/{id}.
type macroRequest struct {
	Name string           `json:"name"`
	Body domain.MacroBody `json:"body"`
	Set  *domain.MacroSet `json:"set"`
}

func (b macroRequest) macro(id uuid.UUID) domain.Macro {
	m := domain.Macro{ID: id, Name: b.Name, Body: b.Body}
	if b.Set != nil {
		m.Set = *b.Set
	}
	return m
}

// macroView is a macro as the API shows it: set always present, tags always a list.
type macroView struct {
	ID   uuid.UUID        `json:"id"`
	Name string           `json:"name"`
	Body domain.MacroBody `json:"body"`
	Set  macroSetView     `json:"set"`
}

type macroSetView struct {
	Status   domain.Status   `json:"status,omitempty"`
	Priority domain.Priority `json:"priority,omitempty"`
	Category string          `json:"category,omitempty"`
	Tags     []string        `json:"tags"`
}

func newMacroView(m domain.Macro) macroView {
	tags := m.Set.Tags
	if tags == nil {
		tags = []string{}
	}
	return macroView{ID: m.ID, Name: m.Name, Body: m.Body,
		Set: macroSetView{Status: m.Set.Status, Priority: m.Set.Priority, Category: m.Set.Category, Tags: tags}}
}

// applyMacroRequest is the optional body of POST /tickets/{id}/macros/{macro_id}.
type applyMacroRequest struct {
	Attachments []string `json:"attachments"`
}

// macroRoutes registers the macro library and applying a macro.
func (s *Server) macroRoutes(r *mux.Router) {
	s.staffRoute(r, http.MethodPost, "/macros", "save_macro", access.SaveMacro, s.createMacro)
	s.staffRoute(r, http.MethodGet, "/macros", "", access.ListMacros, s.listMacros)
	s.staffRoute(r, http.MethodGet, "/macros/{id}", "", access.ListMacros, s.getMacro)
	s.staffRoute(r, http.MethodPut, "/macros/{id}", "save_macro", access.SaveMacro, s.updateMacro)
	s.staffRoute(r, http.MethodDelete, "/macros/{id}", "delete_macro", access.DeleteMacro, s.deleteMacro)
	s.staffRoute(r, http.MethodPost, "/tickets/{id}/macros/{macro_id}", "apply_macro", access.ApplyMacro, s.applyMacro)
}

func (s *Server) createMacro(w http.ResponseWriter, r *http.Request) {
	var req macroRequest
	meta, err := macroMeta(w, r, &req, false)
	var m domain.Macro
	if err == nil {
		m, err = s.Commands.CreateMacro.Handle(r.Context(), command.CreateMacro{Macro: req.macro(uuid.Nil)}, meta)
	}
	if err != nil {
		s.writeProblem(w, r, err)
		return
	}
	w.Header().Set("Location", "/macros/"+m.ID.String())
	writeJSON(w, http.StatusCreated, newMacroView(m))
}

func (s *Server) updateMacro(w http.ResponseWriter, r *http.Request) {
	id, err := macroID(mux.Vars(r)["id"])
	var req macroRequest
	var meta command.CommandMeta
	if err == nil {
		meta, err = macroMeta(w, r, &req, false)
	}
	var m domain.Macro
	if err == nil {
		m, err = s.Commands.UpdateMacro.Handle(r.Context(), command.UpdateMacro{Macro: req.macro(id)}, meta)
	}
	if err != nil {
		s.writeProblem(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, newMacroView(m))
}

func (s *Server) deleteMacro(w http.ResponseWriter, r *http.Request) {
	id, err := macroID(mux.Vars(r)["id"])
	var meta command.CommandMeta
	if err == nil {
		meta, err = macroMeta(w, r, &struct{}{}, true)
	}
	if err == nil {
		err = s.Commands.DeleteMacro.Handle(r.Context(), command.DeleteMacro{MacroID: id}, meta)
	}
	if err != nil {
		s.writeProblem(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// listMacros is GET /macros: every macro, by name; read from the library's stream, so
// a macro is listed as soon as it is saved.
func (s *Server) listMacros(w http.ResponseWriter, r *http.Request) {
	lib, err := command.LoadMacros(r.Context(), s.Store)
	if err != nil {
		s.writeProblem(w, r, err)
		return
	}
	items := []macroView{}
	for _, m := range lib.State().Macros {
		items = append(items, newMacroView(m))
	}
	writeJSON(w, http.StatusOK, listPage{Items: items})
}

func (s *Server) getMacro(w http.ResponseWriter, r *http.Request) {
	id, err := macroID(mux.Vars(r)["id"])
	var lib *domain.MacroLibrary
	if err == nil {
		lib, err = command.LoadMacros(r.Context(), s.Store)
	}
	if err != nil {
		s.writeProblem(w, r, err)
		return
	}
	m, ok := lib.Macro(id)
	if !ok {
		s.writeProblem(w, r, fmt.Errorf("%w: no macro has the id %s", domain.ErrNotFound, id))
		return
	}
	writeJSON(w, http.StatusOK, newMacroView(m))
}

// applyMacro is POST /tickets/{id}/macros/{macro_id}: the ticket after the macro's
// reply and changes (one append at one expected version, or none).
func (s *Server) applyMacro(w http.ResponseWriter, r *http.Request) {
	macro, err := macroID(mux.Vars(r)["macro_id"])
	if err != nil {
		s.writeProblem(w, r, err)
		return
	}
	ticketCommand(s, true, func(ctx context.Context, id uuid.UUID, b applyMacroRequest, m command.CommandMeta) (command.TicketResult, error) {
		return attached(s, ctx, principal(r).Actor(), b.Attachments, m, func(atts []domain.Attachment) (command.TicketResult, error) {
			return s.Commands.ApplyMacro.Handle(ctx, command.ApplyMacro{TicketID: id, MacroID: macro, Attachments: atts}, m)
		})
	})(w, r)
}

// macroMeta decodes a macro command. If-Match is not taken: the version it would be
// checked against is the whole library's, which no answer shows (API-NOTES.md, Macros).
func macroMeta(w http.ResponseWriter, r *http.Request, req any, allowEmpty bool) (command.CommandMeta, error) {
	meta, err := decodeCommand(w, r, principal(r), req, allowEmpty)
	meta.ExpectedVersion = nil
	return meta, err
}

// macroID parses a macro id of the path; a malformed one names no macro (404).
func macroID(raw string) (uuid.UUID, error) {
	id, err := uuid.Parse(raw)
	if err != nil {
		return uuid.Nil, fmt.Errorf("%w: %q is not a macro id", domain.ErrNotFound, raw)
	}
	return id, nil
}
