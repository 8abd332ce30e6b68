package attachments

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/ticketengine/ticketengine/application/eventlog"
)

// Sweeper deletes anonymous portal uploads nobody claimed before they expired. It follows
// the event log (ReadAll from where it stopped) and keeps in memory only the uploads
// waiting for a claim and, per file, how many uploads not deleted name it: content is
// shared by equal uploads, so a file is removed only when its last upload is deleted.
type Sweeper struct {
	svc *Service

	mu      sync.Mutex
	after   uint64
	pending map[string]pendingUpload // anonymous uploads, by attachment id
	sums    map[string]string        // every upload not deleted: its SHA-256, by id
	live    map[string]int           // how many uploads not deleted name a SHA-256
	// byTicket lists the uploads customers made on their tickets (by TicketUploader), so
	// an erasure finds those never attached (EraseTicketFiles).
	byTicket map[string][]string
}

type pendingUpload struct {
	expires time.Time
	claimed bool
}

// NewSweeper returns the sweeper of the service's uploads.
func NewSweeper(svc *Service) *Sweeper {
	return &Sweeper{svc: svc, pending: map[string]pendingUpload{}, sums: map[string]string{}, live: map[string]int{},
		byTicket: map[string][]string{}}
}

// Sweep catches up with the log and deletes what expired unclaimed by now: it appends
// AttachmentDeleted at the version read (a claim that wins the race keeps the upload),
// then removes the file unless another upload names the same content. It returns how
// many it deleted.
func (w *Sweeper) Sweep(ctx context.Context) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if err := w.catchUp(ctx); err != nil {
		return 0, err
	}
	now, n := w.svc.clock.Now(), 0
	for id, p := range w.pending {
		if p.claimed || now.Before(p.expires) {
			continue
		}
		ok, err := w.delete(ctx, id)
		if err != nil {
			return n, err
		}
		if ok {
			n++
		}
	}
	return n, nil
}

// Run sweeps every interval until ctx ends.
func (w *Sweeper) Run(ctx context.Context, interval time.Duration, onError func(error)) error {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		if _, err := w.Sweep(ctx); err != nil && ctx.Err() == nil {
			onError(err)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
		}
	}
}

func (w *Sweeper) delete(ctx context.Context, id string) (bool, error) {
	st, err := w.svc.read(ctx, id)
	if err != nil {
		return false, err
	}
	if !st.Exists() || st.Claim != "" {
		return false, nil // the log will say so: catchUp notes it
	}
	meta := eventlog.Metadata{Actor: "system", Rule: "attachment-retention"}
	if _, err := w.svc.appendEvent(ctx, st, id, TypeDeleted, Deleted{Reason: "unclaimed after the retention"}, meta); err != nil {
		return false, nil // a claim or another node won: the next sweep sees which
	}
	w.deleted(id)
	if w.live[st.SHA256] > 0 {
		return true, nil
	}
	if err := w.svc.blobs.Delete(ctx, st.SHA256); err != nil {
		return true, fmt.Errorf("delete attachment file %s: %w", st.SHA256, err)
	}
	return true, nil
}

// deleted notes an upload's deletion (once: the sweeper's own deletions come back
// through the log too).
func (w *Sweeper) deleted(id string) {
	delete(w.pending, id)
	sum, ok := w.sums[id]
	if !ok {
		return
	}
	delete(w.sums, id)
	if w.live[sum]--; w.live[sum] <= 0 {
		delete(w.live, sum)
	}
}
