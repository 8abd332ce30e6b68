// Package esdbtest is an in-process EventStoreDB for tests: a gRPC server speaking the
// Streams protocol of EventStoreDB 20+ (append, stream and $all reads, catch-up
// subscriptions to a stream or to $all with filters), built on the official Go
// client's own generated protos, with events held in memory at real $all positions.
//
// It copies the real server's semantics where the adapter depends on them: expected
// revisions (any, no stream, stream exists, a revision), idempotent appends of the same
// event ids, wrong expected versions in the response body, inclusive $all read
// positions and exclusive subscription positions, the subscription confirmation first,
// checkpoints of filtered subscriptions, and the caught-up message. It does not
// implement deletes, tombstones, batch appends, persistent subscriptions, projections,
// ACLs or clustering; the client asks ServerFeatures at connect and gets Unimplemented,
// as from a server that predates it, so it never uses BatchAppend.
//
// Only test code imports this package.
package esdbtest

import (
	"net"
	"strconv"
	"sync"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/keepalive"

	api "github.com/EventStore/EventStore-Client-Go/v4/protos/streams"
)

// Server is a running in-process EventStoreDB.
type Server struct {
	api.UnimplementedStreamsServer

	log  *eventLog
	addr string

	serveMu sync.Mutex
	grpc    *grpc.Server

	mu            sync.Mutex
	subs          map[*subscription]struct{}
	rewind        int
	hidePositions bool
	stats         Stats
}

// Stats counts what the server did, for tests that check the client's traffic.
type Stats struct {
	Appends       int // Append calls that wrote events
	Idempotent    int // Append calls acknowledged without writing (same ids again)
	WrongVersion  int // Append calls refused with a wrong expected version
	Subscriptions int // subscriptions started
	Dropped       int // subscriptions dropped by DropSubscriptions
}

// Start listens on a free TCP port of 127.0.0.1 and serves until the test ends. Like a
// freshly started real server, its log begins with one system event
// ($epoch-information), which readers of $all must skip.
func Start(t testing.TB) *Server {
	t.Helper()
	s, err := Listen("127.0.0.1:0")
	if err != nil {
		t.Fatalf("esdbtest: %v", err)
	}
	t.Cleanup(s.Close)
	return s
}

// Listen starts a server on addr (host:port; port 0 picks a free one).
func Listen(addr string) (*Server, error) {
	lis, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	s := &Server{log: newEventLog(dotNetTicksNow), addr: lis.Addr().String(), subs: map[*subscription]struct{}{}}
	s.log.commit("$epoch-information", expectNoStream, []proposed{{
		id: newID(), meta: map[string]string{"type": "$epoch-information", "content-type": "application/json"},
		data: []byte(`{"epochNumber":0}`),
	}})
	s.serve(lis)
	return s, nil
}

func (s *Server) serve(lis net.Listener) {
	// The client pings every 10 s, also while no call is open; without this policy
	// grpc-go answers the pings with GOAWAY and idle subscriptions drop after ~40 s.
	g := grpc.NewServer(grpc.KeepaliveEnforcementPolicy(keepalive.EnforcementPolicy{
		MinTime: time.Second, PermitWithoutStream: true,
	}))
	api.RegisterStreamsServer(g, s)
	s.serveMu.Lock()
	s.grpc = g
	s.serveMu.Unlock()
	go func() { _ = g.Serve(lis) }()
}

// ConnectionString is the esdb:// URL of this server for the official client.
func (s *Server) ConnectionString() string {
	return "esdb://" + s.addr + "?tls=false"
}

// Close stops the server and ends every open call.
func (s *Server) Close() {
	s.serveMu.Lock()
	defer s.serveMu.Unlock()
	s.grpc.Stop()
}

// Restart stops the server, keeps it down for `down`, and starts it again on the same
// address with the same events, as a restarted real node.
func (s *Server) Restart(down time.Duration) error {
	s.Close()
	time.Sleep(down)
	lis, err := net.Listen("tcp", s.addr)
	if err != nil {
		return err
	}
	s.serve(lis)
	return nil
}

// DropSubscriptions ends every open subscription with err (a gRPC status error, e.g.
// status.Error(codes.Unavailable, "…")), as a server that restarts or kills a slow
// subscriber does. It returns how many it dropped.
func (s *Server) DropSubscriptions(err error) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for sub := range s.subs {
		select {
		case sub.drop <- err:
			n++
		default:
		}
	}
	s.stats.Dropped += n
	return n
}

// SetRewind makes every later subscription from a position or revision also resend the
// n events at or before it, as an at-least-once server might (some 20.x servers
// treated a subscription's start position as inclusive). The real server resends
// nothing; this exists to prove that a client deduplicates.
func (s *Server) SetRewind(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.rewind = n
}

// SetStreamReadPositions(false) makes reads of a single stream send events without
// their $all position, as servers do that cannot tell where such an event was committed
// (EventStoreDB releases before positions were added to stream reads). $all reads and
// subscriptions keep them.
func (s *Server) SetStreamReadPositions(report bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.hidePositions = !report
}

func (s *Server) streamReadPositions() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return !s.hidePositions
}

// Subscriptions returns how many subscriptions are open now.
func (s *Server) Subscriptions() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.subs)
}

// Stats returns the counters so far.
func (s *Server) Stats() Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.stats
}

func (s *Server) count(f func(*Stats)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f(&s.stats)
}

// dotNetTicksNow is the "created" metadata of a recorded event: .NET ticks (100 ns)
// since the Unix epoch, as a decimal string. The Go client calls log.Fatalf on an event
// without it.
func dotNetTicksNow() string {
	return strconv.FormatInt(time.Now().UnixNano()/100, 10)
}
