// Package testio holds small I/O helpers that tests of several layers share: a writer
// goroutines may write while the test reads it, and JSON written as a lax or hostile
// writer would.
package testio

import (
	"bytes"
	"fmt"
	"strings"
	"sync"
)

// SyncBuffer is a writer that goroutines (a service's, exec's copying one) may write
// while the test reads what they wrote. Its zero value is ready.
type SyncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *SyncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

// String returns what was written so far.
func (s *SyncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// RawJSONString quotes s as a JSON string the way a lax, older or hostile writer would:
// quotes, backslashes and control characters escaped (so NUL is the \u0000 escape),
// every other byte as it is, invalid UTF-8 included, where encoding/json would have
// replaced it.
func RawJSONString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '"' || c == '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case c < 0x20:
			fmt.Fprintf(&b, `\u%04x`, c)
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte('"')
	return b.String()
}
