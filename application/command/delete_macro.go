package command

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/application"
	"github.com/ticketengine/ticketengine/application/eventlog"
	"github.com/ticketengine/ticketengine/domain"
)

// DeleteMacro removes a macro (DELETE /macros/{id}); tickets keep what it did.
type DeleteMacro struct {
	MacroID uuid.UUID
}

// DeleteMacroHandler handles DeleteMacro.
type DeleteMacroHandler struct{ s streams }

// NewDeleteMacroHandler returns the handler on its ports; it panics when store or clock is nil.
func NewDeleteMacroHandler(store eventlog.EventStore, clock application.Clock, cache *StreamCache) DeleteMacroHandler {
	return DeleteMacroHandler{s: newStreams("DeleteMacroHandler", store, clock, cache)}
}

// Handle appends MacroDeleted to the library; an unknown id is ErrNotFound.
func (h DeleteMacroHandler) Handle(ctx context.Context, c DeleteMacro, meta CommandMeta) error {
	_, err := update(ctx, h.s, eventlog.MacroLibraryStream, meta, macroFolder, func(l *domain.MacroLibrary, _ time.Time) ([]domain.Event, error) {
		return l.DeleteMacro(c.MacroID)
	})
	return err
}
