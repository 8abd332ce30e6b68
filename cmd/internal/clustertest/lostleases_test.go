package clustertest

import (
	"bufio"
	"encoding/json"
	"os"
	"testing"
)

// lostEpochs are the epochs of lease `name` that a node lost without letting go: its
// renewal failed for a TTL (a node starved of CPU or cut off from PostgreSQL on a loaded
// machine) and another node took the lease over and fenced it. What that holder had
// claimed and not recorded is in doubt exactly as after a SIGKILL, and is sent again once;
// a graceful hand-over (SIGTERM, rolling restart) loses nothing and leaves nothing in
// doubt. Read from every node's log ("lease lost", application/lease.Run).
func (c *cluster) lostEpochs(t *testing.T, name string) map[uint64]bool {
	t.Helper()
	out := map[uint64]bool{}
	for _, p := range c.nodes.procs {
		f, err := os.Open(p.log)
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(f)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			var line struct {
				Msg   string `json:"msg"`
				Lease string `json:"lease"`
				Epoch uint64 `json:"epoch"`
			}
			if json.Unmarshal(sc.Bytes(), &line) == nil && line.Msg == "lease lost" && line.Lease == name {
				out[line.Epoch] = true
			}
		}
		_ = f.Close()
	}
	return out
}
