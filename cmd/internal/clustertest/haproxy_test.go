package clustertest

import (
	"encoding/csv"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// ports are the test's TCP ports, all from base: NATS 1–3 (clients), 11–13 (routes),
// 51–53 (monitoring); ticketd 21–23; HAProxy 30 (the front) and 31 (its statistics);
// the webhook receiver 40, the mail receiver 41.
type ports struct{ base int }

func (p ports) ticketd(i int) int { return p.base + 21 + i }
func (p ports) proxy() int        { return p.base + 30 }
func (p ports) proxyStats() int   { return p.base + 31 }
func (p ports) webhook() int      { return p.base + 40 }
func (p ports) smtp() int         { return p.base + 41 }

// Health checks: every checkInterval on /readyz; checkFall failures take a server out,
// checkRise successes put it back. A check may take 2 s (timeout check): without it
// HAProxy allows a check only checkInterval, and on a loaded machine every node's /readyz
// (one read of the store) takes longer, every server falls and HAProxy answers 503. A ticketd's --drain-delay must exceed
// checkInterval × checkFall (plus a check's own time) for a rolling restart to lose no
// request.
const (
	checkInterval = 250 * time.Millisecond
	checkFall     = 2
	checkRise     = 2
)

// haproxy is HAProxy in front of the ticketd nodes.
type haproxy struct {
	p     *proc
	ports ports
}

// proxyConfig balances round robin over n ticketd and checks /readyz. It retries nothing
// (retries 0), not even a refused connection: the rolling restart must lose no request
// because ticketd drains (unready on SIGTERM, serving until the checks took it out), not
// because the proxy papers over a closed port. In production, add `retries 3`, `retry-on
// conn-failure` and `option redispatch`: a refused connection never reached ticketd, so
// retrying it elsewhere cannot apply a command twice (docs/SCALING.md).
func proxyConfig(pp ports, n int) string {
	var b strings.Builder
	fmt.Fprintf(&b, `global
  maxconn 2000
defaults
  mode http
  timeout connect 2s
  timeout check 2s
  timeout client 60s
  timeout server 60s
  timeout http-keep-alive 10s
  retries 0
frontend tickets
  bind 127.0.0.1:%d
  option forwardfor
  default_backend ticketd
backend ticketd
  balance roundrobin
  option httpchk GET /readyz
  http-check expect status 200
  default-server inter %dms fall %d rise %d
`, pp.proxy(), checkInterval.Milliseconds(), checkFall, checkRise)
	for i := range n {
		fmt.Fprintf(&b, "  server t%d 127.0.0.1:%d check\n", i+1, pp.ticketd(i))
	}
	fmt.Fprintf(&b, `listen stats
  bind 127.0.0.1:%d
  stats enable
  stats uri /stats
`, pp.proxyStats())
	return b.String()
}

func startHAProxy(t *testing.T, dir string, pp ports, n int) *haproxy {
	t.Helper()
	bin := need(t, "haproxy")
	conf := filepath.Join(dir, "haproxy.cfg")
	if err := os.WriteFile(conf, []byte(proxyConfig(pp, n)), 0o644); err != nil {
		t.Fatal(err)
	}
	h := &haproxy{p: start(t, dir, "haproxy", nil, bin, "-db", "-f", conf), ports: pp}
	if !waitFor(10*time.Second, func() bool { return listening(fmt.Sprintf("127.0.0.1:%d", pp.proxy())) }) {
		t.Fatalf("HAProxy does not listen:\n%s", h.p.tail(20))
	}
	return h
}

// URL is the front's base URL.
func (h *haproxy) URL() string { return fmt.Sprintf("http://127.0.0.1:%d", h.ports.proxy()) }

// status is each server's state as HAProxy sees it (UP, DOWN, "UP 1/2", …), by name t1…
func (h *haproxy) status() (map[string]string, error) {
	c := http.Client{Timeout: 2 * time.Second}
	res, err := c.Get(fmt.Sprintf("http://127.0.0.1:%d/stats;csv", h.ports.proxyStats()))
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	r := csv.NewReader(res.Body)
	r.FieldsPerRecord = -1
	rows, err := r.ReadAll()
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	for _, row := range rows {
		if len(row) > 17 && row[0] == "ticketd" && strings.HasPrefix(row[1], "t") {
			out[row[1]] = row[17]
		}
	}
	return out, nil
}

// waitServer waits until HAProxy reports server i (0-based) as state ("UP" or "DOWN").
func (h *haproxy) waitServer(t *testing.T, i int, state string, timeout time.Duration) {
	t.Helper()
	name := fmt.Sprintf("t%d", i+1)
	if !waitFor(timeout, func() bool {
		st, err := h.status()
		return err == nil && st[name] == state
	}) {
		st, _ := h.status()
		t.Fatalf("HAProxy: server %s not %s after %v: %v", name, state, timeout, st)
	}
}

// watch writes every change of the servers' states, as HAProxy sees them, to
// dir/proxy-status.log with each node's /readyz answer at that moment, until the test
// ends: when a check fails, this says which node was out and why.
func (h *haproxy) watch(t *testing.T, dir string, readyz func(i int) string) {
	f, err := os.Create(filepath.Join(dir, "proxy-status.log"))
	if err != nil {
		t.Fatal(err)
	}
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		defer f.Close()
		last := ""
		for {
			select {
			case <-stop:
				return
			case <-time.After(100 * time.Millisecond):
			}
			st, err := h.status()
			if err != nil {
				continue
			}
			now := fmt.Sprint(st)
			if now == last {
				continue
			}
			last = now
			fmt.Fprintf(f, "%s %s\n", time.Now().UTC().Format("15:04:05.000"), now)
			for i := range len(st) {
				if st[fmt.Sprintf("t%d", i+1)] != "UP" {
					fmt.Fprintf(f, "    t%d /readyz: %s\n", i+1, readyz(i))
				}
			}
		}
	}()
	t.Cleanup(func() { close(stop); <-done })
}
