package clustertest

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ticketengine/ticketengine/adapters/postgrestest"
	"github.com/ticketengine/ticketengine/adapters/smtp/smtptest"
	"github.com/ticketengine/ticketengine/adapters/watermillrelay"
)

// The timings of the acceptance run. The lease TTL is short so that a take-over fits the
// run; the SLA targets are short so that breaches happen during it, across the
// hand-overs.
const (
	leaseTTL = 2 * time.Second
	// drainDelay must exceed checkInterval × checkFall plus the checks' own time, which
	// grows on a loaded machine: 3 s leaves 2.5 s of margin.
	drainDelay = 3 * time.Second
	// firstResponse is every SLA cell's first-response target (resolution is twice it).
	firstResponse = 20 * time.Second
	mailDomain    = "cluster.test"
)

// killedLeases are the leases the SIGKILLed node holds (both when one node does).
var killedLeases = []string{"policies", "outbox"}

// slaPolicy is the short policy of the run: every tier and priority has the same short
// targets, a warning at half.
func slaPolicy() string {
	var b strings.Builder
	fmt.Fprintf(&b, "warning_share: 0.5\nescalation_team: escalations\ntargets:\n")
	for _, tier := range []string{"standard", "core", "vip"} {
		fmt.Fprintf(&b, "  %s:\n", tier)
		for _, p := range []string{"P1", "P2", "P3", "P4"} {
			fmt.Fprintf(&b, "    %s: {first_response: %s, resolution: %s}\n", p, firstResponse, 2*firstResponse)
		}
	}
	return b.String()
}

// timeline is when the run did what, for the checks.
type timeline struct {
	loadStart, loadEnd time.Time
	// killAt is the SIGKILL of the leaseholder, deadAt when its exit was seen (on a loaded
	// machine the signal takes effect up to a scheduling delay later: a delivery the
	// receiver gets in between is still the dead node's).
	killAt, deadAt time.Time
	killed         int
	// killedLeases are the epochs of the leases of killedLeases the killed node held (0:
	// not held; then its hand-over is clean and nothing of that duty may repeat).
	killedLeases map[string]uint64
	takeover     time.Duration
	// natsKill..natsBack is one NATS node's death and return.
	natsKill, natsBack time.Time
	// rollStart..rollEnd is the rolling restart (SIGTERM, start, back in HAProxy) of all three.
	rollStart, rollEnd time.Time
}

// TestClusterSurvivesKillsAndRollingRestart is issue 17's acceptance test: HAProxy in front
// of three ticketd on one PostgreSQL and a three-node NATS JetStream cluster, a ticketbench
// load through the proxy, and during it the leaseholder SIGKILLed and restarted, a NATS
// node killed and restarted, and every ticketd restarted in turn with SIGTERM. Then each
// check of the issue runs as a subtest (checks_test.go).
func TestClusterSurvivesKillsAndRollingRestart(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a cluster of real processes; skipped in -short")
	}
	need(t, "haproxy")
	need(t, "nats-server")
	dsn := postgrestest.FreshSchema(t, "cluster_")
	c := startCluster(t, 3, dsn)
	tl := c.run(t)
	c.settle(t)
	c.check(t, tl)
}

// cluster is everything the run starts.
type cluster struct {
	dir   string
	bin   string
	pp    ports
	dsn   string
	nats  *natsCluster
	nodes *nodes
	proxy *haproxy
	hooks *webhookReceiver
	mails *smtptest.Server
	// requests is ticketbench's request log (--record).
	requests string
	bench    *proc
}

// workDir is where the processes' stores and logs go: kept (and named) when the test
// fails, removed when it passes.
func workDir(t *testing.T) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "clustertest-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("the processes' logs and stores are kept in %s", dir)
			return
		}
		_ = os.RemoveAll(dir)
	})
	return dir
}

func startCluster(t *testing.T, n int, dsn string) *cluster {
	t.Helper()
	return startClusterTTL(t, n, dsn, leaseTTL)
}

// startClusterTTL starts n ticketd whose leases last ttl, with everything around them.
func startClusterTTL(t *testing.T, n int, dsn string, ttl time.Duration) *cluster {
	t.Helper()
	c := &cluster{dir: workDir(t), bin: binaries(t), pp: ports{base: 18400}, dsn: dsn}
	policy := filepath.Join(c.dir, "sla.yaml")
	if err := os.WriteFile(policy, []byte(slaPolicy()), 0o644); err != nil {
		t.Fatal(err)
	}
	c.nats = startNATS(t, c.dir, c.pp)
	c.hooks = startWebhookReceiver(t, fmt.Sprintf("127.0.0.1:%d", c.pp.webhook()))
	c.mails = smtptest.StartAt(t, fmt.Sprintf("127.0.0.1:%d", c.pp.smtp()))
	c.nodes = newNodes(t, c.dir, c.bin, c.pp, n,
		"--eventstore", dsn, "--readmodel", dsn, "--pubsub", c.nats.URLs(),
		"--sla-policy", policy, "--lease-ttl", ttl.String(), "--drain-delay", drainDelay.String(),
		"--smtp-url", c.mails.URL(), "--smtp-from", "tickets@"+mailDomain,
		"--webhooks", fmt.Sprintf("http://127.0.0.1:%d/hook", c.pp.webhook()),
		"--trusted-proxies", "127.0.0.1", "--log-level", "info")
	for i := range n { // one at a time: the first applies the migrations
		c.nodes.start(i)
	}
	c.proxy = startHAProxy(t, c.dir, c.pp, n)
	c.proxy.watch(t, c.dir, c.nodes.readyz)
	for i := range n {
		c.proxy.waitServer(t, i, "UP", 20*time.Second)
	}
	return c
}

