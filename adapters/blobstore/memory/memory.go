// Package memory keeps attachments in memory, content-addressed like the files store: for
// tests and the memory: event store.
package memory

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"sync"

	"github.com/ticketengine/ticketengine/application"
	"github.com/ticketengine/ticketengine/application/attachments"
)

// Store holds files by their SHA-256.
type Store struct {
	mu    sync.Mutex
	files map[string][]byte
}

var _ attachments.Blobs = (*Store)(nil)

// New returns an empty store.
func New() *Store { return &Store{files: map[string][]byte{}} }

// Put reads r whole (this store is for tests) and keeps it under its hash; an ended
// ctx stores nothing, as with the other stores.
func (s *Store) Put(ctx context.Context, r io.Reader) (string, int64, error) {
	b, err := io.ReadAll(r)
	if err == nil {
		err = ctx.Err()
	}
	if err != nil {
		return "", 0, err
	}
	h := sha256.Sum256(b)
	sum := hex.EncodeToString(h[:])
	s.mu.Lock()
	s.files[sum] = b
	s.mu.Unlock()
	return sum, int64(len(b)), nil
}

// Open returns the file of a SHA-256.
func (s *Store) Open(_ context.Context, sum string) (io.ReadCloser, error) {
	s.mu.Lock()
	b, ok := s.files[sum]
	s.mu.Unlock()
	if !ok {
		return nil, fmt.Errorf("%w: no file %s", application.ErrNotFound, sum)
	}
	return io.NopCloser(bytes.NewReader(b)), nil
}

// Delete removes the file of a SHA-256.
func (s *Store) Delete(_ context.Context, sum string) error {
	s.mu.Lock()
	delete(s.files, sum)
	s.mu.Unlock()
	return nil
}

// Sums are the SHA-256 of every file the store holds.
func (s *Store) Sums() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]string, 0, len(s.files))
	for sum := range s.files {
		out = append(out, sum)
	}
	return out
}

// Len is how many files the store holds.
func (s *Store) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.files)
}
