package clustertest

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/ticketengine/ticketengine/adapters/postgrestest"
)

// TestMeasureThroughTheProxy measures what docs/SCALING.md reports, outside CI (it runs
// only with TICKETS_CLUSTER_MEASURE=1): commands/s and the commands' p99 through HAProxy
// with 1, 2 and 3 ticketd (the lifecycle scenario, closed loop, TICKETS_CLUSTER_CLIENTS
// workers, default 16, for TICKETS_CLUSTER_DURATION, default 20s); then the take-over time
// when the leader dies, at the default lease TTL (10 s), three times: from the SIGKILL of
// the node holding the policies lease to the first /metrics of another node showing that
// lease at a greater epoch (polled every 50 ms). Run it with
//
//	TICKETS_CLUSTER_MEASURE=1 go test -run TestMeasureThroughTheProxy -v -timeout 30m ./cmd/internal/clustertest/
func TestMeasureThroughTheProxy(t *testing.T) {
	if os.Getenv("TICKETS_CLUSTER_MEASURE") != "1" {
		t.Skip("a measurement, not a test: TICKETS_CLUSTER_MEASURE=1 runs it")
	}
	need(t, "haproxy")
	need(t, "nats-server")
	duration, clients := envOr("TICKETS_CLUSTER_DURATION", "20s"), envOr("TICKETS_CLUSTER_CLIENTS", "16")
	var rows []string
	for _, n := range []int{1, 2, 3} {
		t.Run(fmt.Sprintf("%dnodes", n), func(t *testing.T) {
			c := startClusterTTL(t, n, postgrestest.FreshSchema(t, "cluster_measure_"), 10*time.Second)
			load := loadavg()
			rep, p99 := c.measure(t, duration, clients)
			row := fmt.Sprintf("| %d | %s | %s | %.0f | %.1f | %.1f | %d | %s |", n, clients, duration, rep.CommandsPerS, p99, rep.receiveP99(), rep.failed(), load)
			t.Log(row)
			rows = append(rows, row)
			for i := range n {
				c.nodes.stop(i)
			}
		})
	}
	t.Run("takeover", func(t *testing.T) {
		c := startClusterTTL(t, 3, postgrestest.FreshSchema(t, "cluster_measure_"), 10*time.Second)
		for round := range 3 {
			leader, epoch, _ := c.nodes.waitHolder("policies", 0, 30*time.Second)
			load := loadavg()
			killAt := time.Now()
			c.nodes.kill(leader)
			next, nextEpoch, seen := c.nodes.waitHolder("policies", epoch, time.Minute)
			row := fmt.Sprintf("take-over %d: SIGKILL of ticketd%d (epoch %d) → ticketd%d at epoch %d after %.2f s (load %s)",
				round+1, leader+1, epoch, next+1, nextEpoch, seen.Sub(killAt).Seconds(), load)
			t.Log(row)
			rows = append(rows, row)
			c.nodes.start(leader)
		}
	})
	t.Logf("\n| nodes | clients | duration | commands/s | p99 ms (all commands) | p99 ms (receive) | failed | load average before |\n|---|---|---|---|---|---|---|---|\n%s", strings.Join(rows, "\n"))
}

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

func loadavg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	return strings.Join(strings.Fields(string(b))[:3], " ")
}

// benchReport is the part of ticketbench's JSON report the measurement reads.
type benchReport struct {
	CommandsPerS float64           `json:"commands_per_s"`
	Errors       map[string]uint64 `json:"errors_by_status"`
	Kinds        []struct {
		Kind string  `json:"kind"`
		P99  float64 `json:"p99_ms"`
	} `json:"kinds"`
}

func (r benchReport) receiveP99() float64 {
	for _, k := range r.Kinds {
		if k.Kind == "receive" {
			return k.P99
		}
	}
	return 0
}

func (r benchReport) failed() uint64 {
	var n uint64
	for _, v := range r.Errors {
		n += v
	}
	return n
}

// measure runs the lifecycle scenario through the proxy and returns ticketbench's report
// and the p99 of every command's latency, from its request log.
func (c *cluster) measure(t *testing.T, duration, clients string) (benchReport, float64) {
	t.Helper()
	record := filepath.Join(c.dir, "measure.jsonl")
	cmd := exec.Command(filepath.Join(c.bin, "ticketbench"), "--url", c.proxy.URL(), "--scenario", "lifecycle", "-c", clients,
		"--duration", duration, "--lag", "none", "--json", "--progress", "0", "--record", record)
	cmd.Env = nodeEnv("TICKETS_ADMIN_TOKEN=" + adminToken)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("ticketbench: %v\n%s", err, out)
	}
	var rep benchReport
	if err := json.Unmarshal(out, &rep); err != nil {
		t.Fatalf("ticketbench's report: %v\n%s", err, out)
	}
	var lat []float64
	err = scanLines(record, func(line []byte) error {
		var r request
		if err := json.Unmarshal(line, &r); err != nil {
			return err
		}
		if r.Class == "command" && r.OK {
			lat = append(lat, float64(r.End-r.Start)/1e6)
		}
		return nil
	})
	if err != nil || len(lat) == 0 {
		t.Fatalf("request log: %v (%d commands)", err, len(lat))
	}
	sort.Float64s(lat)
	return rep, lat[min(len(lat)-1, len(lat)*99/100)]
}
