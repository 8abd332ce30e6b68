package backup

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/ticketengine/ticketengine/application"
)

// maxImportBatch caps the records of one append: a long run of one stream is split so
// that no single transaction grows without bound.
const maxImportBatch = 1000

// Import loads an export into an empty store, keeping ids, versions, times and
// hashes. It reads the file twice: first to verify every record's hash chain (a broken
// file is refused before anything is written), then to append. Records keep the file's
// order, which is the global order; consecutive records of one stream go in one append
// at the version the stream has reached, so the store's own version check holds as well.
// It returns how many records it imported.
func Import(ctx context.Context, store application.EventStore, in io.ReadSeeker) (int, error) {
	return ImportWithProgress(ctx, store, in, nil)
}

// ImportWithProgress is Import calling progress, when not nil, with the count of records
// each append stored.
func ImportWithProgress(ctx context.Context, store application.EventStore, in io.ReadSeeker, progress func(n int)) (int, error) {
	if page, err := store.ReadAll(ctx, 0, 1); err != nil {
		return 0, err
	} else if len(page) > 0 {
		return 0, errors.New("the store is not empty: import only into an empty store")
	}
	n, err := checkImportFile(ctx, in)
	if err != nil {
		return 0, err
	}
	if _, err := in.Seek(0, io.SeekStart); err != nil {
		return 0, err
	}
	var batch []application.Record
	imported := 0
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		first := batch[0]
		if _, err := store.Append(ctx, first.Stream, first.Version-1, batch); err != nil {
			return fmt.Errorf("append %s from version %d: %w", first.Stream, first.Version, err)
		}
		if progress != nil {
			progress(len(batch))
		}
		imported += len(batch)
		batch = nil // the store may still hold the slice it was given
		return nil
	}
	again := application.NewChainVerifier() // what is appended is exactly what was checked
	err = eachLine(ctx, in, func(line int, r application.Record) error {
		if again.Add(r); len(again.Problems) > 0 {
			return fmt.Errorf("line %d changed since it was checked: %s", line, again.Problems[0])
		}
		if len(batch) > 0 && (batch[0].Stream != r.Stream || len(batch) == maxImportBatch) {
			if err := flush(); err != nil {
				return err
			}
		}
		batch = append(batch, r)
		return nil
	})
	if err == nil {
		err = flush()
	}
	return imported, errors.Join(err, countMismatch(n, imported, err))
}

func countMismatch(checked, imported int, err error) error {
	if err == nil && checked != imported {
		return fmt.Errorf("the file changed while importing: %d records checked, %d imported", checked, imported)
	}
	return nil
}

// checkImportFile verifies the whole file's hash chains and returns its record count.
// Every stream must start at version 0: an export filtered by time or cut short cannot
// be imported, as its chains do not start at the beginning.
func checkImportFile(ctx context.Context, in io.Reader) (int, error) {
	v := application.NewChainVerifier()
	n := 0
	err := eachLine(ctx, in, func(line int, r application.Record) error {
		v.Add(r)
		if len(v.Problems) > 0 {
			return fmt.Errorf("line %d: %s; nothing was imported", line, v.Problems[0])
		}
		n++
		return nil
	})
	return n, err
}

// eachLine decodes the file line by line (no length limit: a record may be large).
func eachLine(ctx context.Context, in io.Reader, fn func(line int, r application.Record) error) error {
	br := bufio.NewReaderSize(in, 1<<20)
	for line := 1; ; line++ {
		raw, err := br.ReadBytes('\n')
		if len(bytes.TrimSpace(raw)) > 0 {
			if line%1024 == 0 {
				if cerr := ctx.Err(); cerr != nil {
					return cerr
				}
			}
			r, derr := decodeLine(raw)
			if derr != nil {
				return fmt.Errorf("line %d: %w", line, derr)
			}
			if ferr := fn(line, r); ferr != nil {
				return ferr
			}
		}
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
	}
}
