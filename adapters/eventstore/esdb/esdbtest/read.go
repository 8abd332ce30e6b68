package esdbtest

import (
	"sort"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/EventStore/EventStore-Client-Go/v4/protos/shared"
	api "github.com/EventStore/EventStore-Client-Go/v4/protos/streams"
)

// query is a parsed ReadReq: a bounded read or a subscription, of one stream or of $all.
type query struct {
	all       bool
	stream    string
	backwards bool
	fromStart bool
	fromEnd   bool
	from      uint64 // a revision (stream) or a commit position ($all)
	count     uint64
	subscribe bool
	filter    *filter
	stringIDs bool
}

func parseQuery(req *api.ReadReq) (query, error) {
	o := req.GetOptions()
	if o == nil {
		return query{}, status.Error(codes.InvalidArgument, "read options missing")
	}
	q := query{backwards: o.GetReadDirection() == api.ReadReq_Options_Backwards}
	_, q.stringIDs = o.GetUuidOption().GetContent().(*api.ReadReq_Options_UUIDOption_String_)
	switch c := o.GetCountOption().(type) {
	case *api.ReadReq_Options_Count:
		q.count = c.Count
	case *api.ReadReq_Options_Subscription:
		q.subscribe = true
	default:
		return query{}, status.Error(codes.InvalidArgument, "read has neither count nor subscription")
	}
	switch s := o.GetStreamOption().(type) {
	case *api.ReadReq_Options_Stream:
		q.stream = string(s.Stream.GetStreamIdentifier().GetStreamName())
		switch r := s.Stream.GetRevisionOption().(type) {
		case *api.ReadReq_Options_StreamOptions_Revision:
			q.from = r.Revision
		case *api.ReadReq_Options_StreamOptions_End:
			q.fromEnd = true
		default:
			q.fromStart = true
		}
	case *api.ReadReq_Options_All:
		q.all = true
		switch p := s.All.GetAllOption().(type) {
		case *api.ReadReq_Options_AllOptions_Position:
			q.from = p.Position.GetCommitPosition()
		case *api.ReadReq_Options_AllOptions_End:
			q.fromEnd = true
		default:
			q.fromStart = true
		}
	default:
		return query{}, status.Error(codes.InvalidArgument, "read names neither a stream nor $all")
	}
	f, err := parseFilter(o.GetFilter())
	if err != nil {
		return query{}, err
	}
	if f != nil && !q.all {
		return query{}, status.Error(codes.InvalidArgument, "filters apply to $all only")
	}
	q.filter = f
	return q, nil
}

// Read implements the server-streaming Read call: bounded reads of a stream or of $all
// in either direction, and catch-up subscriptions.
func (s *Server) Read(req *api.ReadReq, srv api.Streams_ReadServer) error {
	q, err := parseQuery(req)
	if err != nil {
		return err
	}
	if q.subscribe {
		if q.backwards {
			return status.Error(codes.InvalidArgument, "subscriptions read forwards")
		}
		return s.subscribe(q, srv)
	}
	var events []*event
	if q.all {
		events = s.readAll(q)
	} else {
		stream, ok := s.log.stream(q.stream)
		if !ok {
			// Sent as a message, not a gRPC error: the client turns it into
			// ErrorCodeResourceNotFound.
			return srv.Send(&api.ReadResp{Content: &api.ReadResp_StreamNotFound_{StreamNotFound: &api.ReadResp_StreamNotFound{
				StreamIdentifier: &shared.StreamIdentifier{StreamName: []byte(q.stream)},
			}}})
		}
		events = readStream(stream, q)
	}
	withPosition := q.all || s.streamReadPositions()
	for _, e := range events {
		if err := srv.Send(eventResponse(e, q.stringIDs, withPosition)); err != nil {
			return err
		}
	}
	return nil
}

// readStream: forwards from a revision (inclusive) or the start; backwards from a
// revision (inclusive) or the end; at most count events.
func readStream(evs []*event, q query) []*event {
	var out []*event
	if !q.backwards {
		i := 0
		switch {
		case q.fromEnd:
			i = len(evs)
		case !q.fromStart:
			i = int(min(q.from, uint64(len(evs))))
		}
		for ; i < len(evs) && uint64(len(out)) < q.count; i++ {
			out = append(out, evs[i])
		}
		return out
	}
	i := len(evs) - 1
	switch {
	case q.fromStart:
		i = min(0, i)
	case !q.fromEnd:
		i = int(min(q.from, uint64(len(evs)-1)))
	}
	for ; i >= 0 && uint64(len(out)) < q.count; i-- {
		out = append(out, evs[i])
	}
	return out
}

// readAll reads $all: forwards from a position inclusive (a pre-position, as on the real
// server), backwards from a position exclusive (a post-position); the filter decides
// which events count.
func (s *Server) readAll(q query) []*event {
	all := s.log.snapshot()
	var out []*event
	if !q.backwards {
		i := 0
		switch {
		case q.fromEnd:
			i = len(all)
		case !q.fromStart:
			i = sort.Search(len(all), func(i int) bool { return all[i].position >= q.from })
		}
		for ; i < len(all) && uint64(len(out)) < q.count; i++ {
			if q.filter.allows(all[i]) {
				out = append(out, all[i])
			}
		}
		return out
	}
	i := len(all) - 1
	switch {
	case q.fromStart:
		i = -1
	case !q.fromEnd:
		i = sort.Search(len(all), func(i int) bool { return all[i].position >= q.from }) - 1
	}
	for ; i >= 0 && uint64(len(out)) < q.count; i-- {
		if q.filter.allows(all[i]) {
			out = append(out, all[i])
		}
	}
	return out
}
