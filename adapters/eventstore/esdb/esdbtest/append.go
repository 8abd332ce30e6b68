package esdbtest

import (
	"errors"
	"io"

	"github.com/google/uuid"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/EventStore/EventStore-Client-Go/v4/protos/shared"
	api "github.com/EventStore/EventStore-Client-Go/v4/protos/streams"
)

// Append implements the client-streaming Append call: first the options (stream and
// expected revision), then one message per event; the answer is Success or
// WrongExpectedVersion in the response body, never a gRPC error, as on the real server.
func (s *Server) Append(srv api.Streams_AppendServer) error {
	first, err := srv.Recv()
	if err != nil {
		return err
	}
	opts := first.GetOptions()
	if opts == nil {
		return status.Error(codes.InvalidArgument, "first append message must be the options")
	}
	stream := string(opts.GetStreamIdentifier().GetStreamName())
	if stream == "" {
		return status.Error(codes.InvalidArgument, "stream name is empty")
	}
	expected, err := expectedRevision(opts)
	if err != nil {
		return err
	}
	var events []proposed
	for {
		req, err := srv.Recv()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return err
		}
		p, err := toProposed(req.GetProposedMessage())
		if err != nil {
			return err
		}
		events = append(events, p)
	}
	res := s.log.write(stream, expected, events)
	s.count(func(st *Stats) {
		switch {
		case res.wrong:
			st.WrongVersion++
		case res.written:
			st.Appends++
		default:
			st.Idempotent++
		}
	})
	if res.wrong {
		return srv.SendAndClose(wrongVersionResponse(opts, res.current))
	}
	return srv.SendAndClose(successResponse(res))
}

func expectedRevision(opts *api.AppendReq_Options) (int64, error) {
	switch v := opts.GetExpectedStreamRevision().(type) {
	case *api.AppendReq_Options_Revision:
		return int64(v.Revision), nil
	case *api.AppendReq_Options_NoStream:
		return expectNoStream, nil
	case *api.AppendReq_Options_Any:
		return expectAny, nil
	case *api.AppendReq_Options_StreamExists:
		return expectStreamExists, nil
	default:
		return 0, status.Error(codes.InvalidArgument, "expected stream revision missing")
	}
}

// toProposed checks what the real server requires of a proposed event: a message of
// that kind, an id, and the "type" and "content-type" metadata.
func toProposed(m *api.AppendReq_ProposedMessage) (proposed, error) {
	if m == nil {
		return proposed{}, status.Error(codes.InvalidArgument, "expected a proposed message")
	}
	for _, key := range []string{"type", "content-type"} {
		if _, ok := m.GetMetadata()[key]; !ok {
			return proposed{}, status.Errorf(codes.InvalidArgument, "required metadata property %q is missing", key)
		}
	}
	id, err := fromProtoUUID(m.GetId())
	if err != nil {
		return proposed{}, status.Errorf(codes.InvalidArgument, "event id: %v", err)
	}
	meta := map[string]string{"type": m.Metadata["type"], "content-type": m.Metadata["content-type"]}
	return proposed{id: id, meta: meta, custom: clone(m.GetCustomMetadata()), data: clone(m.GetData())}, nil
}

func successResponse(res writeResult) *api.AppendResp {
	ok := &api.AppendResp_Success{
		CurrentRevisionOption: &api.AppendResp_Success_CurrentRevision{CurrentRevision: uint64(res.lastRevision)},
		PositionOption: &api.AppendResp_Success_Position{Position: &api.AppendResp_Position{
			CommitPosition: res.commit, PreparePosition: res.prepare,
		}},
	}
	if res.lastRevision < 0 { // an empty append to a missing stream
		ok.CurrentRevisionOption = &api.AppendResp_Success_NoStream{NoStream: &shared.Empty{}}
		ok.PositionOption = &api.AppendResp_Success_NoPosition{NoPosition: &shared.Empty{}}
	}
	return &api.AppendResp{Result: &api.AppendResp_Success_{Success: ok}}
}

// wrongVersionResponse fills both the current fields and the 20.6.0 ones, as the real
// server does for clients of either generation.
func wrongVersionResponse(opts *api.AppendReq_Options, current int64) *api.AppendResp {
	w := &api.AppendResp_WrongExpectedVersion{}
	switch v := opts.GetExpectedStreamRevision().(type) {
	case *api.AppendReq_Options_Any:
		w.ExpectedRevisionOption = &api.AppendResp_WrongExpectedVersion_ExpectedAny{ExpectedAny: &shared.Empty{}}
		w.ExpectedRevisionOption_20_6_0 = &api.AppendResp_WrongExpectedVersion_Any_20_6_0{Any_20_6_0: &shared.Empty{}}
	case *api.AppendReq_Options_StreamExists:
		w.ExpectedRevisionOption = &api.AppendResp_WrongExpectedVersion_ExpectedStreamExists{ExpectedStreamExists: &shared.Empty{}}
		w.ExpectedRevisionOption_20_6_0 = &api.AppendResp_WrongExpectedVersion_StreamExists_20_6_0{StreamExists_20_6_0: &shared.Empty{}}
	case *api.AppendReq_Options_NoStream:
		w.ExpectedRevisionOption = &api.AppendResp_WrongExpectedVersion_ExpectedNoStream{ExpectedNoStream: &shared.Empty{}}
		w.ExpectedRevisionOption_20_6_0 = &api.AppendResp_WrongExpectedVersion_ExpectedRevision_20_6_0{ExpectedRevision_20_6_0: ^uint64(0)}
	case *api.AppendReq_Options_Revision:
		w.ExpectedRevisionOption = &api.AppendResp_WrongExpectedVersion_ExpectedRevision{ExpectedRevision: v.Revision}
		w.ExpectedRevisionOption_20_6_0 = &api.AppendResp_WrongExpectedVersion_ExpectedRevision_20_6_0{ExpectedRevision_20_6_0: v.Revision}
	}
	if current < 0 {
		w.CurrentRevisionOption = &api.AppendResp_WrongExpectedVersion_CurrentNoStream{CurrentNoStream: &shared.Empty{}}
		w.CurrentRevisionOption_20_6_0 = &api.AppendResp_WrongExpectedVersion_NoStream_20_6_0{NoStream_20_6_0: &shared.Empty{}}
	} else {
		w.CurrentRevisionOption = &api.AppendResp_WrongExpectedVersion_CurrentRevision{CurrentRevision: uint64(current)}
		w.CurrentRevisionOption_20_6_0 = &api.AppendResp_WrongExpectedVersion_CurrentRevision_20_6_0{CurrentRevision_20_6_0: uint64(current)}
	}
	return &api.AppendResp{Result: &api.AppendResp_WrongExpectedVersion_{WrongExpectedVersion: w}}
}

func newID() uuid.UUID { return uuid.New() }

func clone(b []byte) []byte { return append([]byte{}, b...) }
