package httpapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"testing"

	"github.com/ticketengine/ticketengine/domain/text"
)

// FuzzEdgeJSON checks the body walker: whatever it accepts is valid JSON whose every key and
// string passes the text rule, walking its output again changes nothing, and whatever it
// refuses is a malformed request (a 400), never a panic.
//
//	go test ./adapters/httpapi -run '^$' -fuzz FuzzEdgeJSON -fuzztime 60s -parallel 1
func FuzzEdgeJSON(f *testing.F) {
	for _, s := range []string{
		`{}`, `{"body":"hello\u0000world"}`, `{"a":"x\r\ny","b":[1,"\r",{"c":null}]}`,
		`{"a":1,"a":2}`, `{"a":1,"A":2}`, `{"a":{"b":"\ud800"}}`, `{"a":"\ud83d\ude00"}`,
		`{"a":"\udc00\ud800"}`, `{"\\u0000":1}`, `[[[[]]]]`, `{"a":true,"b":false,"c":-1.5e3}`,
		`{"a":"x"} {"b":1}`, `{"a":`, `{"a":"\u202e\u200d\ufeff"}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		out, err := checkJSON(body)
		if err != nil {
			if !errors.Is(err, errMalformed) {
				t.Fatalf("refused %q with %v, not a malformed request", body, err)
			}
			return
		}
		if len(bytes.TrimSpace(body)) == 0 {
			return
		}
		if !json.Valid(out) || !json.Valid(body) {
			t.Fatalf("accepted %q as %q: not both valid JSON", body, out)
		}
		again, err := checkJSON(out)
		if err != nil || !bytes.Equal(again, out) {
			t.Fatalf("not a fixed point: %q → %q → %q, %v", body, out, again, err)
		}
		var v any
		if err := json.Unmarshal(out, &v); err != nil {
			t.Fatal(err)
		}
		walkStrings(t, v)
	})
}

func walkStrings(t *testing.T, v any) {
	switch v := v.(type) {
	case string:
		if !text.Valid(v, 0) {
			t.Fatalf("%q passed the walker", v)
		}
	case []any:
		for _, e := range v {
			walkStrings(t, e)
		}
	case map[string]any:
		for k, e := range v {
			walkStrings(t, k)
			walkStrings(t, e)
		}
	}
}

func TestLoneSurrogate(t *testing.T) {
	for raw, want := range map[string]bool{
		`"plain"`: false, `"\ud83d\ude00"`: false, `"\u00e9"`: false, `"\\ud800"`: false,
		`"\ud800"`: true, `"\udc00"`: true, `"\ud800x"`: true, `"\ud800\u0041"`: true, `, "\ud83d\ude00\ud800"`: true,
		`"\ud800\ud800\udc00"`: true, `"\\\ud800"`: true,
	} {
		if got := loneSurrogate([]byte(raw)); got != want {
			t.Errorf("loneSurrogate(%s) = %v, want %v", raw, got, want)
		}
	}
}
