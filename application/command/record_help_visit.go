package command

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/application"
	"github.com/ticketengine/ticketengine/application/eventlog"
	"github.com/ticketengine/ticketengine/domain"
)

// helpVisitorFolder folds help-visitor streams.
var helpVisitorFolder = folderOf(domain.NewHelpVisitor, domain.RestoreHelpVisitor, domain.DecodeHelpVisitEvent, (*domain.HelpVisitor).Apply)

// RecordHelpVisit records what a help-center browser opened: an article (ArticleID set,
// with its category) or a ticket (ArticleID nil). Visitor is the random id of the
// browser's cookie.
type RecordHelpVisit struct {
	Visitor   uuid.UUID
	ArticleID uuid.UUID
	Category  string
}

// RecordHelpVisitHandler handles RecordHelpVisit.
type RecordHelpVisitHandler struct{ s streams }

// NewRecordHelpVisitHandler returns the handler on its ports; it panics when store or clock is nil.
func NewRecordHelpVisitHandler(store eventlog.EventStore, clock application.Clock, cache *StreamCache) RecordHelpVisitHandler {
	return RecordHelpVisitHandler{s: newStreams("RecordHelpVisitHandler", store, clock, cache)}
}

// Handle appends the visit to the browser's stream.
func (h RecordHelpVisitHandler) Handle(ctx context.Context, c RecordHelpVisit, meta CommandMeta) error {
	meta.ExpectedVersion = nil
	_, err := update(ctx, h.s, eventlog.HelpVisitorStream(c.Visitor), meta, helpVisitorFolder, func(v *domain.HelpVisitor, _ time.Time) ([]domain.Event, error) {
		if c.ArticleID == uuid.Nil {
			return v.OpenTicket()
		}
		return v.OpenArticle(c.ArticleID, c.Category)
	})
	return err
}
