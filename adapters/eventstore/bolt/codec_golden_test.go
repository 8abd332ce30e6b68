package bolt

import (
	"encoding/hex"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/application/eventlog"
)

// goldenRecord is one record as version 1 (no lease epoch) and version 2 (with one) of
// the encoding store it: the bytes already on disk, which a change to the codec must
// neither write differently nor fail to read.
func goldenRecord(epoch uint64) eventlog.Record {
	return eventlog.Record{
		Position: 7, ID: uuid.MustParse("0a1b2c3d-4e5f-4a6b-8c7d-8e9fa0b1c2d3"), Stream: "ticket-1", Version: 1<<40 + 67,
		Type: "TicketReplied", Data: []byte(`{"body":"é"}`),
		Meta: eventlog.Metadata{Actor: "agent:1", CorrelationID: "c", CausationID: "d", IdempotencyKey: "k",
			RequestHash: "r", Rule: "vip", LeaseEpoch: epoch,
			OccurredAt: time.Date(2026, 11, 23, 17, 0, 0, 123456789, time.FixedZone("CST", 8*3600))},
		PrevHash: "p", Hash: "h",
	}
}

var goldenEncodings = map[string]struct {
	epoch uint64
	hex   string
}{
	"version 1": {0, "010a1b2c3d4e5f4a6b8c7d8e9fa0b1c2d3868180808040087469636b65742d310d5469636b65745265706c6965640d7b22626f6479223a22c3a9227d076167656e743a3101630164016b0172037669700f010000000ee295f790075bcd1501e001700168"},
	"version 2": {1<<40 + 7, "020a1b2c3d4e5f4a6b8c7d8e9fa0b1c2d3868180808040087469636b65742d310d5469636b65745265706c6965640d7b22626f6479223a22c3a9227d076167656e743a3101630164016b0172037669708780808080200f010000000ee295f790075bcd1501e001700168"},
}

func TestCodecKeepsTheBytesOnDisk(t *testing.T) {
	for name, g := range goldenEncodings {
		want := goldenRecord(g.epoch)
		enc, err := encodeRecord(&want)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if got := hex.EncodeToString(enc); got != g.hex {
			t.Errorf("%s: encoded\n %s\nwant\n %s", name, got, g.hex)
		}
		stored, err := hex.DecodeString(g.hex)
		if err != nil {
			t.Fatal(err)
		}
		got, err := decodeRecord(want.Position, stored)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		sameRecord(t, name, got, want)
	}
}
