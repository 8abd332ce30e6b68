package testio_test

import (
	"encoding/json"
	"fmt"
	"sync"
	"testing"

	"github.com/ticketengine/ticketengine/application/testio"
)

func TestSyncBufferKeepsEveryWrite(t *testing.T) {
	var b testio.SyncBuffer
	var wg sync.WaitGroup
	for i := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			fmt.Fprintf(&b, "%d", i)
		}()
	}
	wg.Wait()
	if got := b.String(); len(got) != 4 {
		t.Fatalf("wrote %q, want 4 digits", got)
	}
}

func TestRawJSONString(t *testing.T) {
	for s, want := range map[string]string{
		"plain":          `"plain"`,
		"q\"b\\":         `"q\"b\\"`,
		"nul\x00tab\t":   `"nul\u0000tab\u0009"`,
		"bad \xff bytes": "\"bad \xff bytes\"",
	} {
		if got := testio.RawJSONString(s); got != want {
			t.Errorf("%q: got %s, want %s", s, got, want)
		}
	}
	var back string // valid UTF-8 reads back as it was
	if err := json.Unmarshal([]byte(testio.RawJSONString("a\x00\"é")), &back); err != nil || back != "a\x00\"é" {
		t.Fatalf("round trip: %q %v", back, err)
	}
}
