package esdb

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"

	client "github.com/EventStore/EventStore-Client-Go/v4/esdb"
)

// Checkpoints are the duties' checkpoints (application/policy.CheckpointStore) on
// EventStoreDB, as pgstore keeps them in a table: one stream per checkpoint
// (checkpoint-<name>, after the namespace; no kind of the engine, so no reader of the
// event log sees it), one event per save, its epoch and position in the event's metadata
// and the state, gzipped, as its data. Each save is appended at the expected revision of
// the event it was checked against, as the leases are, so a save never passes one of a
// greater epoch or a later position written in between. The stream keeps its last
// checkpointKeep events ($maxCount): only the last is read.
type Checkpoints struct{ s *Store }

// Checkpoints returns the checkpoint store on s's server and namespace.
func (s *Store) Checkpoints() Checkpoints { return Checkpoints{s} }

// checkpointKeep is the $maxCount of a checkpoint stream.
const checkpointKeep = 2

// MaxCheckpointData is the largest gzipped state one save writes. A real server refuses
// an append of more than its MaxAppendSize (1 MiB, 1,048,576 bytes, by default), data
// and metadata together; a larger state is not saved (saved=false and a warning), and
// the engine goes on, folding from the last checkpoint saved, or from 0, at its next start.
const MaxCheckpointData = 1000 * 1000

// checkpointMeta is the metadata of a checkpoint's event.
type checkpointMeta struct {
	Epoch    uint64 `json:"epoch"`
	Position uint64 `json:"position"`
}

// checkpointEvent is a checkpoint stream's last event.
type checkpointEvent struct {
	exists   bool
	revision uint64
	meta     checkpointMeta
	data     []byte // gzipped state
}

func (c Checkpoints) stream(name string) string { return c.s.serverStream("checkpoint-" + name) }

// LoadCheckpoint implements policy.CheckpointStore.
func (c Checkpoints) LoadCheckpoint(ctx context.Context, name string) (uint64, []byte, error) {
	ev, err := c.last(ctx, name)
	if err != nil || !ev.exists {
		return 0, nil, err
	}
	zr, err := gzip.NewReader(bytes.NewReader(ev.data))
	if err != nil {
		return 0, nil, fmt.Errorf("esdb: checkpoint %s@%d: %w", name, ev.revision, err)
	}
	state, err := io.ReadAll(zr)
	if err != nil {
		return 0, nil, fmt.Errorf("esdb: checkpoint %s@%d: %w", name, ev.revision, err)
	}
	return ev.meta.Position, state, nil
}

// SaveCheckpoint implements policy.CheckpointStore: refused (false) when the last save
// has a greater epoch or a later position, or when the state is too large for one event.
// Of two saves checked against one last event only one is appended; the other checks
// again against the new last event.
func (c Checkpoints) SaveCheckpoint(ctx context.Context, name string, epoch, position uint64, state []byte) (bool, error) {
	var z bytes.Buffer
	zw := gzip.NewWriter(&z)
	if _, err := zw.Write(state); err != nil {
		return false, err
	}
	if err := zw.Close(); err != nil {
		return false, err
	}
	if z.Len() > MaxCheckpointData {
		c.s.log.Warn("esdb checkpoint not saved: its state is larger than one event takes",
			slog.String("checkpoint", name), slog.Uint64("position", position),
			slog.Int("gzipped_bytes", z.Len()), slog.Int("limit_bytes", MaxCheckpointData))
		return false, nil
	}
	meta, err := json.Marshal(checkpointMeta{Epoch: epoch, Position: position})
	if err != nil {
		return false, err
	}
	for {
		last, err := c.last(ctx, name)
		if err != nil {
			return false, err
		}
		if last.exists && (last.meta.Epoch > epoch || last.meta.Position > position) {
			return false, nil
		}
		err = c.append(ctx, name, last, meta, z.Bytes())
		var e *client.Error
		if errors.As(err, &e) && e.Code() == client.ErrorCodeWrongExpectedVersion {
			continue // another save came first: check against it
		}
		if err != nil {
			return false, fmt.Errorf("esdb: checkpoint %s: %w", name, err)
		}
		if !last.exists {
			c.limit(ctx, name)
		}
		return true, nil
	}
}
