package bolt

import "github.com/ticketengine/ticketengine/application"

// CodecRoundTrip encodes and decodes r, for the codec benchmark and tests outside the package.
func CodecRoundTrip(r application.Record) (int, application.Record) {
	enc, err := encodeRecord(&r)
	if err != nil {
		panic(err)
	}
	dec, err := decodeRecord(r.Position, enc)
	if err != nil {
		panic(err)
	}
	return len(enc), dec
}
