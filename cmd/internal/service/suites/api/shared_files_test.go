package api

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/ticketengine/ticketengine/adapters/blobstore/s3blob/s3test"
	"github.com/ticketengine/ticketengine/cmd/internal/service"
	"github.com/ticketengine/ticketengine/cmd/internal/service/servicetest"
)

// TestFilesSharedByNodes: two ticketd on one PostgreSQL with --blobs in one S3 bucket
// (the real server of TICKETS_TEST_S3): a file uploaded through one is downloaded
// through the other, and is in the bucket under its SHA-256, not on either's disk.
func TestFilesSharedByNodes(t *testing.T) {
	place := s3test.Fresh(t)
	dsn := servicetest.FreshPostgresSchema(t)
	cfg := func() service.Config {
		c := service.Config{EventStore: dsn, Data: t.TempDir(), SecretKey: strings.Repeat("5e", 32), AdminToken: "adm_two_nodes_0123456789"}
		c.Attachments.Blobs = place.URL
		return c
	}
	a, _ := servicetest.StartService(t, cfg())
	b, _ := servicetest.StartService(t, cfg())
	content := servicetest.PDF("shared between nodes")
	up := a.MustUpload(201, "/attachments", "发票.pdf", content).Body
	r, body := b.Raw("GET", "/attachments/"+up["id"].(string))
	if r.Status != 200 || !bytes.Equal(body, content) {
		t.Fatalf("the download through the other node: %d %q", r.Status, body)
	}
	kept, err := place.Kept(context.Background())
	if err != nil || len(kept) != 1 || kept[0] != place.Config.Prefix+up["sha256"].(string) {
		t.Fatalf("the bucket holds %v (%v), want the one file under its SHA-256 (%v)", kept, err, up["sha256"])
	}
}

// TestAttachmentsOnS3: the API's attachment behaviours that do not look at --data, with
// the files in the bucket: a 20 MiB upload streamed (several parts), who sees which file,
// claims.
func TestAttachmentsOnS3(t *testing.T) {
	cfg := func(t *testing.T) service.Config {
		c := service.Config{EventStore: "memory:", Data: t.TempDir()}
		c.Attachments.Blobs = s3test.Fresh(t).URL
		return c
	}
	t.Run("Stream20MiB", func(t *testing.T) { testUploadStreams(servicetest.StartService(t, cfg(t))) })
	t.Run("Visibility", func(t *testing.T) { testAttachmentVisibility(servicetest.StartService(t, cfg(t))) })
	t.Run("ClaimOnce", func(t *testing.T) { testAttachmentClaims(servicetest.StartService(t, cfg(t))) })
}