// startBench runs ticketbench through the proxy until stopBench: a mixed load whose
// prefilled tickets (assigned, never answered) breach their first-response target
// during the run.
func (c *cluster) startBench(t *testing.T, extra ...string) {
	t.Helper()
	c.requests = filepath.Join(c.dir, "requests.jsonl")
	args := append([]string{"--url", c.proxy.URL(), "--scenario", "mixed", "--mix", "lifecycle=4,read=1,portal=1",
		"--prefill", "24", "-c", "4", "--agents", "4", "--duration", "10m", "--lag", "none", "--seed", "17",
		"--record", c.requests, "--progress", "1s"}, extra...)
	c.bench = start(t, c.dir, "ticketbench", nodeEnv("TICKETS_ADMIN_TOKEN="+adminToken), filepath.Join(c.bin, "ticketbench"), args...)
	if !waitFor(2*time.Minute, func() bool {
		b, _ := os.ReadFile(c.bench.log)
		return strings.Contains(string(b), "commands/s") || !c.bench.Running()
	}) || !c.bench.Running() {
		t.Fatalf("ticketbench did not start its load:\n%s", c.bench.tail(20))
	}
}

// stopBench interrupts ticketbench, which writes its report and the request log's end.
func (c *cluster) stopBench(t *testing.T) {
	t.Helper()
	c.bench.terminate(t, syscall.SIGINT, 30*time.Second)
	t.Logf("ticketbench:\n%s", c.bench.tail(40))
}

// run is the load with its failures, in order: the leaseholder's SIGKILL and restart, a
// NATS node's, then the rolling restart.
func (c *cluster) run(t *testing.T) timeline {
	t.Helper()
	var tl timeline
	c.startBench(t)
	tl.loadStart = time.Now()
	time.Sleep(5 * time.Second)

	// The node to kill holds the leases whose hand-over the checks judge: `policies` (SLA
	// breaches and escalations once) and `outbox` (mails and webhooks once); the first
	// node started usually holds every lease.
	leader, held := c.nodes.waitHolderOf(killedLeases, 30*time.Second)
	for i := range c.nodes.procs {
		e, _ := c.nodes.epochs(i)
		t.Logf("before the SIGKILL: ticketd%d holds %v", i+1, e)
	}
	tl.killed, tl.killedLeases, tl.killAt = leader, held, time.Now()
	c.nodes.kill(leader)
	tl.deadAt = time.Now()
	for _, name := range killedLeases {
		if held[name] == 0 {
			continue
		}
		next, nextEpoch, seen := c.nodes.waitHolder(name, held[name], 30*time.Second)
		tl.takeover = max(tl.takeover, seen.Sub(tl.killAt))
		t.Logf("SIGKILL of ticketd%d (%s epoch %d): ticketd%d took the lease over at epoch %d after %v (lease TTL %v)",
			leader+1, name, held[name], next+1, nextEpoch, seen.Sub(tl.killAt).Round(10*time.Millisecond), leaseTTL)
	}
	time.Sleep(2 * time.Second)
	c.nodes.start(leader)
	c.proxy.waitServer(t, leader, "UP", 20*time.Second)

	// The NATS node to kill is the one that leads the bus's stream, where a failure can
	// hurt most; the second node if no node says.
	time.Sleep(3 * time.Second)
	victim := c.nats.streamLeader(watermillrelay.Topic)
	if victim < 0 {
		t.Logf("no NATS node says it leads stream %s", watermillrelay.Topic)
		victim = 1
	}
	tl.natsKill = time.Now()
	c.nats.nodes[victim].Kill()
	t.Logf("SIGKILL of NATS node %d (leader of stream %s)", victim+1, watermillrelay.Topic)
	time.Sleep(5 * time.Second)
	c.nats.start(victim)
	c.nats.waitHealthy(victim, 60*time.Second)
	tl.natsBack = time.Now()
	t.Logf("NATS node %d back after %v", victim+1, tl.natsBack.Sub(tl.natsKill).Round(10*time.Millisecond))

	time.Sleep(3 * time.Second)
	tl.rollStart = time.Now()
	for i := range c.nodes.procs {
		c.nodes.stop(i)
		c.nodes.start(i)
		c.proxy.waitServer(t, i, "UP", 20*time.Second)
		t.Logf("rolling restart: ticketd%d back in HAProxy", i+1)
	}
	tl.rollEnd = time.Now()
	t.Logf("rolling restart took %v", tl.rollEnd.Sub(tl.rollStart).Round(10*time.Millisecond))

	time.Sleep(5 * time.Second)
	c.stopBench(t)
	tl.loadEnd = time.Now()
	return tl
}

// settle lets the background duties finish what the load started: the SLA monitor's
// breaches of the prefilled tickets, the webhooks, the mails. Then it stops every node
// cleanly, so the store is still while it is checked.
func (c *cluster) settle(t *testing.T) {
	t.Helper()
	// The last prefilled ticket breaches firstResponse after the load started; the monitor
	// needs at most a lease TTL to come back after the last restart.
	time.Sleep(2*leaseTTL + time.Second)
	quiet := func(count func() int) {
		last, since := count(), time.Now()
		waitFor(90*time.Second, func() bool {
			if n := count(); n != last {
				last, since = n, time.Now()
			}
			return time.Since(since) > 4*time.Second
		})
	}
	quiet(c.hooks.count)
	quiet(func() int { return len(c.mails.Messages()) })
	for i := range c.nodes.procs {
		c.nodes.stop(i)
	}
	c.proxy.p.Kill()
}
