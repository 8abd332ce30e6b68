package projections

import (
	"context"
	"encoding/base64"
	"slices"
	"strconv"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/application"
	"github.com/ticketengine/ticketengine/application/query"
	"github.com/ticketengine/ticketengine/domain"
)

// MessageView is a message as GET /tickets/{id}/messages shows it.
type MessageView struct {
	ID          uuid.UUID        `json:"id"`
	At          query.JSONTime   `json:"at"`
	Kind        string           `json:"kind"`
	Author      AuthorView       `json:"author"`
	Body        string           `json:"body"`
	Attachments []AttachmentView `json:"attachments"`
}

// AuthorView is a message's author; id and name are null when unknown (the system, a
// customer received without an id).
type AuthorView struct {
	Kind string  `json:"kind"`
	ID   *string `json:"id"`
	Name *string `json:"name"`
}

// AttachmentView is an attachment of a message; the file is downloaded from
// GET /attachments/{id} (staff) or GET /portal/tickets/{number}/attachments/{id} (the
// customer, public messages only).
type AttachmentView struct {
	ID          string `json:"id"`
	Filename    string `json:"filename"`
	ContentType string `json:"content_type"`
	Size        int64  `json:"size"`
}

// Messages is GET /tickets/{id}/messages: one page of the ticket's conversation, oldest
// first, and the cursor of the next ("" on the last page). It reads the ticket's stream
// from the event store GET /tickets/{id} reads (ReadConversation), so it is always
// current: minVersion is accepted and never waited for. The cursor is an offset: messages
// are only ever appended, so a page never shifts. An unknown ticket is a not-found.
func (s *Service) Messages(ctx context.Context, id uuid.UUID, _ int64, limit int, cursor string) ([]MessageView, string, error) {
	offset, err := decodeCursor(cursor)
	if err != nil {
		return nil, "", err
	}
	conv, err := ReadConversation(ctx, s.Events, id)
	if err != nil {
		return nil, "", err
	}
	if conv.Version < 0 {
		return nil, "", application.ErrNotFound
	}
	c := &conv
	all := c.Messages
	limit = ClampLimit(limit)
	page := all[min(offset, len(all)):min(offset+limit, len(all))]
	names, err := s.agentNames(ctx, page)
	if err != nil {
		return nil, "", err
	}
	out := make([]MessageView, len(page))
	for i, m := range page {
		out[i] = MessageView{ID: m.ID, At: query.JSONTime(m.Time()), Kind: m.Kind, Body: m.Body,
			Author: AuthorView{Kind: m.Author, ID: orNull(m.AuthorID(c))}, Attachments: m.Files}
		switch {
		case m.Author == AuthorCustomer:
			out[i].Author.Name = orNull(c.CustomerName)
		case m.Agent != uuid.Nil:
			out[i].Author.Name = orNull(names[m.Agent])
		default:
			out[i].Author.Name = orNull(m.Staff)
		}
	}
	next := ""
	if offset+limit < len(all) {
		next = base64.RawURLEncoding.EncodeToString([]byte(strconv.Itoa(offset + limit)))
	}
	return out, next, nil
}

// agentNames are the names of the agents who wrote these messages, from the agents
// projection (an agent renamed later shows under the new name, as in Zendesk).
func (s *Service) agentNames(ctx context.Context, page []Message) (map[uuid.UUID]string, error) {
	var ids []uuid.UUID
	for _, m := range page {
		if m.Agent != uuid.Nil && !slices.Contains(ids, m.Agent) {
			ids = append(ids, m.Agent)
		}
	}
	names := map[uuid.UUID]string{}
	if len(ids) == 0 {
		return names, nil
	}
	agents, err := s.Store.Load(ctx, Agents, ids)
	if err != nil {
		return nil, err
	}
	for _, r := range agents.Rows {
		a := r.(*domain.AgentState)
		names[a.ID] = a.Name
	}
	return names, nil
}

func orNull(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}
