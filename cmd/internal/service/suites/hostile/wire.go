package hostile

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"sync/atomic"
	"testing"
	"time"
)

// The harness speaks HTTP/1.1 over its own TCP connections instead of using net/http's
// client: the client refuses to send what a hostile one sends (control characters in
// header values, raw bytes in paths). Each request also comes from its own loopback
// address (127.1.x.y), so the portal's per-address limit on failed look-ups, which would
// answer 429 before any input is looked at, never masks what is being tested.

// probe is one hostile request.
type probe struct {
	name         string // what is sent where, for messages
	method, path string // path already escaped as it goes on the wire
	body         []byte // nil: no body
	headers      [][2]string
	staff        bool // with the admin's bearer token; else as the customer
	// want is the status the contract requires, or 0 for "any but a 5xx".
	want int
	// field, with want 400, must be named by the problem.
	field string
	// after repairs the fixture's state when the probe was accepted (2xx).
	after func(t *testing.T)
}

type wire struct {
	addr, token string
	next        atomic.Uint32
}

func newWire(base, token string) *wire {
	u, err := url.Parse(base)
	if err != nil {
		panic(err)
	}
	return &wire{addr: u.Host, token: token}
}

// source is the next loopback address to connect from.
func (w *wire) source() *net.TCPAddr {
	n := w.next.Add(1)%(250*250) + 1
	return &net.TCPAddr{IP: net.IPv4(127, 1, byte(n/250+1), byte(n%250+1))}
}

// send writes p on a fresh connection and returns the status and the body.
func (w *wire) send(p probe) (int, string, error) {
	d := net.Dialer{LocalAddr: w.source(), Timeout: 10 * time.Second}
	conn, err := d.Dial("tcp", w.addr)
	if err != nil {
		return 0, "", err
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(30 * time.Second))
	var b bytes.Buffer
	fmt.Fprintf(&b, "%s %s HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n", p.method, p.path, w.addr)
	if p.staff {
		fmt.Fprintf(&b, "Authorization: Bearer %s\r\n", w.token)
	}
	if p.body != nil {
		fmt.Fprintf(&b, "Content-Type: application/json\r\nContent-Length: %d\r\n", len(p.body))
	} else if p.method == http.MethodPost {
		b.WriteString("Content-Length: 0\r\n")
	}
	// The hostile headers go last: a CR or LF in one may end the header block early.
	for _, h := range p.headers {
		fmt.Fprintf(&b, "%s: %s\r\n", h[0], h[1])
	}
	b.WriteString("\r\n")
	b.Write(p.body)
	if _, err := conn.Write(b.Bytes()); err != nil {
		// The server may answer and close before reading a huge request: read on.
		if _, ok := err.(net.Error); !ok {
			return 0, "", err
		}
	}
	res, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		return 0, "", err
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(raw), nil
}

// q escapes s for a query value, byte for byte (invalid UTF-8 stays invalid once decoded).
func q(s string) string { return url.QueryEscape(s) }

// seg escapes s for one path segment.
func seg(s string) string { return url.PathEscape(s) }
