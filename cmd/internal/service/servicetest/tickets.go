package servicetest

import (
	"io/fs"
	"path/filepath"
	"testing"
)

// SelfServiceTicket is the body of POST /tickets without a token: anyone's ticket, which
// typing a known customer's address gains nothing until the address is confirmed.
func SelfServiceTicket(email, subject string) map[string]any {
	return map[string]any{"customer": map[string]any{"name": "Impostor", "email": email}, "subject": subject, "body": "我要退款"}
}

// WithAttachments is a copy of body with the attachment ids given.
func WithAttachments(body map[string]any, ids ...string) map[string]any {
	out := map[string]any{}
	for k, v := range body {
		out[k] = v
	}
	out["attachments"] = ids
	return out
}

// FilesUnder lists the regular files under dir (the service's --data, say).
func FilesUnder(t *testing.T, dir string) []string {
	var out []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			out = append(out, p)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}
