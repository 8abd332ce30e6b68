package attachments_test

import (
	"testing"

	"github.com/ticketengine/ticketengine/application/attachments"
)

// TestContentDisposition: RFC 6266 with an ASCII fallback and the exact name in RFC 5987
// form; quotes, backslashes and control characters never reach the quoted fallback.
func TestContentDisposition(t *testing.T) {
	for name, want := range map[string]string{
		"report.pdf":    `attachment; filename="report.pdf"; filename*=UTF-8''report.pdf`,
		"发票 2026.pdf":   `attachment; filename="__ 2026.pdf"; filename*=UTF-8''%E5%8F%91%E7%A5%A8%202026.pdf`,
		`a"b\c.txt`:     `attachment; filename="a_b_c.txt"; filename*=UTF-8''a%22b%5Cc.txt`,
		"tab\there.txt": `attachment; filename="tab_here.txt"; filename*=UTF-8''tab%09here.txt`,
	} {
		if got := attachments.ContentDisposition(name); got != want {
			t.Errorf("%q:\n got %s\nwant %s", name, got, want)
		}
	}
}
