package clustertest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// natsCluster is a three-node NATS JetStream cluster on local ports, each node with its
// own store under the test's directory, joined by cluster routes.
type natsCluster struct {
	t     *testing.T
	bin   string
	dir   string
	nodes []*proc
	ports ports
}

func (p ports) natsClient(i int) int  { return p.base + 1 + i }  // 1..3
func (p ports) natsRoute(i int) int   { return p.base + 11 + i } // 11..13
func (p ports) natsMonitor(i int) int { return p.base + 51 + i } // 51..53

// URLs is the cluster's client URLs, comma-separated, as --pubsub takes them (a client
// connects to any and fails over to the others).
func (c *natsCluster) URLs() string {
	var us []string
	for i := range 3 {
		us = append(us, fmt.Sprintf("nats://127.0.0.1:%d", c.ports.natsClient(i)))
	}
	return strings.Join(us, ",")
}

func startNATS(t *testing.T, dir string, pp ports) *natsCluster {
	t.Helper()
	c := &natsCluster{t: t, bin: need(t, "nats-server"), dir: dir, nodes: make([]*proc, 3), ports: pp}
	var routes []string
	for i := range 3 {
		routes = append(routes, fmt.Sprintf("nats-route://127.0.0.1:%d", pp.natsRoute(i)))
	}
	for i := range 3 {
		conf := fmt.Sprintf(`server_name: n%d
listen: 127.0.0.1:%d
http: 127.0.0.1:%d
jetstream { store_dir: %q }
cluster {
  name: tickets
  listen: 127.0.0.1:%d
  routes: [%s]
}
`, i+1, pp.natsClient(i), pp.natsMonitor(i), filepath.Join(dir, fmt.Sprintf("nats%d", i+1)), pp.natsRoute(i), strings.Join(routes, ", "))
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("nats%d.conf", i+1)), []byte(conf), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for i := range 3 {
		c.start(i)
	}
	for i := range 3 {
		c.waitHealthy(i, 60*time.Second)
	}
	return c
}

func (c *natsCluster) start(i int) {
	c.nodes[i] = start(c.t, c.dir, fmt.Sprintf("nats%d", i+1), nil, c.bin, "-c", filepath.Join(c.dir, fmt.Sprintf("nats%d.conf", i+1)))
}

// waitHealthy waits until node i says it is healthy, JetStream included (its meta group
// has a leader and it is current).
func (c *natsCluster) waitHealthy(i int, timeout time.Duration) {
	c.t.Helper()
	url := fmt.Sprintf("http://127.0.0.1:%d/healthz", c.ports.natsMonitor(i))
	if !waitFor(timeout, func() bool { return httpOK(url) }) {
		c.t.Fatalf("NATS node %d not healthy after %v:\n%s", i+1, timeout, c.nodes[i].tail(20))
	}
}

// streamLeader is the node (0-based) that leads JetStream stream name, as the running
// nodes' monitoring says (/jsz); -1 when none says.
func (c *natsCluster) streamLeader(name string) int {
	for i, p := range c.nodes {
		if p == nil || !p.Running() {
			continue
		}
		res, err := (&http.Client{Timeout: 2 * time.Second}).Get(fmt.Sprintf("http://127.0.0.1:%d/jsz?accounts=true&streams=true", c.ports.natsMonitor(i)))
		if err != nil {
			continue
		}
		var jsz struct {
			Accounts []struct {
				Streams []struct {
					Name    string `json:"name"`
					Cluster struct {
						Leader string `json:"leader"`
					} `json:"cluster"`
				} `json:"stream_detail"`
			} `json:"account_details"`
		}
		err = json.NewDecoder(res.Body).Decode(&jsz)
		res.Body.Close()
		if err != nil {
			continue
		}
		for _, a := range jsz.Accounts {
			for _, s := range a.Streams {
				if s.Name == name && strings.HasPrefix(s.Cluster.Leader, "n") {
					if n, err := strconv.Atoi(strings.TrimPrefix(s.Cluster.Leader, "n")); err == nil && n >= 1 && n <= 3 {
						return n - 1
					}
				}
			}
		}
	}
	return -1
}
