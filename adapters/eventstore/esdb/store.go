// Package esdb is the EventStoreDB (KurrentDB) event store, through the official Go
// client v4. One EventStoreDB stream per aggregate, named as the application names it
// (ticket-<uuid>, agent-<uuid>, …: the kinds of application/eventlog/streams.go); the record's id is the
// event id, its type the event type, its data the JSON data, and everything else of the
// record (version, metadata, hashes) is the event's JSON metadata. A record's Position
// is the event's commit position in $all.
package esdb

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime"
	"strings"
	"sync"

	client "github.com/EventStore/EventStore-Client-Go/v4/esdb"

	"github.com/ticketengine/ticketengine/application/eventlog"
)

// Store is an eventlog.EventStore on EventStoreDB.
type Store struct {
	config    *client.Configuration
	log       *slog.Logger
	namespace string

	mu     sync.RWMutex
	client *client.Client
	closed bool
}

var _ eventlog.EventStore = (*Store)(nil)

// ErrClosed is returned by every call on a closed Store, and ends its subscriptions.
var ErrClosed = errors.New("esdb: store is closed")

// probeStream is read once at Open to prove that the server answers; it never exists.
const probeStream = "ticketengine-connection-check"

// Option configures a Store.
type Option func(*Store)

// WithNamespace puts every stream of this Store after a prefix in EventStoreDB
// (namespace "staging-" stores ticket-<uuid> as staging-ticket-<uuid>), so that several
// engines, or test runs, share one database without seeing each other's events. The
// default is none: the application's stream names are the server's.
func WithNamespace(namespace string) Option {
	return func(s *Store) { s.namespace = namespace }
}

// Open connects to the EventStoreDB named by an esdb:// (or esdb+discover://)
// connection string, e.g. esdb://admin:changeit@localhost:2113?tls=false, and checks
// that it answers. The user needs to read $all.
func Open(ctx context.Context, connString string, opts ...Option) (*Store, error) {
	config, err := client.ParseConnectionString(connString)
	if err != nil {
		return nil, fmt.Errorf("esdb: connection string: %w", err)
	}
	s := &Store{config: config, log: slog.Default().With("component", "esdb")}
	for _, o := range opts {
		o(s)
	}
	config.Logger = s.clientLog
	if s.client, err = client.NewClient(config); err != nil {
		return nil, fmt.Errorf("esdb: %w", err)
	}
	if _, err := s.ReadStream(ctx, probeStream); err != nil {
		_ = s.client.Close()
		return nil, fmt.Errorf("esdb: server does not answer: %w", err)
	}
	return s, nil
}

// clientLog routes the client's own logging to slog. Its errors are mostly dropped
// calls that the Store reports or retries itself, so they are logged at debug level.
func (s *Store) clientLog(level client.LogLevel, format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	if level == client.LogWarn {
		s.log.Info(msg, "client_level", level)
		return
	}
	s.log.Debug(msg, "client_level", level)
}

// current returns the client in use.
func (s *Store) current() (*client.Client, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.closed {
		return nil, ErrClosed
	}
	return s.client, nil
}

// call runs op with the client in use. The official client closes itself for good when
// its node discovery fails (the server was down for a moment), and then answers every
// call with ErrorCodeConnectionClosed before sending anything; so op runs once more,
// safely, with a new client. (An append is safe to repeat anyway: same event ids, same
// expected revision.)
func (s *Store) call(op func(*client.Client) error) error {
	c, err := s.current()
	if err != nil {
		return err
	}
	err = guard(c, op)
	if s.renewIfClosed(c, err) {
		if c, err = s.current(); err != nil {
			return err
		}
		err = guard(c, op)
	}
	return err
}

// errAbandoned is a call released by closing the client it was stuck in.
var errAbandoned = errors.New("esdb: the client was closed during the call")

// guard runs op, turning the official client's "send on closed channel" panic into
// errAbandoned. Client v4.2.0 hands every call to one goroutine over an unbuffered
// channel; when that goroutine exits after a failed discovery, calls that were already
// waiting to hand over are stuck for good, until the client is closed, which makes them
// panic. Closing a client that closed itself is how the store releases them.
func guard(c *client.Client, op func(*client.Client) error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			if e, ok := r.(runtime.Error); ok && strings.Contains(e.Error(), "send on closed channel") {
				err = errAbandoned
				return
			}
			panic(r)
		}
	}()
	return op(c)
}

// renewIfClosed replaces the client `used` when err says it closed itself (or a call
// was abandoned in it), and reports whether a call should be tried again with the
// client now in use. Closing the replaced client releases the calls stuck in it.
func (s *Store) renewIfClosed(used *client.Client, err error) bool {
	var e *client.Error
	closed := errors.Is(err, errAbandoned) || errors.As(err, &e) && e.Code() == client.ErrorCodeConnectionClosed
	if !closed {
		return false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return false
	}
	if s.client != used {
		return true // another call renewed it already
	}
	fresh, nerr := client.NewClient(s.config)
	if nerr != nil {
		s.log.Warn("cannot renew the EventStoreDB client", "err", nerr)
		return false
	}
	_ = used.Close()
	s.client = fresh
	s.log.Info("the EventStoreDB client closed itself after failing to reach the server; renewed it")
	return true
}

func (s *Store) isClosed() bool {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.closed
}

// Close implements eventlog.EventStore. Open subscriptions end with ErrClosed.
func (s *Store) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil
	}
	s.closed = true
	return s.client.Close()
}
