package esdbtest

import (
	"testing"

	client "github.com/EventStore/EventStore-Client-Go/v4/esdb"
)

// Client connects the official client to conn (a server's ConnectionString), closed when
// the test ends: for tests that look at what a server holds past the adapter, and for
// holding this server to the real one's semantics.
func Client(t testing.TB, conn string) *client.Client {
	t.Helper()
	cfg, err := client.ParseConnectionString(conn)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Logger = client.NoopLogging()
	c, err := client.NewClient(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return c
}
