// Package filekeys keeps the customers' data keys (application/erasure) as files in a
// directory of their own under --data, apart from the event log: <id>.key holds a key
// (hex, mode 0600); <id>.erased marks a destroyed one. Destroy writes the mark first,
// then removes the key file, and syncs the directory, so a crash never leaves a
// customer with neither (who would then get a new key).
//
// Removing a file does not overwrite its blocks: on a journaling file system or an SSD
// the old key may stay readable to someone with the raw device until it is reused.
// docs/AUDIT.md ("Erasure") says so; keys meant to be shredded belong on encrypted storage.
package filekeys

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/application"
	"github.com/ticketengine/ticketengine/application/erasure"
)

// Store is a key store in a directory.
type Store struct {
	dir string
	mu  sync.Mutex // one process per directory; the lock orders this process's calls
}

var _ erasure.KeyStore = (*Store)(nil)

// Open returns the key store in dir, making the directory (0700) if it is missing.
func Open(dir string) (*Store, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("key store: %w", err)
	}
	return &Store{dir: dir}, nil
}

func (s *Store) path(id uuid.UUID, ext string) string { return filepath.Join(s.dir, id.String()+ext) }

// Lookup implements erasure.KeyStore.
func (s *Store) Lookup(_ context.Context, id uuid.UUID) ([]byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.lookup(id)
}

func (s *Store) lookup(id uuid.UUID) ([]byte, error) {
	if _, err := os.Stat(s.path(id, ".erased")); err == nil {
		return nil, erasure.ErrErased
	}
	b, err := os.ReadFile(s.path(id, ".key"))
	if errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("%w: no key for customer %s", application.ErrNotFound, id)
	}
	if err != nil {
		return nil, fmt.Errorf("key store: %w", err)
	}
	k, err := hex.DecodeString(string(b))
	if err != nil || len(k) != erasure.KeySize {
		return nil, fmt.Errorf("key store: %s is not a key", s.path(id, ".key"))
	}
	return k, nil
}

// Key implements erasure.KeyStore: a new key is written to a temporary file, synced and
// renamed into place, so a key once returned is on disk.
func (s *Store) Key(ctx context.Context, id uuid.UUID) ([]byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	k, err := s.lookup(id)
	if !errors.Is(err, application.ErrNotFound) {
		return k, err
	}
	if k, err = erasure.NewKey(); err != nil {
		return nil, err
	}
	if err := s.write(s.path(id, ".key"), []byte(hex.EncodeToString(k))); err != nil {
		return nil, err
	}
	return k, nil
}

// Destroy implements erasure.KeyStore.
func (s *Store) Destroy(_ context.Context, id uuid.UUID) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.write(s.path(id, ".erased"), nil); err != nil {
		return err
	}
	if err := os.Remove(s.path(id, ".key")); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("key store: %w", err)
	}
	return s.syncDir()
}

func (s *Store) write(path string, data []byte) error {
	tmp, err := os.CreateTemp(s.dir, ".tmp-*")
	if err != nil {
		return fmt.Errorf("key store: %w", err)
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o600); err == nil {
		_, err = tmp.Write(data)
		if err == nil {
			err = tmp.Sync()
		}
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		return fmt.Errorf("key store: %w", err)
	}
	return s.syncDir()
}

func (s *Store) syncDir() error {
	d, err := os.Open(s.dir)
	if err != nil {
		return fmt.Errorf("key store: %w", err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("key store: %w", err)
	}
	return nil
}
