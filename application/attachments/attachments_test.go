package attachments_test

import (
	"context"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/ticketengine/ticketengine/adapters/blobstore/memory"
	"github.com/ticketengine/ticketengine/adapters/eventstore/memstore"
	"github.com/ticketengine/ticketengine/application"
	"github.com/ticketengine/ticketengine/application/attachments"
	"github.com/ticketengine/ticketengine/application/eventlog"
	"github.com/ticketengine/ticketengine/application/eventstoretest"
	"github.com/ticketengine/ticketengine/domain"
	"github.com/ticketengine/ticketengine/domain/errs"
)

func TestCleanFilename(t *testing.T) {
	for in, want := range map[string]string{
		"发票.pdf":                          "发票.pdf",
		`C:\Users\陈\发票 2026.pdf`:          "发票 2026.pdf",
		"../../etc/passwd":                "passwd",
		"/":                               "file",
		"..":                              "file",
		"":                                "file",
		"a\r\nb.txt":                      "", // a line break: refused
		strings.Repeat("长", 300) + ".pdf": strings.Repeat("长", 196) + ".pdf",
	} {
		got, err := attachments.CleanFilename(in)
		if want == "" {
			if err == nil || errs.KindOf(err) != errs.Validation {
				t.Errorf("%q: %q, %v; want a validation error", in, got, err)
			}
			continue
		}
		if err != nil || got != want {
			t.Errorf("%q: %q, %v; want %q", in, got, err, want)
		}
	}
}

type fixture struct {
	svc   *attachments.Service
	blobs *memory.Store
	store *memstore.Store
}

func newFixture(t *testing.T, max int64) fixture {
	store, blobs := memstore.New(), memory.New()
	svc, err := attachments.New(attachments.Config{Store: store, Blobs: blobs, Clock: eventstoretest.NewClock(time.Now()), MaxSize: max})
	if err != nil {
		t.Fatal(err)
	}
	return fixture{svc: svc, blobs: blobs, store: store}
}

func (f fixture) upload(t *testing.T, who, body string) domain.Attachment {
	t.Helper()
	a, err := f.svc.Upload(context.Background(), attachments.Upload{Uploader: who, Filename: "a.pdf", Meta: eventlog.Metadata{Actor: who}}, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// TestUploadLimits: a file of exactly the limit is taken, one byte more is ErrTooLarge, a
// type outside the list is ErrType; neither stores a file or an event.
func TestUploadLimits(t *testing.T) {
	f := newFixture(t, 100)
	ctx := context.Background()
	exact := "%PDF-1.4 " + strings.Repeat("x", 91)
	if a := f.upload(t, "admin", exact); a.Size != 100 || a.ContentType != "application/pdf" {
		t.Fatalf("at the limit: %+v", a)
	}
	for name, body := range map[string]string{"over": exact + "y", "exe": "MZ\x90\x00" + strings.Repeat("\x00", 60), "html": "<html><body>x</body></html>"} {
		_, err := f.svc.Upload(ctx, attachments.Upload{Uploader: "admin", Filename: name}, strings.NewReader(body))
		want := attachments.ErrType
		if name == "over" {
			want = attachments.ErrTooLarge
		}
		if !errors.Is(err, want) {
			t.Errorf("%s: %v, want %v", name, err, want)
		}
	}
	if f.blobs.Len() != 1 {
		t.Fatalf("%d files stored, want the one accepted", f.blobs.Len())
	}
	if all, _ := f.store.ReadAll(ctx, 0, 100); len(all) != 1 {
		t.Fatalf("%d events, want the one upload", len(all))
	}
}

// TestAttachClaimsOnce: an upload is attached once, by its uploader; a refused command
// releases its claims; a failure that may have stored the message keeps them, and a
// repeat with the same claim key completes.
func TestAttachClaimsOnce(t *testing.T) {
	f := newFixture(t, 0)
	ctx := context.Background()
	a := f.upload(t, "agent:1", "%PDF-1.4 a")
	meta := eventlog.Metadata{Actor: "agent:1"}
	ok := func([]domain.Attachment) error { return nil }
	refused := func([]domain.Attachment) error {
		return &domain.ValidationError{Fields: []domain.FieldError{{Field: "body"}}}
	}
	lost := func([]domain.Attachment) error { return errors.New("store unreachable") }
	if err := f.svc.Attach(ctx, "agent:2", []string{a.ID}, "k0", meta, ok); errs.KindOf(err) != errs.Validation {
		t.Fatalf("another uploader: %v", err)
	}
	if err := f.svc.Attach(ctx, "agent:1", []string{a.ID}, "k1", meta, refused); errs.KindOf(err) != errs.Validation {
		t.Fatalf("refused: %v", err)
	}
	if err := f.svc.Attach(ctx, "agent:1", []string{a.ID}, "k2", meta, lost); err == nil {
		t.Fatal("a lost command's error was swallowed")
	}
	if err := f.svc.Attach(ctx, "agent:1", []string{a.ID}, "k3", meta, ok); errs.KindOf(err) != errs.Validation {
		t.Fatalf("claimed by k2, attached by k3: %v", err)
	}
	var got []domain.Attachment
	if err := f.svc.Attach(ctx, "agent:1", []string{a.ID}, "k2", meta, func(atts []domain.Attachment) error { got = atts; return nil }); err != nil || len(got) != 1 || got[0] != a {
		t.Fatalf("the repeat of k2: %v %v", got, err)
	}
	if err := f.svc.Attach(ctx, "agent:1", []string{a.ID, a.ID}, "k4", meta, ok); errs.KindOf(err) != errs.Validation {
		t.Fatalf("named twice: %v", err)
	}
}

// TestOpenForTicket: the customer opens only files of public messages of their ticket.
func TestOpenForTicket(t *testing.T) {
	f := newFixture(t, 0)
	ctx := context.Background()
	pub, note := f.upload(t, "admin", "%PDF-1.4 p"), f.upload(t, "admin", "%PDF-1.4 n")
	e1 := domain.TicketReplied{Body: "x", Public: true, Attachments: []domain.Attachment{pub}}
	e2 := domain.TicketReplied{Body: "y", Public: false, Attachments: []domain.Attachment{note}}
	ticket := appendTicket(t, f.store, e1, e2)
	file, err := f.svc.OpenForTicket(ctx, ticket, pub.ID)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(file.Body)
	file.Body.Close()
	if string(body) != "%PDF-1.4 p" {
		t.Fatalf("public file: %q", body)
	}
	for _, id := range []string{note.ID, "nope"} {
		if _, err := f.svc.OpenForTicket(ctx, ticket, id); !errors.Is(err, application.ErrNotFound) {
			t.Fatalf("%s: %v", id, err)
		}
	}
}
