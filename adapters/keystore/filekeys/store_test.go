package filekeys_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/ticketengine/ticketengine/adapters/keystore/filekeys"
	"github.com/ticketengine/ticketengine/application/erasure"
	"github.com/ticketengine/ticketengine/application/erasure/erasuretest"
)

// TestConformance: the key store suite, reopening the directory between steps (what a
// restart does); no key file is left for a destroyed key, and files are private.
func TestConformance(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "keys")
	open := func() erasure.KeyStore {
		s, err := filekeys.Open(dir)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	erasuretest.Run(t, open(), open)
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	keys, erased := 0, 0
	for _, e := range entries {
		switch filepath.Ext(e.Name()) {
		case ".key":
			keys++
			if info, _ := e.Info(); info.Mode().Perm() != 0o600 {
				t.Errorf("%s has mode %v, want 0600", e.Name(), info.Mode().Perm())
			}
		case ".erased":
			erased++
		default:
			t.Errorf("stray file %s", e.Name())
		}
	}
	if keys != 1 || erased != 1 {
		t.Fatalf("%d key files and %d erasure marks, want 1 and 1", keys, erased)
	}
}
