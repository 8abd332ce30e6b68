package access

import (
	"crypto/tls"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"testing"
)

func TestParseProxies(t *testing.T) {
	p, err := ParseProxies(" 10.0.0.0/8, 192.0.2.7 ,fd00::/8,::ffff:198.51.100.0/120,")
	if err != nil {
		t.Fatal(err)
	}
	for addr, want := range map[string]bool{
		"10.1.2.3": true, "11.0.0.1": false, "192.0.2.7": true, "192.0.2.8": false,
		"fd12::1": true, "fe80::1": false, "198.51.100.9": true, "::ffff:10.0.0.1": true,
	} {
		a, _ := parseHost(addr)
		if got := p.Trusts(a); got != want {
			t.Errorf("Trusts(%s) = %v, want %v", addr, got, want)
		}
	}
	for _, bad := range []string{"10.0.0.0/33", "proxy.example", "10.0.0.1:80"} {
		if _, err := ParseProxies(bad); err == nil {
			t.Errorf("ParseProxies(%q) accepted", bad)
		}
	}
	if p, _ := ParseProxies(""); p.Trusts(mustAddr(t, "127.0.0.1")) {
		t.Error("empty list trusts loopback")
	}
}

func TestClient(t *testing.T) {
	trusted, err := ParseProxies("10.0.0.0/8,2001:db8:ffff::/48")
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, remote string
		header       http.Header
		tls          bool
		addr, scheme string
	}{
		{"no proxy", "203.0.113.5:4711", nil, false, "203.0.113.5", "http"},
		{"tls peer", "203.0.113.5:4711", nil, true, "203.0.113.5", "https"},
		{"ipv6 peer", "[2001:db8::5]:4711", nil, false, "2001:db8::5", "http"},
		{"ipv4-mapped peer", "[::ffff:203.0.113.5]:1", nil, false, "203.0.113.5", "http"},
		{"spoofed by untrusted peer", "203.0.113.5:1", hdr("X-Forwarded-For", "1.2.3.4", "X-Forwarded-Proto", "https"), false, "203.0.113.5", "http"},
		{"spoofed Forwarded by untrusted peer", "203.0.113.5:1", hdr("Forwarded", "for=1.2.3.4;proto=https"), false, "203.0.113.5", "http"},
		{"trusted, no header", "10.0.0.1:1", nil, false, "10.0.0.1", "http"},
		{"trusted, xff", "10.0.0.1:1", hdr("X-Forwarded-For", "198.51.100.9", "X-Forwarded-Proto", "https"), false, "198.51.100.9", "https"},
		{"trusted, proto only", "10.0.0.1:1", hdr("X-Forwarded-Proto", "HTTPS"), false, "10.0.0.1", "https"},
		{"bad proto ignored", "10.0.0.1:1", hdr("X-Forwarded-Proto", "gopher"), true, "10.0.0.1", "https"},
		{"chain: right-most untrusted", "10.0.0.1:1", hdr("X-Forwarded-For", "6.6.6.6, 198.51.100.9, 10.0.0.2"), false, "198.51.100.9", "http"},
		{"chain over two header lines", "10.0.0.1:1", hdr("X-Forwarded-For", "6.6.6.6", "X-Forwarded-For", "198.51.100.9,10.0.0.2"), false, "198.51.100.9", "http"},
		{"all trusted: left-most", "10.0.0.1:1", hdr("X-Forwarded-For", "10.9.9.9, 10.0.0.2"), false, "10.9.9.9", "http"},
		{"ipv6 in xff", "[2001:db8:ffff::1]:1", hdr("X-Forwarded-For", "2001:db8::77"), false, "2001:db8::77", "http"},
		{"bracketed ipv6 with port in xff", "10.0.0.1:1", hdr("X-Forwarded-For", "[2001:db8::77]:5000"), false, "2001:db8::77", "http"},
		{"garbage in xff stops the walk", "10.0.0.1:1", hdr("X-Forwarded-For", "6.6.6.6, not-an-ip, 10.0.0.2"), false, "10.0.0.2", "http"},
		{"garbage right-most: the peer", "10.0.0.1:1", hdr("X-Forwarded-For", "6.6.6.6, unknown"), false, "10.0.0.1", "http"},
		{"protos matched hop for hop", "10.0.0.1:1", hdr("X-Forwarded-For", "198.51.100.9, 10.0.0.2", "X-Forwarded-Proto", "https, http"), false, "198.51.100.9", "https"},
		{"forwarded", "10.0.0.1:1", hdr("Forwarded", "for=198.51.100.9;proto=https"), false, "198.51.100.9", "https"},
		{"forwarded beats xff", "10.0.0.1:1", hdr("Forwarded", "for=198.51.100.9", "X-Forwarded-For", "6.6.6.6"), false, "198.51.100.9", "http"},
		{"forwarded quoted ipv6 with port", "10.0.0.1:1", hdr("Forwarded", `For="[2001:db8:cafe::17]:4711"`), false, "2001:db8:cafe::17", "http"},
		{"forwarded chain, proto of the chosen hop", "10.0.0.1:1",
			hdr("Forwarded", `for=6.6.6.6;proto=http, for=198.51.100.9;proto=https;by=10.0.0.2, for="10.0.0.2";proto=http`), false, "198.51.100.9", "https"},
		{"forwarded quoted comma is text", "10.0.0.1:1", hdr("Forwarded", `for=198.51.100.9;host="a,b;c", for=10.0.0.2`), false, "198.51.100.9", "http"},
		{"forwarded escapes", "10.0.0.1:1", hdr("Forwarded", `for="198.51.100\.9"`), false, "198.51.100.9", "http"},
		{"forwarded two lines", "10.0.0.1:1", hdr("Forwarded", "for=6.6.6.6", "Forwarded", "for=198.51.100.9"), false, "198.51.100.9", "http"},
		{"forwarded unknown", "10.0.0.1:1", hdr("Forwarded", "for=unknown"), false, "10.0.0.1", "http"},
		{"forwarded obfuscated", "10.0.0.1:1", hdr("Forwarded", "for=198.51.100.9, for=_hidden"), false, "10.0.0.1", "http"},
		{"forwarded unterminated quote", "10.0.0.1:1", hdr("Forwarded", `for="198.51.100.9`), false, "10.0.0.1", "http"},
		{"forwarded malformed after a good hop", "10.0.0.1:1", hdr("Forwarded", `for=198.51.100.9, for=1.2.3.4 junk`), false, "10.0.0.1", "http"},
		{"unparsable remote addr", "@pipe", nil, false, "@pipe", "http"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodGet, "/", nil)
			r.RemoteAddr = c.remote
			r.Header = c.header
			if r.Header == nil {
				r.Header = http.Header{}
			}
			if c.tls {
				r.TLS = &tls.ConnectionState{}
			}
			got := trusted.Client(r)
			if got.Addr != c.addr || got.Scheme != c.scheme {
				t.Errorf("got %+v, want {Addr:%s Scheme:%s}", got, c.addr, c.scheme)
			}
		})
	}
}

// TestClientTrustsNoneByDefault: with no proxies configured, every header is ignored, even
// from loopback.
func TestClientTrustsNoneByDefault(t *testing.T) {
	r := httptest.NewRequest(http.MethodGet, "/", nil)
	r.RemoteAddr = "127.0.0.1:5000"
	r.Header = hdr("X-Forwarded-For", "1.2.3.4", "Forwarded", "for=1.2.3.4;proto=https", "X-Forwarded-Proto", "https")
	if got := (Proxies{}).Client(r); got != (Client{Addr: "127.0.0.1", Scheme: "http"}) {
		t.Fatalf("got %+v", got)
	}
}

func hdr(kv ...string) http.Header {
	h := http.Header{}
	for i := 0; i < len(kv); i += 2 {
		h.Add(kv[i], kv[i+1])
	}
	return h
}

func mustAddr(t *testing.T, s string) netip.Addr {
	t.Helper()
	a, ok := parseHost(s)
	if !ok {
		t.Fatalf("bad address %s", s)
	}
	return a
}
