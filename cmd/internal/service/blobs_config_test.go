package service

import (
	"io"
	"strings"
	"testing"
)

// TestBlobsConfig: --blobs (or TICKETS_BLOBS) names an S3 bucket whose keys come from the
// URL or from TICKETS_S3_ACCESS_KEY / TICKETS_S3_SECRET_KEY; without keys, or with a URL
// that is no s3:// one, ticketd refuses to start, and never repeats a secret key.
func TestBlobsConfig(t *testing.T) {
	env := func(vars map[string]string) func(string) string {
		return func(name string) string { return vars[name] }
	}
	keys := map[string]string{"TICKETS_S3_ACCESS_KEY": "ak", "TICKETS_S3_SECRET_KEY": "SECRET-FROM-ENV"}
	cfg, _, err := Parse("ticketd", []string{"--blobs", "s3://files/prod?endpoint=http://127.0.0.1:18333"}, env(keys), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	s3, err := cfg.Attachments.s3Config()
	if err != nil || s3.Bucket != "files" || s3.Prefix != "prod/" || s3.AccessKey != "ak" || s3.SecretKey != "SECRET-FROM-ENV" || !s3.Insecure {
		t.Fatalf("%+v %v", s3, err)
	}
	cfg, _, err = Parse("ticketd", nil, env(map[string]string{"TICKETS_BLOBS": "s3://k:SECRET-IN-URL@files"}), io.Discard)
	if s3, _ := cfg.Attachments.s3Config(); err != nil || s3.SecretKey != "SECRET-IN-URL" || s3.Endpoint != "" {
		t.Fatalf("from TICKETS_BLOBS with the keys in the URL: %+v %v", s3, err)
	}
	for _, args := range [][]string{{"--blobs", "s3://files"}, {"--blobs", "/var/lib/files"}, {"--blobs", "s3://k:SECRET-IN-URL@files?endpont=x"}} {
		_, _, err := Parse("ticketd", args, env(nil), io.Discard)
		if err == nil || !strings.Contains(err.Error(), "--blobs") || strings.Contains(err.Error(), "SECRET-IN-URL") {
			t.Errorf("%v: %v", args, err)
		}
	}
}
