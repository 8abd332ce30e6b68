package command

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/application"
	"github.com/ticketengine/ticketengine/application/eventlog"
	"github.com/ticketengine/ticketengine/domain"
)

// CreateMacro saves a new macro (POST /macros); the handler gives it its id.
type CreateMacro struct {
	Macro domain.Macro
}

// CreateMacroHandler handles CreateMacro.
type CreateMacroHandler struct{ s streams }

// NewCreateMacroHandler returns the handler on its ports; it panics when store or clock is nil.
func NewCreateMacroHandler(store eventlog.EventStore, clock application.Clock, cache *StreamCache) CreateMacroHandler {
	return CreateMacroHandler{s: newStreams("CreateMacroHandler", store, clock, cache)}
}

// Handle appends MacroCreated to the library. The id derives from the idempotency key
// when there is one, so a repeated request names the macro the first one made.
func (h CreateMacroHandler) Handle(ctx context.Context, c CreateMacro, meta CommandMeta) (domain.Macro, error) {
	m := c.Macro
	m.ID = uuid.New()
	if meta.IdempotencyKey != "" {
		m.ID = derivedID(eventlog.MacroLibraryStream, meta.Actor, meta.IdempotencyKey)
	}
	out, err := update(ctx, h.s, eventlog.MacroLibraryStream, meta, macroFolder, func(l *domain.MacroLibrary, _ time.Time) ([]domain.Event, error) {
		return l.CreateMacro(m)
	})
	if err != nil {
		return domain.Macro{}, err
	}
	return savedMacro(out.Agg, m.ID)
}

// UpdateMacro replaces a macro's name, body and set (PUT /macros/{id}).
type UpdateMacro struct {
	Macro domain.Macro
}

// UpdateMacroHandler handles UpdateMacro.
type UpdateMacroHandler struct{ s streams }

// NewUpdateMacroHandler returns the handler on its ports; it panics when store or clock is nil.
func NewUpdateMacroHandler(store eventlog.EventStore, clock application.Clock, cache *StreamCache) UpdateMacroHandler {
	return UpdateMacroHandler{s: newStreams("UpdateMacroHandler", store, clock, cache)}
}

// Handle appends MacroUpdated to the library.
func (h UpdateMacroHandler) Handle(ctx context.Context, c UpdateMacro, meta CommandMeta) (domain.Macro, error) {
	out, err := update(ctx, h.s, eventlog.MacroLibraryStream, meta, macroFolder, func(l *domain.MacroLibrary, _ time.Time) ([]domain.Event, error) {
		return l.UpdateMacro(c.Macro)
	})
	if err != nil {
		return domain.Macro{}, err
	}
	return savedMacro(out.Agg, c.Macro.ID)
}

// savedMacro is the macro as the library holds it after the command.
func savedMacro(l *domain.MacroLibrary, id uuid.UUID) (domain.Macro, error) {
	m, ok := l.Macro(id)
	if !ok {
		return domain.Macro{}, application.ErrNotFound
	}
	return m, nil
}
