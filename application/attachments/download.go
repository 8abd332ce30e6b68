package attachments

import (
	"fmt"
	"strconv"
	"strings"
)

// DownloadHeaders are the response headers of every download of a file, the API's and
// the pages' alike: always a download (never shown inline), never sniffed by the browser
// into something else, never run even opened in a tab of its own (a sandbox CSP), not
// cached by shared caches, with the file's hash as its ETag.
func (f File) DownloadHeaders() map[string]string {
	return map[string]string{
		"Content-Type":            f.ContentType,
		"Content-Length":          strconv.FormatInt(f.Size, 10),
		"Content-Disposition":     ContentDisposition(f.Filename),
		"X-Content-Type-Options":  "nosniff",
		"Cache-Control":           "private, no-store",
		"Content-Security-Policy": "default-src 'none'; sandbox",
		"ETag":                    strconv.Quote(f.SHA256),
	}
}

// ContentDisposition is "attachment" with the name as RFC 6266 asks: an ASCII fallback in
// filename= (other characters as "_"), and the exact name in filename*= (RFC 5987:
// UTF-8, percent-encoded), which every current browser prefers.
func ContentDisposition(name string) string {
	var ascii, enc strings.Builder
	for _, r := range name {
		if r < 0x80 && r >= 0x20 && r != '"' && r != '\\' && r != 0x7f {
			ascii.WriteRune(r)
		} else {
			ascii.WriteByte('_')
		}
	}
	for _, b := range []byte(name) {
		if isAttrChar(b) {
			enc.WriteByte(b)
		} else {
			fmt.Fprintf(&enc, "%%%02X", b)
		}
	}
	return `attachment; filename="` + ascii.String() + `"; filename*=UTF-8''` + enc.String()
}

// isAttrChar is RFC 5987's attr-char: what filename*= carries unencoded.
func isAttrChar(b byte) bool {
	return b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9' || strings.IndexByte("!#$&+-.^_`|~", b) >= 0
}
