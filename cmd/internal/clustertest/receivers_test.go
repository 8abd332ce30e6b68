package clustertest

import (
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"sync"
	"testing"
	"time"
)

// delivery is one webhook request the receiver took.
type delivery struct {
	ID       string
	Position uint64
	Stream   string
	Type     string
	At       time.Time
}

// webhookReceiver counts deliveries by X-Tickets-Event-ID, answering 200 to each.
type webhookReceiver struct {
	mu  sync.Mutex
	all []delivery
}

func startWebhookReceiver(t *testing.T, addr string) *webhookReceiver {
	t.Helper()
	w := &webhookReceiver{}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(w.serve), ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
	return w
}

func (w *webhookReceiver) serve(rw http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(rw, err.Error(), http.StatusBadRequest)
		return
	}
	var p struct {
		Position uint64 `json:"position"`
		Stream   string `json:"stream"`
		Type     string `json:"type"`
	}
	if err := json.Unmarshal(body, &p); err != nil {
		http.Error(rw, fmt.Sprintf("not a delivery: %v", err), http.StatusBadRequest)
		return
	}
	d := delivery{ID: r.Header.Get("X-Tickets-Event-ID"), Position: p.Position, Stream: p.Stream, Type: p.Type, At: time.Now()}
	w.mu.Lock()
	w.all = append(w.all, d)
	w.mu.Unlock()
	rw.WriteHeader(http.StatusOK)
}

// byID is every delivery so far, grouped by event id, in arrival order.
func (w *webhookReceiver) byID() map[string][]delivery {
	w.mu.Lock()
	defer w.mu.Unlock()
	out := map[string][]delivery{}
	for _, d := range w.all {
		out[d.ID] = append(out[d.ID], d)
	}
	return out
}

func (w *webhookReceiver) count() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return len(w.all)
}
