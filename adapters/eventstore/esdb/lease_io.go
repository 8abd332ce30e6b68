package esdb

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	client "github.com/EventStore/EventStore-Client-Go/v4/esdb"
	"github.com/google/uuid"
)

// last reads the lease stream's last event.
func (l *Leases) last(ctx context.Context, name string) (leaseState, error) {
	var st leaseState
	err := l.s.call(func(c *client.Client) error {
		st = leaseState{}
		rs, err := c.ReadStream(ctx, l.stream(name), client.ReadStreamOptions{Direction: client.Backwards, From: client.End{}}, 1)
		if err != nil {
			return err
		}
		defer rs.Close()
		ev, err := rs.Recv()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		rec := ev.OriginalEvent()
		if err := json.Unmarshal(rec.Data, &st.event); err != nil {
			return fmt.Errorf("lease event %s@%d: %w", rec.StreamID, rec.EventNumber, err)
		}
		st.exists, st.revision = true, rec.EventNumber
		st.expires = rec.CreatedDate.Add(time.Duration(st.event.TTLMilli) * time.Millisecond)
		return nil
	})
	var e *client.Error
	if errors.As(err, &e) && e.Code() == client.ErrorCodeResourceNotFound {
		return leaseState{}, nil
	}
	if err != nil {
		return leaseState{}, fmt.Errorf("esdb: lease %s: %w", name, err)
	}
	return st, nil
}

// write appends ev after the state st was read at.
func (l *Leases) write(ctx context.Context, name string, st leaseState, ev leaseEvent) error {
	data, err := json.Marshal(ev)
	if err != nil {
		return err
	}
	var expected client.ExpectedRevision = client.NoStream{}
	if st.exists {
		expected = client.StreamRevision{Value: st.revision}
	}
	kind := "LeaseRenewed"
	switch {
	case ev.TTLMilli == 0:
		kind = "LeaseReleased"
	case !st.holds(ev.Holder, ev.Epoch):
		kind = "LeaseAcquired"
	}
	e := client.EventData{EventID: uuid.New(), EventType: kind, ContentType: client.ContentTypeJson, Data: data}
	return l.s.call(func(c *client.Client) error {
		_, err := c.AppendToStream(ctx, l.stream(name), client.AppendToStreamOptions{ExpectedRevision: expected}, e)
		return err
	})
}

// limit sets the new stream's $maxCount; a failure only lets the stream grow.
func (l *Leases) limit(ctx context.Context, name string) {
	var m client.StreamMetadata
	m.SetMaxCount(leaseKeep)
	err := l.s.call(func(c *client.Client) error {
		_, err := c.SetStreamMetadata(ctx, l.stream(name), client.AppendToStreamOptions{}, m)
		return err
	})
	if err != nil {
		l.s.log.Debug("lease stream: $maxCount not set", "lease", name, "err", err)
	}
}
