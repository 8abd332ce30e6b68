// Package service is the one builder that wires the engine from configuration: used by
// ticketd, ticketctl and the component tests alike, so they run the same assembly.
package service

import (
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/ticketengine/ticketengine/application/access"
	"github.com/ticketengine/ticketengine/application/lease"
)

// Config is the engine's configuration: flags, with environment variables as defaults.
type Config struct {
	Addr       string // --addr / TICKETS_ADDR
	Data       string // --data / TICKETS_DATA
	EventStore string // --eventstore / TICKETS_EVENTSTORE: "" (embedded), memory:, postgres://…, esdb://…
	ReadModel  string // --readmodel / TICKETS_READMODEL: "" (memory) or postgres://…
	PubSub     string // --pubsub / TICKETS_PUBSUB: "" (in process) or nats://…
	// KeyStore is where the customers' data keys of erasure live (--keystore /
	// TICKETS_KEYSTORE): "" beside the event store (keys.go), or postgres://… .
	KeyStore   string
	Search     string // --search / TICKETS_SEARCH: "" (by read model), off, embedded, postgres
	SLAPolicy  string // --sla-policy / TICKETS_SLA_POLICY: YAML or JSON file
	AdminToken string // TICKETS_ADMIN_TOKEN (environment only: never on a command line)
	SecretKey  string // TICKETS_SECRET_KEY (environment only), hex; else kept in --data
	LogLevel   string // --log-level / TICKETS_LOG_LEVEL
	Pprof      bool   // --pprof / TICKETS_PPROF=1: serve net/http/pprof under /debug/pprof/
	// TrustedProxies are the CIDRs of the load balancers in front (--trusted-proxies /
	// TICKETS_TRUSTED_PROXIES, comma-separated): only their forwarding headers are read.
	TrustedProxies string
	// StreamCache is how many streams' folded states commands keep (--stream-cache /
	// TICKETS_STREAM_CACHE; the flag's 0 turns it off). In a Config: 0 is the default,
	// DefaultStreamCache; negative is none.
	StreamCache int
	Policies    PolicyConfig
	HotIssues   HotIssuesConfig // hotissues.go
	Attachments AttachmentConfig
	Inbound     InboundConfig
	// LeaseTTL is the life of the background duties' leases on a shared store (how long a
	// duty waits for a new node after its node dies; docs/SCALING.md); 0 is
	// lease.DefaultTTL (10 s). --lease-ttl / TICKETS_LEASE_TTL.
	LeaseTTL time.Duration
	// DrainDelay is how long ticketd serves, unready, after SIGTERM before it closes its
	// listener (drain.go). --drain-delay / TICKETS_DRAIN_DELAY.
	DrainDelay time.Duration
	// Leases, when set, is the lease store of a shared event store instead of the one
	// beside it: tests give a store they can cut a node off from (a crash, as the
	// others see it).
	Leases lease.Store
	// MaxReadyLag is how far behind a read model this node answers for may be while it
	// stays ready (readside_ready.go); 0 is projections.MaxReadyLag (10 s). No flag: tests
	// shorten it.
	MaxReadyLag time.Duration
	// NoReadSide builds no read models (ticketctl's one-shot commands need none).
	NoReadSide bool
}

// DefaultStreamCache is the stream cache's size unless configured: about 12 MB of folded
// tickets at most.
const DefaultStreamCache = 10000

func (c *Config) setStreamCache(v string) error {
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		return fmt.Errorf("stream cache: %q is not a number of streams (0 or more)", v)
	}
	c.StreamCache = n
	if n == 0 {
		c.StreamCache = -1
	}
	return nil
}

// setLeaseTTL reads a lease TTL: from a second (renewals every third of it) to ten minutes.
func (c *Config) setLeaseTTL(v string) error {
	d, err := time.ParseDuration(v)
	if err != nil || d < time.Second || d > 10*time.Minute {
		return fmt.Errorf("lease TTL: %q is not a duration from 1s to 10m", v)
	}
	c.LeaseTTL = d
	return nil
}

// streamCacheSize is the cache size the commands get.
func (c Config) streamCacheSize() int {
	switch {
	case c.StreamCache == 0:
		return DefaultStreamCache
	case c.StreamCache < 0:
		return 0
	}
	return c.StreamCache
}

