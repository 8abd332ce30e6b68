package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"time"
)

// client sends the benchmark's requests through one tuned http.Client: enough idle
// connections per host for every worker to keep its own, so no request pays for a new
// TCP connection (the default keeps 2, which turns a 64-client run into a connection
// churn benchmark).
type client struct {
	base  string
	http  *http.Client
	stats *stats
	pace  *pacer    // nil: closed loop
	rec   *recorder // nil: no request log (--record)
}

func newClient(base string, conns int, st *stats, p *pacer) *client {
	tr := &http.Transport{
		Proxy:               nil,
		DialContext:         (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		MaxIdleConns:        conns * 2,
		MaxIdleConnsPerHost: conns * 2,
		MaxConnsPerHost:     0,
		IdleConnTimeout:     90 * time.Second,
		DisableCompression:  true,
		ForceAttemptHTTP2:   false,
	}
	return &client{base: strings.TrimRight(base, "/"), http: &http.Client{Transport: tr, Timeout: 30 * time.Second}, stats: st, pace: p}
}

// call is one request of a scenario.
type call struct {
	kind   string
	class  class
	method string
	path   string
	token  string // bearer token; empty for the portal
	cookie string // a Cookie header (the desk's session); empty sends none
	body   any    // JSON-encoded; nil sends no body
	want   int    // the status that counts as success
	ticket string // the ticket a command acts on, for the request log (receive: from its answer)
}

// httpError is a response other than the one wanted.
type httpError struct {
	kind   string
	status int
	body   string
}

func (e *httpError) Error() string {
	return fmt.Sprintf("%s: status %d: %s", e.kind, e.status, e.body)
}

// do sends the call, records it, and decodes a successful answer into out (when not nil).
// Commands wait for the pacer when one is set, and their latency then counts from the
// moment the schedule meant them to start, so a server that falls behind shows it in the
// latency instead of silently lowering the offered rate (coordinated omission).
func (c *client) do(ctx context.Context, k call, out any) error {
	var payload []byte
	if k.body != nil {
		var err error
		if payload, err = json.Marshal(k.body); err != nil {
			return err
		}
	}
	start := time.Now()
	if c.pace != nil && k.class == classCommand {
		var err error
		if start, err = c.pace.wait(ctx); err != nil {
			return err
		}
	}
	status, body, err := c.send(ctx, k, payload)
	elapsed := time.Since(start)
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err() // the run was stopped: not the server's fault
		}
		c.rec.add(k, start, 0, nil, err)
		c.stats.observe(k.kind, k.class, 0, false, elapsed)
		return fmt.Errorf("%s: %w", k.kind, err)
	}
	c.rec.add(k, start, status, body, nil)
	if status != k.want {
		c.stats.observe(k.kind, k.class, status, false, elapsed)
		return &httpError{kind: k.kind, status: status, body: truncate(string(body), 300)}
	}
	c.stats.observe(k.kind, k.class, status, true, elapsed)
	if out != nil {
		if err := json.Unmarshal(body, out); err != nil {
			return fmt.Errorf("%s: decoding the answer: %w", k.kind, err)
		}
	}
	return nil
}

// send makes the HTTP exchange and reads the whole body, so the connection is reused.
func (c *client) send(ctx context.Context, k call, payload []byte) (int, []byte, error) {
	var rd io.Reader
	if payload != nil {
		rd = bytes.NewReader(payload)
	}
	req, err := http.NewRequestWithContext(ctx, k.method, c.base+k.path, rd)
	if err != nil {
		return 0, nil, err
	}
	if payload != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Accept", "application/json")
	if k.token != "" {
		req.Header.Set("Authorization", "Bearer "+k.token)
	}
	if k.cookie != "" {
		req.Header.Set("Cookie", k.cookie)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return resp.StatusCode, body, err
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
