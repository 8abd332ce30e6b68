// Package files keeps attachments as files under a directory (--data/attachments),
// content-addressed: a file is named by its SHA-256 (ab/abcdef…), so an equal upload is
// stored once and a changed file no longer matches the events that name it. A file is
// written to a temporary name, synced, renamed into place and its directory synced: when
// Put returns, it survives a crash, and a failed or refused upload leaves nothing.
package files

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/ticketengine/ticketengine/application"
	"github.com/ticketengine/ticketengine/application/attachments"
)

// Store is the files under one directory.
type Store struct {
	dir string
}

var _ attachments.Blobs = (*Store)(nil)

// Open returns the store under dir, creating it (and its tmp directory) if needed, and
// removing the temporary files of uploads interrupted a day ago or more (not newer ones:
// another process on the same directory, ticketctl beside ticketd, may be writing them).
func Open(dir string) (*Store, error) {
	tmp := filepath.Join(dir, "tmp")
	if err := os.MkdirAll(tmp, 0o700); err != nil {
		return nil, fmt.Errorf("attachments: %w", err)
	}
	left, err := os.ReadDir(tmp)
	if err != nil {
		return nil, fmt.Errorf("attachments: %w", err)
	}
	for _, e := range left {
		if info, err := e.Info(); err == nil && time.Since(info.ModTime()) > 24*time.Hour {
			_ = os.Remove(filepath.Join(tmp, e.Name()))
		}
	}
	return &Store{dir: dir}, nil
}

// Path is where the file of a SHA-256 is kept.
func (s *Store) Path(sum string) string { return filepath.Join(s.dir, sum[:2], sum) }

// Put streams r to a temporary file, hashing it, then makes it durable under its hash.
func (s *Store) Put(ctx context.Context, r io.Reader) (string, int64, error) {
	f, err := os.CreateTemp(filepath.Join(s.dir, "tmp"), "upload-*")
	if err != nil {
		return "", 0, err
	}
	done := false
	defer func() {
		if !done {
			_ = f.Close()
			_ = os.Remove(f.Name())
		}
	}()
	h := sha256.New()
	size, err := io.CopyBuffer(io.MultiWriter(f, h), ctxReader{ctx, r}, make([]byte, 64<<10))
	if err != nil {
		return "", 0, err
	}
	if err := f.Sync(); err != nil {
		return "", 0, err
	}
	if err := f.Close(); err != nil {
		return "", 0, err
	}
	sum := hex.EncodeToString(h.Sum(nil))
	if err := s.place(f.Name(), sum); err != nil {
		return "", 0, err
	}
	done = true
	return sum, size, nil
}

// place renames the synced temporary file to its address and syncs the directories the
// rename changed.
func (s *Store) place(tmp, sum string) error {
	sub := filepath.Dir(s.Path(sum))
	if err := os.Mkdir(sub, 0o700); err != nil && !errors.Is(err, fs.ErrExist) {
		return err
	} else if err == nil {
		if err := syncDir(s.dir); err != nil {
			return err
		}
	}
	if err := os.Rename(tmp, s.Path(sum)); err != nil {
		return err
	}
	return syncDir(sub)
}

// Open returns the file of a SHA-256.
func (s *Store) Open(_ context.Context, sum string) (io.ReadCloser, error) {
	if !validSum(sum) {
		return nil, fmt.Errorf("%w: no file %q", application.ErrNotFound, sum)
	}
	f, err := os.Open(s.Path(sum))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%w: no file %s", application.ErrNotFound, sum)
	}
	return f, err
}

// Delete removes the file of a SHA-256, durably.
func (s *Store) Delete(_ context.Context, sum string) error {
	if !validSum(sum) {
		return nil
	}
	err := os.Remove(s.Path(sum))
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	return syncDir(filepath.Dir(s.Path(sum)))
}

func validSum(sum string) bool {
	if len(sum) != 64 {
		return false
	}
	_, err := hex.DecodeString(sum)
	return err == nil
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
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
