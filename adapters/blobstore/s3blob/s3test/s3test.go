// Package s3test gives tests a fresh place on the real S3-compatible server named by
// TICKETS_TEST_S3 (s3://KEY:SECRET@BUCKET?endpoint=http://host:port; .ci/run starts one,
// the Versity S3 Gateway or SeaweedFS, and sets it, docs/SCALING.md). It is imported only
// by tests.
package s3test

import (
	"context"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"

	"github.com/ticketengine/ticketengine/adapters/blobstore/s3blob"
)

// Place is a fresh prefix in the test bucket: Config and URL name it (Config with a
// spool directory of its own), Client reaches the server directly (to look at what a
// store left). Its objects are removed at the end.
type Place struct {
	Config s3blob.Config
	URL    string
	Client *minio.Client
}

// Fresh returns a new prefix in the bucket of TICKETS_TEST_S3, made if missing. Without
// TICKETS_TEST_S3 the test skips, but fails under CI=true (.ci/run starts a server); a
// server named but unreachable, or refusing, fails the test, in CI and out.
func Fresh(t testing.TB) Place {
	t.Helper()
	raw := os.Getenv("TICKETS_TEST_S3")
	if raw == "" {
		const why = "TICKETS_TEST_S3 is not set (s3://KEY:SECRET@bucket?endpoint=http://host:port): no real S3 server to test against"
		if os.Getenv("CI") == "true" {
			t.Fatal(why + " (.ci/run starts one)")
		}
		t.Skip(why)
	}
	cfg, err := s3blob.ParseURL(raw)
	if err != nil {
		t.Fatalf("TICKETS_TEST_S3: %v", err)
	}
	endpoint := cfg.Endpoint
	if endpoint == "" {
		endpoint = "s3.amazonaws.com"
	}
	client, err := minio.New(endpoint, &minio.Options{
		Creds: credentials.NewStaticV4(cfg.AccessKey, cfg.SecretKey, ""), Secure: !cfg.Insecure, Region: cfg.Region})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	ok, err := client.BucketExists(ctx, cfg.Bucket)
	if err == nil && !ok {
		err = client.MakeBucket(ctx, cfg.Bucket, minio.MakeBucketOptions{Region: cfg.Region})
		if minio.ToErrorResponse(err).Code == "BucketAlreadyOwnedByYou" {
			err = nil // another test package made it at the same time
		}
	}
	if err != nil {
		t.Fatalf("the S3 server of TICKETS_TEST_S3 (%s): %v", endpoint, err)
	}
	prefix := "test-" + strings.ReplaceAll(uuid.NewString()[:13], "-", "")
	cfg.Prefix += prefix + "/"
	cfg.TempDir = t.TempDir()
	u, _ := url.Parse(raw)
	u.Path = "/" + strings.TrimSuffix(cfg.Prefix, "/")
	t.Cleanup(func() {
		ctx := context.Background()
		for o := range client.ListObjectsIter(ctx, cfg.Bucket, minio.ListObjectsOptions{Prefix: cfg.Prefix, Recursive: true}) {
			if o.Err == nil {
				_ = client.RemoveObject(ctx, cfg.Bucket, o.Key, minio.RemoveObjectOptions{})
			}
		}
	})
	return Place{Config: cfg, URL: u.String(), Client: client}
}

// Kept is every object under the place's prefix, every unfinished multipart upload
// there, and every spool file in its TempDir.
func (p Place) Kept(ctx context.Context) ([]string, error) {
	names, err := filepath.Glob(filepath.Join(p.Config.TempDir, "*"))
	if err != nil {
		return nil, err
	}
	for o := range p.Client.ListObjectsIter(ctx, p.Config.Bucket, minio.ListObjectsOptions{Prefix: p.Config.Prefix, Recursive: true}) {
		if o.Err != nil {
			return nil, o.Err
		}
		names = append(names, o.Key)
	}
	for u := range p.Client.ListIncompleteUploads(ctx, p.Config.Bucket, p.Config.Prefix, true) {
		if u.Err != nil {
			return nil, u.Err
		}
		names = append(names, "upload:"+u.Key)
	}
	return names, nil
}
