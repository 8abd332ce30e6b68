package s3blob_test

import (
	"strings"
	"testing"

	"github.com/ticketengine/ticketengine/adapters/blobstore/s3blob"
)

// TestParseURL: the bucket, prefix, endpoint (plain HTTP only when it says http://),
// region and keys are read from the URL; a wrong URL is refused without repeating its
// secret key.
func TestParseURL(t *testing.T) {
	for raw, want := range map[string]s3blob.Config{
		"s3://files?endpoint=http://127.0.0.1:18333&region=us-east-1": {Endpoint: "127.0.0.1:18333", Insecure: true, Region: "us-east-1", Bucket: "files"},
		"s3://ak:s%2Fk@files/tickets/prod?endpoint=s3.example.com":    {Endpoint: "s3.example.com", Bucket: "files", Prefix: "tickets/prod/", AccessKey: "ak", SecretKey: "s/k"},
		"s3://files?endpoint=https://minio.internal:9000/":            {Endpoint: "minio.internal:9000", Bucket: "files"},
		"s3://files": {Bucket: "files"},
	} {
		got, err := s3blob.ParseURL(raw)
		if err != nil || got != want {
			t.Errorf("%s: %+v %v, want %+v", raw, got, err, want)
		}
	}
	for _, raw := range []string{"files", "http://files", "s3:///prefix", "s3://ak:SECRET@files?endpoint=http://a/b",
		"s3://ak:SECRET@files?endpint=x", "s3://files?endpoint="} {
		_, err := s3blob.ParseURL(raw)
		if raw == "s3://files?endpoint=" {
			if err != nil {
				t.Errorf("%s: an empty endpoint is AWS's: %v", raw, err)
			}
			continue
		}
		if err == nil || strings.Contains(err.Error(), "SECRET") {
			t.Errorf("%s: %v", raw, err)
		}
	}
	if err := (s3blob.Config{Bucket: "files"}).Validate(); err == nil {
		t.Error("no keys: valid")
	}
}
