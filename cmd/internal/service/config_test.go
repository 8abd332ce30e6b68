package service

import (
	"io"
	"testing"
	"time"
)

func TestStreamCacheConfig(t *testing.T) {
	cases := []struct {
		env  string
		args []string
		want int
		bad  bool
	}{
		{want: DefaultStreamCache},
		{args: []string{"--stream-cache", "0"}, want: 0},
		{args: []string{"--stream-cache=250"}, want: 250},
		{env: "500", want: 500},
		{env: "0", want: 0},
		{env: "500", args: []string{"--stream-cache", "7"}, want: 7},
		{args: []string{"--stream-cache", "-1"}, bad: true},
		{env: "lots", bad: true},
	}
	for _, c := range cases {
		getenv := func(name string) string {
			if name == "TICKETS_STREAM_CACHE" {
				return c.env
			}
			return ""
		}
		cfg, _, err := Parse("ticketd", c.args, getenv, io.Discard)
		if c.bad {
			if err == nil {
				t.Errorf("env %q, args %q: accepted", c.env, c.args)
			}
			continue
		}
		if err != nil || cfg.streamCacheSize() != c.want {
			t.Errorf("env %q, args %q: size %d (err %v), want %d", c.env, c.args, cfg.streamCacheSize(), err, c.want)
		}
	}
	if (Config{}).streamCacheSize() != DefaultStreamCache {
		t.Error("a Config without StreamCache does not get the default cache")
	}
}

// TestTrustedProxiesConfig: --trusted-proxies, else TICKETS_TRUSTED_PROXIES; a list that
// does not parse stops ticketd before it starts.
func TestTrustedProxiesConfig(t *testing.T) {
	env := func(v string) func(string) string {
		return func(name string) string {
			if name == "TICKETS_TRUSTED_PROXIES" {
				return v
			}
			return ""
		}
	}
	if cfg, _, err := Parse("ticketd", nil, env("10.0.0.0/8,fd00::/8"), io.Discard); err != nil || cfg.TrustedProxies != "10.0.0.0/8,fd00::/8" {
		t.Fatalf("from the environment: %q, %v", cfg.TrustedProxies, err)
	}
	if cfg, _, err := Parse("ticketd", []string{"--trusted-proxies", "192.0.2.1"}, env("10.0.0.0/8"), io.Discard); err != nil || cfg.TrustedProxies != "192.0.2.1" {
		t.Fatalf("the flag over the environment: %q, %v", cfg.TrustedProxies, err)
	}
	if _, _, err := Parse("ticketd", []string{"--trusted-proxies", "10.0.0.0/33"}, env(""), io.Discard); err == nil {
		t.Fatal("a bad CIDR is accepted")
	}
}

// TestLimitsDSN: the shared counters live in the read models' PostgreSQL, else the event
// store's, else nowhere shared.
func TestLimitsDSN(t *testing.T) {
	const rm, es = "postgres://rm/db", "postgresql://es/db"
	for _, c := range []struct {
		cfg  Config
		want string
	}{
		{Config{ReadModel: rm, EventStore: es}, rm},
		{Config{EventStore: es}, es},
		{Config{EventStore: "esdb://x", ReadModel: rm}, rm},
		{Config{EventStore: "memory:"}, ""},
		{Config{}, ""},
	} {
		if got := LimitsDSN(c.cfg); got != c.want {
			t.Errorf("%+v: %q, want %q", c.cfg, got, c.want)
		}
	}
}

func TestLeaseTTLConfig(t *testing.T) {
	cases := []struct {
		env  string
		args []string
		want time.Duration
		bad  bool
	}{
		{want: 0}, // lease.DefaultTTL
		{args: []string{"--lease-ttl", "4s"}, want: 4 * time.Second},
		{env: "30s", want: 30 * time.Second},
		{env: "30s", args: []string{"--lease-ttl=2s"}, want: 2 * time.Second},
		{args: []string{"--lease-ttl", "100ms"}, bad: true},
		{env: "forever", bad: true},
	}
	for _, c := range cases {
		getenv := func(name string) string {
			if name == "TICKETS_LEASE_TTL" {
				return c.env
			}
			return ""
		}
		cfg, _, err := Parse("ticketd", c.args, getenv, io.Discard)
		if c.bad {
			if err == nil {
				t.Errorf("env %q, args %q: accepted", c.env, c.args)
			}
			continue
		}
		if err != nil || cfg.LeaseTTL != c.want {
			t.Errorf("env %q, args %q: TTL %s (err %v), want %s", c.env, c.args, cfg.LeaseTTL, err, c.want)
		}
	}
}
