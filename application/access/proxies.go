package access

import (
	"fmt"
	"net/http"
	"net/netip"
	"strings"
)

// Proxies are the peers trusted to tell the client's address and scheme (--trusted-proxies):
// a request whose peer is one of them is read through X-Forwarded-For / Forwarded and
// X-Forwarded-Proto / Forwarded proto=; any other request is taken at its word, the
// connection's, and its forwarding headers ignored, since anyone can write them. The zero
// value trusts no one.
type Proxies struct {
	nets []netip.Prefix
}

// Client is who a request came from, as far as the server can tell.
type Client struct {
	Addr   string // the client's IP, the key of limits, pseudonyms and logs
	Scheme string // "https" or "http", as the client spoke to the first trusted proxy
}

// ParseProxies reads a comma-separated list of CIDRs (10.0.0.0/8, fd00::/8) or single
// addresses; empty trusts none.
func ParseProxies(list string) (Proxies, error) {
	var p Proxies
	for _, item := range strings.Split(list, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		prefix, err := netip.ParsePrefix(item)
		if err != nil {
			addr, aerr := netip.ParseAddr(item)
			if aerr != nil {
				return Proxies{}, fmt.Errorf("trusted proxies: %q is not a CIDR or an address", item)
			}
			prefix = netip.PrefixFrom(addr.Unmap(), addr.Unmap().BitLen())
		}
		if prefix.Addr().Is4In6() {
			prefix = netip.PrefixFrom(prefix.Addr().Unmap(), prefix.Bits()-96)
		}
		p.nets = append(p.nets, prefix.Masked())
	}
	return p, nil
}

// Trusts reports whether addr is a trusted proxy.
func (p Proxies) Trusts(addr netip.Addr) bool {
	addr = addr.Unmap()
	for _, n := range p.nets {
		if n.Contains(addr) {
			return true
		}
	}
	return false
}

// ClientAddr is Client(r).Addr: what every limiter, pseudonym and log line keys on.
func (p Proxies) ClientAddr(r *http.Request) string { return p.Client(r).Addr }

// Client returns the request's client: the peer, unless the peer is a trusted proxy; then
// the right-most address of the forwarding chain that is not a trusted proxy (the one the
// nearest untrusted hop connected from: addresses left of it may be made up).
func (p Proxies) Client(r *http.Request) Client {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	peer, ok := parseHost(r.RemoteAddr)
	if !ok {
		return Client{Addr: ClientAddr(r.RemoteAddr), Scheme: scheme}
	}
	if !p.Trusts(peer) {
		return Client{Addr: peer.String(), Scheme: scheme}
	}
	hops := forwardedHops(r.Header)
	addr, chosen := peer, len(hops) // chosen: the hop addr came from; len(hops) is the peer
	for i := len(hops) - 1; i >= 0; i-- {
		a, ok := parseHost(hops[i].for_)
		if !ok {
			break // "unknown" or obfuscated: the hop right of it is all we know
		}
		addr, chosen = a, i
		if !p.Trusts(a) {
			break
		}
	}
	if proto := protoOf(hops, chosen); proto != "" {
		scheme = proto
	}
	return Client{Addr: addr.String(), Scheme: scheme}
}

// protoOf is the scheme the chosen hop reported, else the nearest reported one.
func protoOf(hops []hop, chosen int) string {
	if chosen < len(hops) && validScheme(hops[chosen].proto) {
		return strings.ToLower(hops[chosen].proto)
	}
	for i := len(hops) - 1; i >= 0; i-- {
		if validScheme(hops[i].proto) {
			return strings.ToLower(hops[i].proto)
		}
	}
	return ""
}

func validScheme(s string) bool { return strings.EqualFold(s, "http") || strings.EqualFold(s, "https") }

// parseHost reads an address as forwarding headers and RemoteAddr write it: 192.0.2.1,
// 192.0.2.1:4711, 2001:db8::1, [2001:db8::1] or [2001:db8::1]:4711.
func parseHost(s string) (netip.Addr, bool) {
	s = strings.TrimSpace(s)
	if ap, err := netip.ParseAddrPort(s); err == nil {
		return ap.Addr().Unmap().WithZone(""), true
	}
	s = strings.TrimSuffix(strings.TrimPrefix(s, "["), "]")
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Addr{}, false
	}
	return a.Unmap().WithZone(""), true
}
