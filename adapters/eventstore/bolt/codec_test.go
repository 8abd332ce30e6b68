package bolt

import (
	"bytes"
	"reflect"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/application/eventlog"
)

func TestCodecRoundTripsEveryField(t *testing.T) {
	shanghai := time.FixedZone("CST", 8*3600)
	cases := map[string]eventlog.Record{
		"full": {
			ID: uuid.New(), Stream: "ticket-工单", Version: 1 << 40, Type: "TicketReplied",
			Data: []byte(` { "body" : "您好 <b>&</b>", "n": 1.50 } `),
			Meta: eventlog.Metadata{Actor: "agent:1", CorrelationID: "c", CausationID: "d", IdempotencyKey: "k",
				RequestHash: "r", Rule: "vip", OccurredAt: time.Date(2026, 11, 23, 17, 0, 0, 123456789, shanghai)},
			PrevHash: "p", Hash: "h",
		},
		"empty":        {Stream: "s"},
		"zero version": {ID: uuid.New(), Stream: "agent-x", Data: []byte("null"), Meta: eventlog.Metadata{OccurredAt: time.Unix(0, 0).UTC()}},
		"large data":   {Stream: "s", Data: bytes.Repeat([]byte("x"), 1<<20)},
		"lease epoch": {ID: uuid.New(), Stream: "ticket-x", Version: 3, Type: "SLABreached", Data: []byte("{}"),
			Meta: eventlog.Metadata{Actor: "system", Rule: "sla_monitor", LeaseEpoch: 1<<40 + 7, OccurredAt: time.Unix(1, 0).UTC()}},
	}
	for name, want := range cases {
		want.Position = 42
		enc, err := encodeRecord(&want)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if v := enc[0]; (v == codecVersionEpoch) != (want.Meta.LeaseEpoch != 0) {
			t.Errorf("%s: encoding version %d (a record without an epoch keeps version 1)", name, v)
		}
		got, err := decodeRecord(42, enc)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		sameRecord(t, name, got, want)
	}
}

// sameRecord fails t unless got is want: OccurredAt keeps its instant and offset (compared
// apart), the rest is exactly equal.
func sameRecord(t *testing.T, name string, got, want eventlog.Record) {
	t.Helper()
	if !got.Meta.OccurredAt.Equal(want.Meta.OccurredAt) || got.Meta.OccurredAt.Format(time.RFC3339Nano) != want.Meta.OccurredAt.Format(time.RFC3339Nano) {
		t.Errorf("%s: occurred_at %v, want %v", name, got.Meta.OccurredAt, want.Meta.OccurredAt)
	}
	got.Meta.OccurredAt, want.Meta.OccurredAt = time.Time{}, time.Time{}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s: decoding changed the record:\n got %+v\nwant %+v", name, got, want)
	}
}

func TestCodecRefusesDamagedRecords(t *testing.T) {
	r := eventlog.Record{ID: uuid.New(), Stream: "ticket-1", Type: "T", Data: []byte(`{"a":1}`),
		Meta: eventlog.Metadata{Actor: "a", OccurredAt: time.Now()}, Hash: "h"}
	enc, err := encodeRecord(&r)
	if err != nil {
		t.Fatal(err)
	}
	for n := range len(enc) {
		if _, err := decodeRecord(1, enc[:n]); err == nil {
			t.Errorf("a record cut to %d of %d bytes decoded without error", n, len(enc))
		}
	}
	if _, err := decodeRecord(1, append(append([]byte(nil), enc...), 0)); err == nil {
		t.Error("a record with a trailing byte decoded without error")
	}
	bad := append([]byte(nil), enc...)
	bad[0] = 9
	if _, err := decodeRecord(1, bad); err == nil {
		t.Error("a record of an unknown encoding decoded without error")
	}
}

func FuzzDecodeNeverPanics(f *testing.F) {
	r := eventlog.Record{ID: uuid.New(), Stream: "s", Data: []byte(`{}`), Meta: eventlog.Metadata{OccurredAt: time.Now()}}
	enc, _ := encodeRecord(&r)
	f.Add(enc)
	f.Fuzz(func(t *testing.T, b []byte) {
		_, _ = decodeRecord(1, b)
	})
}
