package bolt

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"

	bbolt "go.etcd.io/bbolt"
	bberrors "go.etcd.io/bbolt/errors"

	"github.com/ticketengine/ticketengine/application/eventlog"
)

// subscribePage is how many records a subscription reads per transaction. Handlers run
// outside any transaction: a long read transaction would stop the writer from growing
// the file's memory map, and a handler that appends would then wait on itself.
const subscribePage = 512

// ReadStream implements eventlog.EventStore: a prefix scan of the streams index.
func (s *Store) ReadStream(ctx context.Context, stream string) ([]eventlog.Record, error) {
	return s.ReadStreamFrom(ctx, stream, 0)
}

// ReadStreamFrom implements eventlog.EventStore: the same scan, from the index key of
// version `from` (keys are the stream's prefix and the big-endian version, so they sort
// by version).
func (s *Store) ReadStreamFrom(ctx context.Context, stream string, from int64) ([]eventlog.Record, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var out []eventlog.Record
	prefix := streamPrefix(stream)
	read := 0
	defer func() { s.touched(read) }()
	err := s.db.View(func(tx *bbolt.Tx) error {
		events := tx.Bucket(bucketEvents)
		c := tx.Bucket(bucketStreams).Cursor()
		for k, v := c.Seek(indexKey(prefix, max(from, 0))); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
			if len(k) != len(prefix)+8 {
				continue // a longer name sharing the bytes cannot occur, but never misread one
			}
			pos := be.Uint64(v)
			raw := events.Get(v)
			if raw == nil {
				return fmt.Errorf("stream %s: index names position %d, which is missing", stream, pos)
			}
			r, err := decodeRecord(pos, raw)
			if err != nil {
				return err
			}
			read += len(raw)
			out = append(out, r)
		}
		return nil
	})
	if err != nil {
		return nil, readError("read stream", err)
	}
	return out, nil
}

// ReadAll implements eventlog.EventStore.
func (s *Store) ReadAll(ctx context.Context, after uint64, limit int) ([]eventlog.Record, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if limit <= 0 || after == ^uint64(0) {
		return nil, nil
	}
	if after == 0 && s.prefetched.CompareAndSwap(false, true) {
		// A scan from the start (a catch-up, a rebuild, verify, export) reads the whole
		// file: have the kernel read it ahead in large requests, once per open. In the
		// background: submitting the reads of a large file may block for a while.
		go func() {
			if err := prefetch(s.path); err != nil {
				s.log.Debug("bolt event store: prefetch", "err", err)
			}
		}()
	}
	var out []eventlog.Record
	read := 0
	defer func() { s.touched(read) }()
	err := s.db.View(func(tx *bbolt.Tx) error {
		c := tx.Bucket(bucketEvents).Cursor()
		for k, v := c.Seek(posKey(after + 1)); k != nil && len(out) < limit; k, v = c.Next() {
			r, err := decodeRecord(be.Uint64(k), v)
			if err != nil {
				return err
			}
			read += len(v)
			out = append(out, r)
		}
		return nil
	})
	if err != nil {
		return nil, readError("read all", err)
	}
	return out, nil
}

// Subscribe implements eventlog.EventStore. It reads pages after the last position
// handled; when a read finds nothing it waits for the next commit's broadcast, taken
// before the read so that a commit between the read and the wait is not missed. Each
// commit holds contiguous positions and commits are serial, so a page never has gaps.
func (s *Store) Subscribe(ctx context.Context, after uint64, handle func(context.Context, eventlog.Record) error) error {
	for {
		wake := s.waitChan()
		page, err := s.ReadAll(ctx, after, subscribePage)
		if err != nil {
			return err
		}
		for _, r := range page {
			if err := handle(ctx, r); err != nil {
				return err
			}
			after = r.Position
		}
		if len(page) > 0 {
			continue
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-s.stopped:
			return ErrClosed
		case <-wake:
		}
	}
}

// readError names the operation, and says ErrClosed for a read on a closed store.
func readError(op string, err error) error {
	if errors.Is(err, bberrors.ErrDatabaseNotOpen) {
		return ErrClosed
	}
	return fmt.Errorf("bolt event store: %s: %w", op, err)
}

// Backup writes a consistent copy of the whole file to w while appends go on: bbolt
// copies the snapshot of one read transaction (tx.WriteTo). The copy is itself a store
// file that Open accepts. A long backup holds that transaction open, which delays an
// append that needs to grow the file's memory map until the backup ends.
func (s *Store) Backup(ctx context.Context, w io.Writer) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	err := s.db.View(func(tx *bbolt.Tx) error {
		_, err := tx.WriteTo(ctxWriter{ctx: ctx, w: w})
		return err
	})
	if err != nil {
		return fmt.Errorf("bolt event store: backup: %w", err)
	}
	return nil
}

// ctxWriter stops a copy when its context ends.
type ctxWriter struct {
	ctx context.Context
	w   io.Writer
}

func (c ctxWriter) Write(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.w.Write(p)
}
