package attachments

import (
	"context"
	"io"
)

// Blobs is where the files are: content-addressed by their SHA-256 (lower-case hex), so
// the event that names a file names its content. Put streams: it never holds the whole
// file in memory. adapters/blobstore/files keeps them under --data; adapters/blobstore/memory
// in memory, for tests.
type Blobs interface {
	// Put stores what r yields, hashing it on the way, and returns its SHA-256 and size.
	// When Put returns nil the file is durable (the file and its directory synced). When
	// r fails, or ctx ends, Put returns that error and leaves nothing behind.
	Put(ctx context.Context, r io.Reader) (sha256 string, size int64, err error)
	// Open returns the file; an error wrapping application.ErrNotFound when there is none.
	Open(ctx context.Context, sha256 string) (io.ReadCloser, error)
	// Delete removes the file; deleting a missing one is no error.
	Delete(ctx context.Context, sha256 string) error
}
