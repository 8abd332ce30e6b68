package clustertest

import (
	"bufio"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

const (
	adminToken = "cluster-admin-token-0123456789abcdef"
	// secretKey is the server key every node shares (access codes, wrapped data keys).
	secretKey = "5ec7e75ec7e75ec7e75ec7e75ec7e75ec7e75ec7e75ec7e75ec7e75ec7e75ec7"
)

// nodes are the ticketd processes on one PostgreSQL store (events and read models).
type nodes struct {
	t     *testing.T
	dir   string
	bin   string
	ports ports
	args  []string // every node's flags but --addr and --data
	env   []string
	procs []*proc
}

// nodeEnv is this process's environment without any TICKETS_ setting, plus extra.
func nodeEnv(extra ...string) []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "TICKETS_") {
			env = append(env, kv)
		}
	}
	return append(env, extra...)
}

func newNodes(t *testing.T, dir, bin string, pp ports, n int, args ...string) *nodes {
	return &nodes{t: t, dir: dir, bin: bin, ports: pp, args: args, procs: make([]*proc, n),
		env: nodeEnv("TICKETS_ADMIN_TOKEN="+adminToken, "TICKETS_SECRET_KEY="+secretKey, "TICKETS_WEBHOOK_SECRET=cluster-webhook-secret")}
}

func (n *nodes) base(i int) string { return fmt.Sprintf("http://127.0.0.1:%d", n.ports.ticketd(i)) }

// start starts node i (0-based) and waits until its /readyz answers 200.
func (n *nodes) start(i int) {
	n.t.Helper()
	args := append([]string{"--addr", fmt.Sprintf("127.0.0.1:%d", n.ports.ticketd(i)),
		"--data", filepath.Join(n.dir, fmt.Sprintf("ticketd%d-data", i+1))}, n.args...)
	n.procs[i] = start(n.t, n.dir, fmt.Sprintf("ticketd%d", i+1), n.env, filepath.Join(n.bin, "ticketd"), args...)
	n.waitReady(i, 90*time.Second)
}

func (n *nodes) waitReady(i int, timeout time.Duration) {
	n.t.Helper()
	p := n.procs[i]
	if !waitFor(timeout, func() bool { return p.Running() && httpOK(n.base(i)+"/readyz") }) {
		n.t.Fatalf("ticketd%d not ready after %v:\n%s", i+1, timeout, p.tail(30))
	}
}

// kill is SIGKILL: the node dies with whatever it was doing.
func (n *nodes) kill(i int) { n.procs[i].Kill() }

// stop is SIGTERM: the node drains and exits; it must exit 0.
func (n *nodes) stop(i int) {
	n.t.Helper()
	if code := n.procs[i].terminate(n.t, syscall.SIGTERM, 60*time.Second); code != 0 {
		n.t.Errorf("ticketd%d exited %d after SIGTERM:\n%s", i+1, code, n.procs[i].tail(30))
	}
}

// epochs reads tickets_lease_epoch from node i's /metrics: the epoch of each lease the
// node holds (0 for those it does not).
func (n *nodes) epochs(i int) (map[string]uint64, error) {
	c := http.Client{Timeout: 2 * time.Second}
	res, err := c.Get(n.base(i) + "/metrics")
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	out := map[string]uint64{}
	sc := bufio.NewScanner(res.Body)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	const prefix = `tickets_lease_epoch{lease="`
	for sc.Scan() {
		line := sc.Text()
		if !strings.HasPrefix(line, prefix) {
			continue
		}
		name, value, ok := strings.Cut(strings.TrimPrefix(line, prefix), `"} `)
		if !ok {
			continue
		}
		v, err := strconv.ParseFloat(value, 64)
		if err != nil {
			return nil, fmt.Errorf("metric %q: %w", line, err)
		}
		out[name] = uint64(v)
	}
	return out, sc.Err()
}

// holder is the running node holding lease name, and its epoch; -1 when none does.
func (n *nodes) holder(name string) (int, uint64) {
	for i, p := range n.procs {
		if p == nil || !p.Running() {
			continue
		}
		if e, err := n.epochs(i); err == nil && e[name] > 0 {
			return i, e[name]
		}
	}
	return -1, 0
}

// waitHolder waits until some running node holds lease name with an epoch above after,
// and returns it, its epoch, and when it was seen.
func (n *nodes) waitHolder(name string, after uint64, timeout time.Duration) (int, uint64, time.Time) {
	n.t.Helper()
	var (
		who   = -1
		epoch uint64
	)
	ok := waitFor(timeout, func() bool {
		who, epoch = n.holder(name)
		return who >= 0 && epoch > after
	})
	if !ok {
		n.t.Fatalf("no node holds lease %q with an epoch above %d after %v", name, after, timeout)
	}
	return who, epoch, time.Now()
}

// waitHolderOf waits for the running node that holds the most of leases (all of them,
// when one node does, for up to timeout) and returns it with the epochs it holds (0 for
// those it does not).
func (n *nodes) waitHolderOf(leases []string, timeout time.Duration) (int, map[string]uint64) {
	n.t.Helper()
	best, bestHeld, most := -1, map[string]uint64{}, 0
	waitFor(timeout, func() bool {
		for i, p := range n.procs {
			if p == nil || !p.Running() {
				continue
			}
			e, err := n.epochs(i)
			if err != nil {
				continue
			}
			held := map[string]uint64{}
			k := 0
			for _, name := range leases {
				if held[name] = e[name]; e[name] > 0 {
					k++
				}
			}
			if k > most {
				best, bestHeld, most = i, held, k
			}
		}
		return most == len(leases)
	})
	if best < 0 {
		n.t.Fatalf("no node holds any of the leases %v after %v", leases, timeout)
	}
	return best, bestHeld
}

// readyz is node i's /readyz answer, status and body, for logs.
func (n *nodes) readyz(i int) string {
	res, err := (&http.Client{Timeout: 3 * time.Second}).Get(n.base(i) + "/readyz")
	if err != nil {
		return err.Error()
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(res.Body, 500))
	return fmt.Sprintf("%d %s", res.StatusCode, strings.TrimSpace(string(b)))
}
