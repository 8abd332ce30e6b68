package access

import (
	"net/http"
	"strings"
)

// hop is one proxy's report of the connection it received: for= and proto=. An empty for_
// means the hop reported a scheme only.
type hop struct {
	for_, proto string
}

// forwardedHops is the forwarding chain of a request, left (client side) to right (the
// nearest proxy): RFC 7239 Forwarded when present, else X-Forwarded-For with
// X-Forwarded-Proto, matched hop for hop when they have as many values, else the last
// X-Forwarded-Proto given to the nearest hop only.
func forwardedHops(h http.Header) []hop {
	if fw := h.Values("Forwarded"); len(fw) > 0 {
		return parseForwarded(strings.Join(fw, ","))
	}
	var hops []hop
	for _, v := range splitValues(h.Values("X-Forwarded-For")) {
		hops = append(hops, hop{for_: v})
	}
	protos := splitValues(h.Values("X-Forwarded-Proto"))
	switch {
	case len(protos) == 0:
	case len(protos) == len(hops):
		for i := range hops {
			hops[i].proto = protos[i]
		}
	case len(hops) == 0:
		hops = []hop{{proto: protos[len(protos)-1]}}
	default:
		hops[len(hops)-1].proto = protos[len(protos)-1]
	}
	return hops
}

func splitValues(vs []string) []string {
	var out []string
	for _, v := range vs {
		for _, part := range strings.Split(v, ",") {
			if part = strings.TrimSpace(part); part != "" {
				out = append(out, part)
			}
		}
	}
	return out
}

// parseForwarded reads RFC 7239 elements (comma-separated; pairs separated by ";"; values
// a token or a quoted string, in which "," and ";" are text and \ escapes). A malformed
// element yields a hop with no address, which ends the trusted walk there.
func parseForwarded(v string) []hop {
	var hops []hop
	var cur hop
	for len(v) > 0 {
		key, rest := cutKey(v)
		val, rest, ok := cutValue(rest)
		if !ok {
			return append(hops, hop{})
		}
		switch strings.ToLower(key) {
		case "for":
			cur.for_ = val
		case "proto":
			cur.proto = val
		}
		rest = strings.TrimLeft(rest, " \t")
		switch {
		case strings.HasPrefix(rest, ";"):
			rest = rest[1:]
		case strings.HasPrefix(rest, ","), rest == "":
			hops, cur = append(hops, cur), hop{}
			rest = strings.TrimPrefix(rest, ",")
		default:
			return append(hops, hop{})
		}
		v = strings.TrimLeft(rest, " \t")
	}
	return hops
}

// cutKey returns the key before "=" (trimmed) and what follows the "=".
func cutKey(s string) (string, string) {
	key, rest, _ := strings.Cut(s, "=")
	return strings.TrimSpace(key), rest
}

// cutValue reads a token or a quoted string off the front of s.
func cutValue(s string) (string, string, bool) {
	s = strings.TrimLeft(s, " \t")
	if !strings.HasPrefix(s, `"`) {
		end := strings.IndexAny(s, ";, \t")
		if end < 0 {
			end = len(s)
		}
		return s[:end], s[end:], true
	}
	var b strings.Builder
	for i := 1; i < len(s); i++ {
		switch c := s[i]; c {
		case '\\':
			if i+1 == len(s) {
				return "", "", false
			}
			i++
			b.WriteByte(s[i])
		case '"':
			return b.String(), s[i+1:], true
		default:
			b.WriteByte(c)
		}
	}
	return "", "", false // unterminated quote
}
