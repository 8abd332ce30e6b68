package attachments

import (
	"context"
	"encoding/json"
	"strings"

	"github.com/ticketengine/ticketengine/application/eventlog"
)

// sweepPage is how many records one read of the log takes.
const sweepPage = 1000

// catchUp reads the log after where the sweeper stopped and notes uploads, claims,
// releases and deletions.
func (w *Sweeper) catchUp(ctx context.Context) error {
	for {
		recs, err := w.svc.store.ReadAll(ctx, w.after, sweepPage)
		if err != nil {
			return err
		}
		for _, r := range recs {
			w.after = r.Position
			if strings.HasPrefix(r.Stream, eventlog.AttachmentStreamPrefix) {
				if err := w.note(r); err != nil {
					return err
				}
			}
		}
		if len(recs) < sweepPage {
			return nil
		}
	}
}

func (w *Sweeper) note(r eventlog.Record) error {
	id := strings.TrimPrefix(r.Stream, eventlog.AttachmentStreamPrefix)
	switch r.Type {
	case TypeUploaded:
		var u Uploaded
		if err := json.Unmarshal(r.Data, &u); err != nil {
			return err
		}
		w.sums[id] = u.SHA256
		w.live[u.SHA256]++
		if isTicketUploader(u.Uploader) {
			w.byTicket[u.Uploader] = append(w.byTicket[u.Uploader], id)
		}
		if u.ExpiresAt != nil {
			w.pending[id] = pendingUpload{expires: *u.ExpiresAt}
		}
	case TypeClaimed, TypeReleased:
		if p, ok := w.pending[id]; ok {
			p.claimed = r.Type == TypeClaimed
			w.pending[id] = p
		}
	case TypeDeleted:
		w.deleted(id)
	}
	return nil
}