// RegisterFlags declares the shared flags on fs, with defaults from the environment.
func (c *Config) RegisterFlags(fs *flag.FlagSet, getenv func(string) string) {
	env := func(name, def string) string {
		if v := getenv(name); v != "" {
			return v
		}
		return def
	}
	fs.StringVar(&c.Addr, "addr", env("TICKETS_ADDR", "127.0.0.1:8080"), "listen address (`host:port`; :0 picks a free port) [TICKETS_ADDR]")
	fs.StringVar(&c.Data, "data", env("TICKETS_DATA", "./data"), "data `directory` of the embedded event store, admin token and server key [TICKETS_DATA]")
	fs.StringVar(&c.EventStore, "eventstore", env("TICKETS_EVENTSTORE", ""), "event store: empty = embedded in --data; memory: (tests); postgres://…; esdb://… [TICKETS_EVENTSTORE]")
	fs.StringVar(&c.ReadModel, "readmodel", env("TICKETS_READMODEL", ""), "read models: empty = in memory, rebuilt at start; postgres://… [TICKETS_READMODEL]")
	fs.StringVar(&c.KeyStore, "keystore", env("TICKETS_KEYSTORE", ""), "customers' data keys (erasure): empty = beside the event store (--data/keys; the event store's PostgreSQL); postgres://… [TICKETS_KEYSTORE]")
	fs.StringVar(&c.PubSub, "pubsub", env("TICKETS_PUBSUB", ""), "projection bus: empty = in process; nats://… (JetStream) [TICKETS_PUBSUB]")
	fs.StringVar(&c.Search, "search", env("TICKETS_SEARCH", ""), "search index: empty = PostgreSQL with a postgres:// read model, else embedded in --data/search; off; embedded; postgres [TICKETS_SEARCH]")
	fs.StringVar(&c.SLAPolicy, "sla-policy", env("TICKETS_SLA_POLICY", ""), "SLA policy `file` (YAML or JSON); empty = built-in default [TICKETS_SLA_POLICY]")
	fs.StringVar(&c.LogLevel, "log-level", env("TICKETS_LOG_LEVEL", "info"), "log level: debug, info, warn, error [TICKETS_LOG_LEVEL]")
	fs.BoolVar(&c.Pprof, "pprof", getenv("TICKETS_PPROF") == "1" || getenv("TICKETS_PPROF") == "true", "serve Go profiles under /debug/pprof/ (to anyone who can reach --addr: for diagnosis only) [TICKETS_PPROF=1]")
	fs.StringVar(&c.TrustedProxies, "trusted-proxies", env("TICKETS_TRUSTED_PROXIES", ""), "comma-separated `CIDRs` of the proxies in front, whose X-Forwarded-For / Forwarded tell the client's address and scheme; empty = trust none [TICKETS_TRUSTED_PROXIES]")
	fs.Func("stream-cache", fmt.Sprintf("how many `streams` commands keep folded, to read only their new events; 0 = none (default %d) [TICKETS_STREAM_CACHE]", DefaultStreamCache), c.setStreamCache)
	fs.Func("lease-ttl", "how long a background duty's lease on a shared store lasts unrenewed: about the take-over `time` when its node dies (default 10s; docs/SCALING.md) [TICKETS_LEASE_TTL]", c.setLeaseTTL)
	c.Policies.registerFlags(fs, env)
	c.HotIssues.registerFlags(fs, env)
	c.Attachments.registerFlags(fs, env)
	c.registerDrainFlag(fs)
	c.Inbound.registerFlags(fs, env)
	c.AdminToken = getenv("TICKETS_ADMIN_TOKEN")
	c.SecretKey = getenv("TICKETS_SECRET_KEY")
}

// Parse reads flags (before any positional arguments) and returns the rest.
func Parse(name string, args []string, getenv func(string) string, stderr io.Writer) (Config, []string, error) {
	var c Config
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	c.RegisterFlags(fs, getenv)
	if v := getenv("TICKETS_STREAM_CACHE"); v != "" {
		if err := c.setStreamCache(v); err != nil {
			return c, nil, fmt.Errorf("TICKETS_STREAM_CACHE: %w", err)
		}
	}
	if v := getenv("TICKETS_LEASE_TTL"); v != "" {
		if err := c.setLeaseTTL(v); err != nil {
			return c, nil, fmt.Errorf("TICKETS_LEASE_TTL: %w", err)
		}
	}
	if v := getenv("TICKETS_DRAIN_DELAY"); v != "" {
		if err := c.setDrainDelay(v); err != nil {
			return c, nil, fmt.Errorf("TICKETS_DRAIN_DELAY: %w", err)
		}
	}
	if err := fs.Parse(args); err != nil {
		return c, nil, err
	}
	return c, fs.Args(), c.Validate()
}

// Validate checks the configuration before anything starts.
func (c Config) Validate() error {
	switch {
	case c.EventStore == "", c.EventStore == "memory:", strings.HasPrefix(c.EventStore, "postgres://"),
		strings.HasPrefix(c.EventStore, "postgresql://"), strings.HasPrefix(c.EventStore, "esdb://"),
		strings.HasPrefix(c.EventStore, "esdb+discover://"):
	default:
		return fmt.Errorf("--eventstore: %q is not empty, memory:, postgres://… or esdb://…", c.EventStore)
	}
	if c.ReadModel != "" && !strings.HasPrefix(c.ReadModel, "postgres://") && !strings.HasPrefix(c.ReadModel, "postgresql://") {
		return fmt.Errorf("--readmodel: %q is not empty or postgres://…", c.ReadModel)
	}
	if c.KeyStore != "" && !strings.HasPrefix(c.KeyStore, "postgres://") && !strings.HasPrefix(c.KeyStore, "postgresql://") {
		return fmt.Errorf("--keystore: %q is not empty or postgres://…", c.KeyStore)
	}
	if c.PubSub != "" && !strings.HasPrefix(c.PubSub, "nats://") {
		return fmt.Errorf("--pubsub: %q is not empty or nats://…", c.PubSub)
	}
	if _, err := access.ParseProxies(c.TrustedProxies); err != nil {
		return fmt.Errorf("--trusted-proxies: %w", err)
	}
	if err := c.validateSearch(); err != nil {
		return err
	}
	if err := c.Policies.validate(); err != nil {
		return err
	}
	if err := c.Attachments.validate(); err != nil {
		return err
	}
	if err := c.Inbound.validate(); err != nil {
		return err
	}
	if c.SLAPolicy != "" {
		if _, err := os.Stat(c.SLAPolicy); err != nil {
			return fmt.Errorf("--sla-policy: %w", err)
		}
	}
	return nil
}
