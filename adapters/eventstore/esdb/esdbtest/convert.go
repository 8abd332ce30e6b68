package esdbtest

import (
	"encoding/binary"
	"fmt"
	"regexp"
	"strings"

	"github.com/google/uuid"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/EventStore/EventStore-Client-Go/v4/protos/shared"
	api "github.com/EventStore/EventStore-Client-Go/v4/protos/streams"
)

// fromProtoUUID reads either form of the protocol's UUID: two big-endian int64 halves
// (what the Go client sends) or a string.
func fromProtoUUID(id *shared.UUID) (uuid.UUID, error) {
	switch v := id.GetValue().(type) {
	case *shared.UUID_Structured_:
		var b [16]byte
		binary.BigEndian.PutUint64(b[:8], uint64(v.Structured.GetMostSignificantBits()))
		binary.BigEndian.PutUint64(b[8:], uint64(v.Structured.GetLeastSignificantBits()))
		return uuid.UUID(b), nil
	case *shared.UUID_String_:
		return uuid.Parse(v.String_)
	default:
		return uuid.Nil, fmt.Errorf("missing")
	}
}

func toProtoUUID(id uuid.UUID, asString bool) *shared.UUID {
	if asString {
		return &shared.UUID{Value: &shared.UUID_String_{String_: id.String()}}
	}
	return &shared.UUID{Value: &shared.UUID_Structured_{Structured: &shared.UUID_Structured{
		MostSignificantBits:  int64(binary.BigEndian.Uint64(id[:8])),
		LeastSignificantBits: int64(binary.BigEndian.Uint64(id[8:])),
	}}}
}

// eventResponse is an event as a read or a subscription sends it. Without a position
// it is sent as servers that do not know where a stream read's event was committed send
// it: positions of ulong.MaxValue (-1 on the server) and NoPosition.
func eventResponse(e *event, stringIDs, withPosition bool) *api.ReadResp {
	meta := make(map[string]string, len(e.meta))
	for k, v := range e.meta {
		meta[k] = v
	}
	rec := &api.ReadResp_ReadEvent_RecordedEvent{
		Id:               toProtoUUID(e.id, stringIDs),
		StreamIdentifier: &shared.StreamIdentifier{StreamName: []byte(e.stream)},
		StreamRevision:   e.revision,
		PreparePosition:  e.position,
		CommitPosition:   e.position,
		Metadata:         meta,
		CustomMetadata:   e.custom,
		Data:             e.data,
	}
	read := &api.ReadResp_ReadEvent{Event: rec, Position: &api.ReadResp_ReadEvent_CommitPosition{CommitPosition: e.position}}
	if !withPosition {
		rec.CommitPosition, rec.PreparePosition = ^uint64(0), ^uint64(0)
		read.Position = &api.ReadResp_ReadEvent_NoPosition{NoPosition: &shared.Empty{}}
	}
	return &api.ReadResp{Content: &api.ReadResp_Event{Event: read}}
}

func checkpointResponse(position uint64) *api.ReadResp {
	return &api.ReadResp{Content: &api.ReadResp_Checkpoint_{Checkpoint: &api.ReadResp_Checkpoint{
		CommitPosition: position, PreparePosition: position,
	}}}
}

// filter is a server-side filter of $all: on the stream name or the event type, by
// prefixes or a regular expression. interval is how many considered events a filtered
// subscription lets pass between checkpoints (window × multiplier, as on the real server).
type filter struct {
	onType   bool
	prefixes []string
	re       *regexp.Regexp
	interval int
}

// defaultWindow is the real server's ReadBatchSize, used when a filter sets no window.
const defaultWindow = 32

func parseFilter(o *api.ReadReq_Options_FilterOptions) (*filter, error) {
	if o == nil {
		return nil, nil
	}
	f := &filter{}
	var expr *api.ReadReq_Options_FilterOptions_Expression
	switch v := o.GetFilter().(type) {
	case *api.ReadReq_Options_FilterOptions_StreamIdentifier:
		expr = v.StreamIdentifier
	case *api.ReadReq_Options_FilterOptions_EventType:
		expr, f.onType = v.EventType, true
	default:
		return nil, status.Error(codes.InvalidArgument, "filter has neither stream identifier nor event type")
	}
	f.prefixes = expr.GetPrefix()
	if expr.GetRegex() != "" {
		re, err := regexp.Compile(expr.GetRegex())
		if err != nil {
			return nil, status.Errorf(codes.InvalidArgument, "filter regex: %v", err)
		}
		f.re = re
	}
	window := defaultWindow
	if m, ok := o.GetWindow().(*api.ReadReq_Options_FilterOptions_Max); ok && m.Max > 0 {
		window = int(m.Max)
	}
	f.interval = window * int(max(o.GetCheckpointIntervalMultiplier(), 1))
	return f, nil
}

// allows reports whether an event passes; a nil filter passes everything.
func (f *filter) allows(e *event) bool {
	if f == nil {
		return true
	}
	subject := e.stream
	if f.onType {
		subject = e.meta["type"]
	}
	if f.re != nil {
		return f.re.MatchString(subject)
	}
	for _, p := range f.prefixes {
		if strings.HasPrefix(subject, p) {
			return true
		}
	}
	return false
}
