package s3blob_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/minio/minio-go/v7"

	"github.com/ticketengine/ticketengine/adapters/blobstore/s3blob"
	"github.com/ticketengine/ticketengine/adapters/blobstore/s3blob/s3test"
	"github.com/ticketengine/ticketengine/application/attachments/blobtest"
)

// fresh is a store on a fresh prefix of the real server (s3test).
func fresh(t *testing.T) (*s3blob.Store, s3test.Place) {
	t.Helper()
	p := s3test.Fresh(t)
	s, err := s3blob.Open(context.Background(), p.Config)
	if err != nil {
		t.Fatal(err)
	}
	return s, p
}

func TestConformance(t *testing.T) {
	blobtest.Run(t, func(t *testing.T) blobtest.Subject {
		s, p := fresh(t)
		return blobtest.Subject{Blobs: s, Kept: p.Kept}
	})
}

// TestNoBucket: Open refuses a bucket that is not there, and says so.
func TestNoBucket(t *testing.T) {
	cfg := s3test.Fresh(t).Config
	cfg.Bucket = "no-such-bucket-" + uuid.NewString()[:8]
	if _, err := s3blob.Open(context.Background(), cfg); err == nil || !strings.Contains(err.Error(), "no bucket") {
		t.Fatalf("open a missing bucket: %v", err)
	}
}

// TestRemoveStale: what an interrupted upload left (a spool file, an unfinished
// multipart upload) is removed once older than the limit, not before; the files stay.
func TestRemoveStale(t *testing.T) {
	s, p := fresh(t)
	ctx := context.Background()
	sum, _, err := s.Put(ctx, strings.NewReader("a file"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(p.Config.TempDir, "tickets-s3-upload-123"), []byte("half"), 0o600); err != nil {
		t.Fatal(err)
	}
	core := minio.Core{Client: p.Client}
	if _, err := core.NewMultipartUpload(ctx, p.Config.Bucket, p.Config.Prefix+uuid.NewString(), minio.PutObjectOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := s.RemoveStale(ctx, time.Now().Add(-time.Hour)); err != nil {
		t.Fatal(err)
	}
	if names, _ := p.Kept(ctx); len(names) != 3 {
		t.Fatalf("what a live upload may still write was removed: %v", names)
	}
	if err := s.RemoveStale(ctx, time.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if names, _ := p.Kept(ctx); len(names) != 1 || names[0] != p.Config.Prefix+sum {
		t.Fatalf("after the sweep: %v, want the file alone", names)
	}
}

// TestAFileAlreadyThereIsNotSentAgain: a second upload of the same content finds its
// object (same key, same size) and leaves it as it was: not sent, not replaced (its
// Last-Modified, to the second, is unchanged).
func TestAFileAlreadyThereIsNotSentAgain(t *testing.T) {
	s, p := fresh(t)
	ctx := context.Background()
	body := strings.Repeat("截图 screenshot ", 500)
	sum, _, err := s.Put(ctx, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	before, err := p.Client.StatObject(ctx, p.Config.Bucket, p.Config.Prefix+sum, minio.StatObjectOptions{})
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(1100 * time.Millisecond) // Last-Modified counts seconds
	if again, _, err := s.Put(ctx, strings.NewReader(body)); err != nil || again != sum {
		t.Fatalf("second upload: %s, %v; want %s", again, err, sum)
	}
	after, err := p.Client.StatObject(ctx, p.Config.Bucket, p.Config.Prefix+sum, minio.StatObjectOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !after.LastModified.Equal(before.LastModified) {
		t.Fatalf("the object was sent again: last modified %s, then %s", before.LastModified, after.LastModified)
	}
}
