// Package s3blob keeps the attachments' files (attachments.Blobs) in a bucket of an
// S3-compatible server (AWS S3, MinIO, SeaweedFS, Ceph…), through minio-go, so that
// every ticketd of a deployment reads the files any of them received.
//
// Files are content-addressed as in the files store: the key is PREFIX + the SHA-256,
// known only once the upload has been read. So an upload is first spooled to a temporary
// file (Config.TempDir), hashed on the way, then sent under its key with its size known:
// one PUT, or for a large file a multipart upload whose parts minio-go reads from the file
// in place, so no upload is held in memory. A failed or refused upload leaves nothing: the
// spool file is removed, and nothing was sent, or minio-go aborts the multipart upload.
// What a crash leaves (a spool file, an unfinished multipart upload) is removed by the
// next Open after a day, as the files store does with its tmp directory. A PUT the server
// acknowledged is as durable as the server makes it.
package s3blob

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"

	"github.com/ticketengine/ticketengine/application"
	"github.com/ticketengine/ticketengine/application/attachments"
)

// staleAfter is the age of a temporary object or an unfinished upload that Open removes:
// old enough that no live upload (of another node, of ticketctl) is still writing it.
const staleAfter = 24 * time.Hour

// Store is the files in one bucket under one prefix.
type Store struct {
	client  *minio.Client
	cfg     Config
	sending keyLocks // uploads in progress, by SHA-256
}

var _ attachments.Blobs = (*Store)(nil)

// Open connects to the bucket, which must exist (the store makes no buckets: their
// policies, versioning and lifecycle are the operator's), and removes what uploads
// interrupted a day ago or more left behind.
func Open(ctx context.Context, cfg Config) (*Store, error) {
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("s3: %w", err)
	}
	client, err := minio.New(cfg.endpoint(), &minio.Options{
		Creds: credentials.NewStaticV4(cfg.AccessKey, cfg.SecretKey, ""), Secure: !cfg.Insecure, Region: cfg.Region})
	if err != nil {
		return nil, fmt.Errorf("s3 %s: %w", cfg.endpoint(), err)
	}
	s := &Store{client: client, cfg: cfg}
	ok, err := client.BucketExists(ctx, cfg.Bucket)
	switch {
	case err != nil:
		return nil, fmt.Errorf("s3 %s: bucket %s: %w", cfg.endpoint(), cfg.Bucket, err)
	case !ok:
		return nil, fmt.Errorf("s3 %s: there is no bucket %s (create it first)", cfg.endpoint(), cfg.Bucket)
	}
	if err := s.removeStale(ctx, time.Now().Add(-staleAfter)); err != nil {
		return nil, fmt.Errorf("s3 %s: %w", cfg.endpoint(), err)
	}
	return s, nil
}

func (s *Store) key(sum string) string { return s.cfg.Prefix + sum }

// spoolPattern names the temporary files uploads are spooled to.
const spoolPattern = "tickets-s3-upload-*"

func (s *Store) tempDir() string {
	if s.cfg.TempDir == "" {
		return os.TempDir()
	}
	return s.cfg.TempDir
}

// Put implements attachments.Blobs: the upload is spooled to a temporary file, hashed on
// the way, then sent under its SHA-256 with its size known, so that minio-go streams it
// from the file (one PUT, or parts read in place) and holds no part in memory.
func (s *Store) Put(ctx context.Context, r io.Reader) (string, int64, error) {
	f, err := os.CreateTemp(s.tempDir(), spoolPattern)
	if err != nil {
		return "", 0, fmt.Errorf("s3: spool: %w", err)
	}
	defer func() {
		_ = f.Close()
		_ = os.Remove(f.Name())
	}()
	h := sha256.New()
	size, err := io.CopyBuffer(io.MultiWriter(f, h), ctxReader{ctx, r}, make([]byte, 64<<10))
	if err != nil {
		return "", 0, err
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return "", 0, fmt.Errorf("s3: spool: %w", err)
	}
	sum := hex.EncodeToString(h.Sum(nil))
	defer s.sending.lock(sum)()
	if s.has(ctx, sum, size) {
		return sum, size, nil
	}
	if _, err := s.client.PutObject(ctx, s.cfg.Bucket, s.key(sum), f, size, putOptions); err != nil {
		return "", 0, fmt.Errorf("s3: put %s: %w", sum, err) // minio-go aborted a multipart upload
	}
	return sum, size, nil
}

