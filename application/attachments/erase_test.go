package attachments_test

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/adapters/blobstore/memory"
	"github.com/ticketengine/ticketengine/adapters/eventstore/memstore"
	"github.com/ticketengine/ticketengine/application"
	"github.com/ticketengine/ticketengine/application/attachments"
	"github.com/ticketengine/ticketengine/application/erasure"
	"github.com/ticketengine/ticketengine/application/eventlog"
	"github.com/ticketengine/ticketengine/application/eventstoretest"
)

// failingBlobs fails the next Delete when fail is set.
type failingBlobs struct {
	*memory.Store
	fail bool
}

func (b *failingBlobs) Delete(ctx context.Context, sum string) error {
	if b.fail {
		b.fail = false
		return errors.New("disk error")
	}
	return b.Store.Delete(ctx, sum)
}

// TestEraseTicketFiles: a customer's upload on their ticket is stored with its filename
// sealed by a key of its own and opened on read; an erasure whose file deletion failed
// is completed by repeating it: one AttachmentDeleted{reason:"erasure"}, the file gone,
// the key destroyed. A staff upload on the same ticket is not touched.
func TestEraseTicketFiles(t *testing.T) {
	ctx := context.Background()
	raw, keys, blobs := memstore.New(), erasure.NewMemoryKeys(), &failingBlobs{Store: memory.New()}
	svc, err := attachments.New(attachments.Config{Store: erasure.NewOpeningStore(raw, keys), Blobs: blobs,
		Clock: eventstoretest.NewClock(time.Now()), Keys: keys})
	if err != nil {
		t.Fatal(err)
	}
	ticket := uuid.New()
	up := func(who, name, body string) string {
		a, err := svc.Upload(ctx, attachments.Upload{Uploader: who, Filename: name}, strings.NewReader(body))
		if err != nil || a.Filename != name {
			t.Fatalf("upload %s: %+v %v", name, a, err)
		}
		return a.ID
	}
	mine := up(attachments.TicketUploader(ticket), "客户 Ocelot.pdf", "%PDF-1.4 mine")
	staff := up("admin", "staff.pdf", "%PDF-1.4 staff")
	got, err := svc.Get(ctx, mine)
	if err != nil || got.Filename != "客户 Ocelot.pdf" {
		t.Fatalf("read through the opening store: %+v %v", got, err)
	}
	recs, _ := raw.ReadStream(ctx, attachments.Stream(mine))
	if bytes.Contains(recs[0].Data, []byte("Ocelot")) || !bytes.Contains(recs[0].Data, []byte(`"pii2:`)) {
		t.Fatalf("the stored upload: %s", recs[0].Data)
	}
	w := attachments.NewSweeper(svc)
	meta := eventlog.Metadata{Actor: "admin"}
	blobs.fail = true
	if _, err := w.EraseTicketFiles(ctx, ticket, meta); err == nil {
		t.Fatal("a failed file deletion is not reported")
	}
	if n, err := w.EraseTicketFiles(ctx, ticket, meta); err != nil || n != 0 {
		t.Fatalf("the repeat recorded %d: %v", n, err)
	}
	if _, err := svc.Open(ctx, mine); !errors.Is(err, application.ErrNotFound) {
		t.Fatalf("the erased upload opens: %v", err)
	}
	if _, err := blobs.Open(ctx, got.SHA256); !errors.Is(err, application.ErrNotFound) {
		t.Fatalf("the erased upload's file: %v", err)
	}
	if _, err := keys.Lookup(ctx, uuid.MustParse(mine)); !errors.Is(err, erasure.ErrErased) {
		t.Fatalf("the upload's key: %v", err)
	}
	if recs, _ = raw.ReadStream(ctx, attachments.Stream(mine)); len(recs) != 2 || recs[1].Type != attachments.TypeDeleted ||
		!bytes.Contains(recs[1].Data, []byte(`"erasure"`)) {
		t.Fatalf("the upload's stream: %d records", len(recs))
	}
	if f, err := svc.Open(ctx, staff); err != nil {
		t.Fatalf("staff's upload: %v", err)
	} else {
		f.Body.Close()
	}
}
