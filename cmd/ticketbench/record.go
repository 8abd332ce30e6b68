package main

import (
	"bufio"
	"encoding/json"
	"os"
	"sync"
	"time"
)

// The request log (--record FILE): one JSON line per request of the run, as the client saw
// it, for checks a report cannot make: that every acknowledged command is in the store
// (the ticket and version it answered), and when requests failed (a test that restarts
// nodes under the load counts the failures inside each window of its own).

// recordedRequest is one line of the request log. Times are Unix nanoseconds.
type recordedRequest struct {
	Start  int64  `json:"start_ns"`
	End    int64  `json:"end_ns"`
	Kind   string `json:"kind"`
	Class  string `json:"class"`
	Status int    `json:"status"` // 0: no answer (the connection failed)
	OK     bool   `json:"ok"`     // the status the call wanted: for a command, acknowledged
	Ticket string `json:"ticket,omitempty"`
	// Version is the stream version an acknowledged command answered.
	Version *int64 `json:"version,omitempty"`
	Error   string `json:"error,omitempty"`
}

// recorder writes the request log; nil records nothing.
type recorder struct {
	mu  sync.Mutex
	f   *os.File
	w   *bufio.Writer
	enc *json.Encoder
	err error
}

func openRecorder(path string) (*recorder, error) {
	if path == "" {
		return nil, nil
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	w := bufio.NewWriter(f)
	return &recorder{f: f, w: w, enc: json.NewEncoder(w)}, nil
}

// add records one request: k, when it started and ended, the status (0 when none) and, for
// an acknowledged command, the ticket and version from its answer.
func (r *recorder) add(k call, start time.Time, status int, body []byte, err error) {
	if r == nil {
		return
	}
	line := recordedRequest{Start: start.UnixNano(), End: time.Now().UnixNano(), Kind: k.kind, Class: classNames[k.class],
		Status: status, OK: err == nil && status == k.want, Ticket: k.ticket}
	if err != nil {
		line.Error = truncate(err.Error(), 200)
	}
	if line.OK && k.class == classCommand {
		var ans struct {
			ID      string `json:"id"`
			Version *int64 `json:"version"`
		}
		if json.Unmarshal(body, &ans) == nil {
			if line.Ticket == "" {
				line.Ticket = ans.ID
			}
			line.Version = ans.Version
		}
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.err == nil {
		r.err = r.enc.Encode(line)
	}
}

// close flushes the log and reports the first write error.
func (r *recorder) close() error {
	if r == nil {
		return nil
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if err := r.w.Flush(); r.err == nil {
		r.err = err
	}
	if err := r.f.Close(); r.err == nil {
		r.err = err
	}
	return r.err
}
