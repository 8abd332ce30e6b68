package service_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/adapters/eventstore/esdb/esdbtest"
	"github.com/ticketengine/ticketengine/application/attachments"
	"github.com/ticketengine/ticketengine/application/eventlog"
	"github.com/ticketengine/ticketengine/cmd/internal/service"
	"github.com/ticketengine/ticketengine/cmd/internal/service/servicetest"
)

// An erasure reaches the customer's files (docs/AUDIT.md "Erasure") on every event store:
// the files the customer sent on two tickets (uploaded on the ticket, or anonymously
// before it) are deleted from disk and answer 404, staff's file stays, a customer file
// whose content a staff upload shares stays on disk for it, the files' check of
// `ticketctl verify` passes, and no raw event holds a customer's filename in plain.

func TestErasureFilesOnMemoryStore(t *testing.T) {
	runErasureFiles(t, service.Config{EventStore: "memory:", Data: t.TempDir()})
}

func TestErasureFilesOnEmbeddedStore(t *testing.T) {
	runErasureFiles(t, service.Config{Data: t.TempDir()})
}

func TestErasureFilesOnPostgresStore(t *testing.T) {
	runErasureFiles(t, servicetest.PostgresConfig(t))
}

func TestErasureFilesOnEventStoreDB(t *testing.T) {
	runErasureFiles(t, service.Config{EventStore: esdbtest.Start(t).ConnectionString(), Data: t.TempDir()})
}

// fileSecrets are the customer's filenames: personal data, never in a raw event in plain.
var fileSecrets = []string{"Ocelot", "Pangolin", "Narwhal", "Capybara"}

type portalTicket struct{ id, path, code string }

func runErasureFiles(t *testing.T, cfg service.Config) {
	c, svc, _ := servicetest.RunningService(t, cfg)
	cust := map[string]any{"id": "crm-files", "name": "文件客户", "email": "files@example.com", "tier": "core"}
	var tickets []portalTicket
	for _, subject := range []string{"one", "two"} {
		r := c.Must(201, "POST", "/tickets", map[string]any{"channel": "api", "customer": cust, "subject": subject})
		tickets = append(tickets, portalTicket{r.Body["id"].(string), "/portal/tickets/" + r.Body["number"].(string), url.QueryEscape(r.Body["access_code"].(string))})
	}
	anon := servicetest.Client{T: t, Base: c.Base}
	up := func(p portalTicket, name string, content []byte) string {
		return anon.MustUpload(201, p.path+"/attachments?code="+p.code, name, content).Body["id"].(string)
	}
	a, b := tickets[0], tickets[1]
	onA := up(a, "发票 Ocelot.pdf", servicetest.PDF("ocelot"))
	anon.Must(200, "POST", a.path+"/replies?code="+a.code, map[string]any{"body": "见附件", "attachments": []string{onA}})
	onB := up(b, "Pangolin.pdf", servicetest.PDF("shared with staff"))
	anon.Must(200, "POST", b.path+"/replies?code="+b.code, map[string]any{"body": "again", "attachments": []string{onB}})
	loose := up(b, "Narwhal.pdf", servicetest.PDF("never attached"))
	early := anon.MustUpload(201, "/portal/attachments", "Capybara.pdf", servicetest.PDF("before the ticket")).Body["id"].(string)
	self := anon.Must(201, "POST", "/portal/tickets", servicetest.WithAttachments(servicetest.SelfServiceTicket("files@example.com", "unconfirmed"), early))
	staff := c.MustUpload(201, "/attachments", "staff-answer.pdf", servicetest.PDF("staff")).Body["id"].(string)
	twin := c.MustUpload(201, "/attachments", "staff-twin.pdf", servicetest.PDF("shared with staff")).Body["id"].(string)
	c.Must(200, "POST", "/tickets/"+a.id+"/replies", map[string]any{"body": "ours", "attachments": []string{staff}})
	c.Must(200, "POST", "/tickets/"+b.id+"/replies", map[string]any{"body": "twin", "public": false, "attachments": []string{twin}})
	checkRawNames(t, svc)
	selfID, err := svc.Commands.FindByNumber.Find(context.Background(), self.Body["number"].(string), self.Body["access_code"].(string))
	if err != nil {
		t.Fatal(err)
	}
	checkUploader(t, svc, early, selfID.String(), "customer:"+svc.Secrets.ClientPseudonym("127.0.0.1"))
	if r, body := anon.Raw("GET", a.path+"/attachments/"+onA+"?code="+a.code); r.Status != 200 || !bytes.Equal(body, servicetest.PDF("ocelot")) {
		t.Fatalf("the customer's download before the erasure: %d", r.Status)
	}
	data := filepath.Join(cfg.Data, "attachments")
	if n := len(servicetest.FilesUnder(t, data)); n != 5 {
		t.Fatalf("%d files before the erasure, want 5 (twin shares one)", n)
	}
	c.Must(200, "POST", "/customers/crm-files/erase", nil)
	c.Must(200, "POST", "/customers/crm-files/erase", nil) // idempotent: nothing more to delete
	for _, id := range []string{onA, onB, loose, early} {
		c.Must(404, "GET", "/attachments/"+id, nil)
	}
	anon.Must(404, "GET", a.path+"/attachments/"+onA+"?code="+a.code, nil)
	anon.Must(404, "GET", b.path+"/attachments/"+onB+"?code="+b.code, nil)
	if r, body := c.Raw("GET", "/attachments/"+twin); r.Status != 200 || !bytes.Equal(body, servicetest.PDF("shared with staff")) {
		t.Fatalf("staff's upload sharing a deleted upload's content: %d", r.Status)
	}
	if r, _ := anon.Raw("GET", a.path+"/attachments/"+staff+"?code="+a.code); r.Status != 200 {
		t.Fatalf("staff's public file on the erased ticket: %d", r.Status)
	}
	if n := len(servicetest.FilesUnder(t, data)); n != 2 {
		t.Fatalf("%d files after the erasure, want 2 (staff's two)", n)
	}
	checkErasedUploads(t, svc, onA, onB, loose, early)
	checkRawNames(t, svc)
	checkChain(t, svc.Raw)
}

