package esdb

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	client "github.com/EventStore/EventStore-Client-Go/v4/esdb"
	"github.com/google/uuid"
)

// last reads the checkpoint stream's last event.
func (c Checkpoints) last(ctx context.Context, name string) (checkpointEvent, error) {
	var ev checkpointEvent
	err := c.s.call(func(cl *client.Client) error {
		ev = checkpointEvent{}
		rs, err := cl.ReadStream(ctx, c.stream(name), client.ReadStreamOptions{Direction: client.Backwards, From: client.End{}}, 1)
		if err != nil {
			return err
		}
		defer rs.Close()
		got, err := rs.Recv()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		rec := got.OriginalEvent()
		if err := json.Unmarshal(rec.UserMetadata, &ev.meta); err != nil {
			return fmt.Errorf("checkpoint event %s@%d: %w", rec.StreamID, rec.EventNumber, err)
		}
		ev.exists, ev.revision, ev.data = true, rec.EventNumber, rec.Data
		return nil
	})
	var e *client.Error
	if errors.As(err, &e) && e.Code() == client.ErrorCodeResourceNotFound {
		return checkpointEvent{}, nil
	}
	if err != nil {
		return checkpointEvent{}, fmt.Errorf("esdb: checkpoint %s: %w", name, err)
	}
	return ev, nil
}

// append writes a save after the event last it was checked against.
func (c Checkpoints) append(ctx context.Context, name string, last checkpointEvent, meta, data []byte) error {
	var expected client.ExpectedRevision = client.NoStream{}
	if last.exists {
		expected = client.StreamRevision{Value: last.revision}
	}
	e := client.EventData{EventID: uuid.New(), EventType: "CheckpointSaved", ContentType: client.ContentTypeBinary, Data: data, Metadata: meta}
	return c.s.call(func(cl *client.Client) error {
		_, err := cl.AppendToStream(ctx, c.stream(name), client.AppendToStreamOptions{ExpectedRevision: expected}, e)
		return err
	})
}

// limit sets the new stream's $maxCount; a failure only lets the stream grow.
func (c Checkpoints) limit(ctx context.Context, name string) {
	var m client.StreamMetadata
	m.SetMaxCount(checkpointKeep)
	err := c.s.call(func(cl *client.Client) error {
		_, err := cl.SetStreamMetadata(ctx, c.stream(name), client.AppendToStreamOptions{}, m)
		return err
	})
	if err != nil {
		c.s.log.Debug("checkpoint stream: $maxCount not set", "checkpoint", name, "err", err)
	}
}
