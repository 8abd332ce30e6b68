package command

import (
	"context"
	"time"

	"github.com/ticketengine/ticketengine/application/eventlog"
	"github.com/ticketengine/ticketengine/domain"
)

// macroFolder folds the macro library's stream; its events do not depend on their time.
var macroFolder = folderOf(domain.NewMacroLibrary, domain.RestoreMacroLibrary, domain.DecodeMacroEvent,
	func(l *domain.MacroLibrary, e domain.Event, _ time.Time) { l.Apply(e) })

// LoadMacros reads the macro library as it stands (GET /macros, and applying a macro).
func LoadMacros(ctx context.Context, store eventlog.EventStore) (*domain.MacroLibrary, error) {
	recs, err := store.ReadStream(ctx, eventlog.MacroLibraryStream)
	if err != nil {
		return nil, err
	}
	return macroFolder.fold(recs)
}