// has reports whether the server holds sum's object with size bytes already: the key is
// the content's hash, so it is the same file, and it is not sent again (a screenshot
// several customers send, a file imported twice). Sending it again would also replace it,
// which on a server whose overwrite is remove-then-link (Versity's S3 gateway on POSIX)
// leaves the key missing for an instant; uploads of one file through this process wait
// for each other (sending), so only nodes uploading one file at the same instant still
// overwrite. When the server cannot tell (an error), the file is sent.
func (s *Store) has(ctx context.Context, sum string, size int64) bool {
	info, err := s.client.StatObject(ctx, s.cfg.Bucket, s.key(sum), minio.StatObjectOptions{})
	return err == nil && info.Size == size
}

var putOptions = minio.PutObjectOptions{ContentType: "application/octet-stream"}

// Open implements attachments.Blobs. A missing key is asked for once more after
// recheckAfter before it is believed: a server whose overwrite is remove-then-link
// (Versity's S3 gateway on a POSIX file system) lacks the key for an instant while the
// same file is uploaded again, which content addressing makes common (two customers
// sending one screenshot).
func (s *Store) Open(ctx context.Context, sum string) (io.ReadCloser, error) {
	if !validSum(sum) {
		return nil, fmt.Errorf("%w: no file %q", application.ErrNotFound, sum)
	}
	obj, err := s.get(ctx, sum)
	if notFound(err) {
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(recheckAfter):
		}
		obj, err = s.get(ctx, sum)
	}
	switch {
	case notFound(err):
		return nil, fmt.Errorf("%w: no file %s", application.ErrNotFound, sum)
	case err != nil:
		return nil, fmt.Errorf("s3: get %s: %w", sum, err)
	}
	return obj, nil
}

// recheckAfter is how long Open waits before asking again for a key found missing.
const recheckAfter = 100 * time.Millisecond

// get sends the GET of sum's object: a missing key is known here, not at the first Read.
func (s *Store) get(ctx context.Context, sum string) (*minio.Object, error) {
	obj, err := s.client.GetObject(ctx, s.cfg.Bucket, s.key(sum), minio.GetObjectOptions{})
	if err == nil {
		_, err = obj.Stat()
	}
	if err != nil && obj != nil {
		_ = obj.Close()
	}
	if err != nil {
		return nil, err
	}
	return obj, nil
}

// Delete implements attachments.Blobs (S3 answers a delete of a missing key with success).
func (s *Store) Delete(ctx context.Context, sum string) error {
	if !validSum(sum) {
		return nil
	}
	if err := s.client.RemoveObject(ctx, s.cfg.Bucket, s.key(sum), minio.RemoveObjectOptions{}); err != nil {
		return fmt.Errorf("s3: delete %s: %w", sum, err)
	}
	return nil
}

// removeStale removes the spool files and the unfinished multipart uploads (of a node
// that crashed mid-upload) older than before.
func (s *Store) removeStale(ctx context.Context, before time.Time) error {
	spooled, _ := filepath.Glob(filepath.Join(s.tempDir(), spoolPattern))
	for _, name := range spooled {
		if info, err := os.Stat(name); err == nil && info.ModTime().Before(before) {
			_ = os.Remove(name)
		}
	}
	for u := range s.client.ListIncompleteUploads(ctx, s.cfg.Bucket, s.cfg.Prefix, true) {
		if u.Err != nil {
			return fmt.Errorf("list uploads: %w", u.Err)
		}
		if u.Initiated.Before(before) {
			if err := s.client.RemoveIncompleteUpload(ctx, s.cfg.Bucket, u.Key); err != nil {
				return fmt.Errorf("abort upload %s: %w", u.Key, err)
			}
		}
	}
	return nil
}

func notFound(err error) bool {
	e := minio.ToErrorResponse(err)
	return e.Code == "NoSuchKey" || e.StatusCode == http.StatusNotFound
}

// validSum is a SHA-256 in lower-case hex: nothing else names a key of this store.
func validSum(sum string) bool {
	if len(sum) != 64 {
		return false
	}
	for _, c := range sum {
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

// ctxReader stops reading when ctx ends (a client gone mid-upload).
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}
