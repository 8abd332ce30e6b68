package pgkeys_test

import (
	"bytes"
	"context"
	"testing"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/ticketengine/ticketengine/adapters/keystore/pgkeys"
	"github.com/ticketengine/ticketengine/adapters/postgrestest"
	"github.com/ticketengine/ticketengine/application/erasure"
	"github.com/ticketengine/ticketengine/application/erasure/erasuretest"
)

func open(t *testing.T, dsn string, kek []byte) *pgkeys.Store {
	t.Helper()
	s, err := pgkeys.Open(context.Background(), dsn, kek)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// TestConformance: the key store suite, a second store on the same table standing for
// another process.
func TestConformance(t *testing.T) {
	dsn := postgrestest.FreshSchema(t, "t_keys_")
	kek := bytes.Repeat([]byte{7}, 32)
	erasuretest.Run(t, open(t, dsn, kek), func() erasure.KeyStore { return open(t, dsn, kek) })
}

// TestKeysAreWrapped: the table holds no data key as it is, and a store with another
// wrapping key (another server key) opens none of them.
func TestKeysAreWrapped(t *testing.T) {
	dsn := postgrestest.FreshSchema(t, "t_keys_")
	ctx := context.Background()
	id := uuid.New()
	key, err := open(t, dsn, bytes.Repeat([]byte{1}, 32)).Key(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	var stored []byte
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	if err := conn.QueryRow(ctx, `SELECT key FROM customer_keys WHERE customer_id = $1`, id).Scan(&stored); err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(stored, key) {
		t.Fatal("the table holds the data key in plain")
	}
	if _, err := open(t, dsn, bytes.Repeat([]byte{2}, 32)).Lookup(ctx, id); err == nil {
		t.Fatal("a store with another wrapping key opened the key")
	}
}