// checkRawNames: the raw records hold no customer filename in plain.
func checkRawNames(t *testing.T, svc *service.Service) {
	t.Helper()
	recs, err := svc.Raw.ReadAll(context.Background(), 0, 100_000)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range recs {
		if containsAny(string(r.Data), fileSecrets) {
			t.Fatalf("raw %s %s holds a filename in plain: %s", r.Stream, r.Type, r.Data)
		}
	}
}

// checkErasedUploads: each erased upload records AttachmentDeleted{reason:"erasure"} once,
// and what `ticketctl verify` checks of the files (every upload not deleted) passes.
func checkErasedUploads(t *testing.T, svc *service.Service, ids ...string) {
	t.Helper()
	ctx := context.Background()
	for _, id := range ids {
		recs, err := svc.Raw.ReadStream(ctx, attachments.Stream(id))
		if err != nil {
			t.Fatal(err)
		}
		last := recs[len(recs)-1]
		n := strings.Count(string(last.Data), `"erasure"`)
		if last.Type != attachments.TypeDeleted || n != 1 || recs[len(recs)-2].Type == attachments.TypeDeleted {
			t.Fatalf("upload %s ends with %s %s", id, last.Type, last.Data)
		}
	}
	live, err := attachments.Live(ctx, svc.Raw)
	if err != nil {
		t.Fatal(err)
	}
	problems, err := attachments.VerifyFiles(ctx, live, svc.Blobs)
	if err != nil || len(problems) != 0 || len(live) != 2 {
		t.Fatalf("%d live uploads; the files' check: %v %v", len(live), problems, err)
	}
}

// checkUploader: an anonymous upload belongs to its client's keyed pseudonym, the same
// the self-service ticket that claimed it was recorded with.
func checkUploader(t *testing.T, svc *service.Service, id, ticket, want string) {
	t.Helper()
	recs, err := svc.Raw.ReadStream(context.Background(), attachments.Stream(id))
	if err != nil {
		t.Fatal(err)
	}
	opened, err := svc.Raw.ReadStream(context.Background(), eventlog.TicketStream(uuid.MustParse(ticket)))
	if err != nil || opened[0].Meta.Actor != want {
		t.Fatalf("the self-service ticket's actor: %v %v; want %q", opened, err, want)
	}
	var u attachments.Uploaded
	if err := json.Unmarshal(recs[0].Data, &u); err != nil || u.Uploader != want || recs[0].Meta.Actor != want {
		t.Fatalf("the upload's uploader %q, actor %q; want %q (%v)", u.Uploader, recs[0].Meta.Actor, want, err)
	}
}
