package attachments

import (
	"fmt"
	"mime"
	"path"
	"slices"
	"strings"

	"github.com/gabriel-vasile/mimetype"

	"github.com/ticketengine/ticketengine/domain"
	"github.com/ticketengine/ticketengine/domain/errs"
	"github.com/ticketengine/ticketengine/domain/text"
)

// DefaultTypes is the allow-list unless configured (--attachment-types): what customers
// and agents send each other: images browsers show, PDF, plain text and CSV, and office
// documents (OOXML, the legacy binary formats, OpenDocument). Left out on purpose:
// executables and scripts of every kind, HTML and SVG (scripts a browser would run),
// and archives (zip, 7z, rar: they carry executables unseen); a deployment that wants zip
// adds application/zip to the list. message/rfc822 is a mail (a forwarded one, and the
// raw source every mail that came in keeps: application/inbound); a browser shows it as
// text, never runs it.
var DefaultTypes = []string{
	"image/png", "image/jpeg", "image/gif", "image/webp", "image/heic", "image/bmp", "image/tiff",
	"application/pdf", "text/plain", "text/csv", "message/rfc822",
	"application/vnd.openxmlformats-officedocument.wordprocessingml.document",
	"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
	"application/vnd.openxmlformats-officedocument.presentationml.presentation",
	"application/msword", "application/vnd.ms-excel", "application/vnd.ms-powerpoint",
	"application/vnd.oasis.opendocument.text", "application/vnd.oasis.opendocument.spreadsheet",
	"application/vnd.oasis.opendocument.presentation",
}

// sniffLen is how much of a file the type is told from: mimetype's default read limit.
const sniffLen = 3072

// ErrType is a file whose sniffed type is not on the allow-list (415).
var ErrType = errs.E(errs.UnsupportedMediaType, "file type not allowed")

// ErrTooLarge is a file over the size limit (413).
var ErrTooLarge = errs.E(errs.TooLarge, "file over the size limit")

// sniff tells the type from the head of the file by its content, never by the name or
// the type the client declared: the declared one is whatever the client says. The answer
// is the bare media type ("text/plain", without its charset), compared exactly: a child
// type is not allowed because its parent is (HTML is a kind of text/plain to mimetype).
func sniff(head []byte) string {
	t, _, err := mime.ParseMediaType(mimetype.Detect(head).String())
	if err != nil {
		return "application/octet-stream"
	}
	return t
}

// checkType refuses a type outside the allow-list.
func checkType(allowed []string, t string) error {
	if !slices.Contains(allowed, t) {
		return fmt.Errorf("%w: %s", ErrType, t)
	}
	return nil
}

// CheckTypes validates a configured allow-list: bare media types, lower case.
func CheckTypes(types []string) error {
	for _, t := range types {
		mt, params, err := mime.ParseMediaType(t)
		if err != nil || mt != t || len(params) > 0 || !strings.Contains(t, "/") {
			return fmt.Errorf("attachment type %q is not a bare lower-case media type", t)
		}
	}
	return nil
}

// CleanFilename is the name a file is kept under: the text rule at the edge (valid UTF-8,
// no control characters), then only its last path element (a browser on Windows sends
// "C:\Users\…\a.pdf"; "../../etc/passwd" is "passwd"), at most 200 characters. A name
// that is nothing after that is "file".
func CleanFilename(name string) (string, error) {
	n, err := text.Normalize(name, 4*text.MaxShort)
	if err != nil || strings.Contains(n, "\n") {
		return "", &domain.ValidationError{Fields: []domain.FieldError{{Field: "file", Message: "has a file name that is not valid text"}}}
	}
	n = path.Base(strings.ReplaceAll(n, `\`, "/"))
	n = strings.TrimSpace(strings.Trim(n, "."))
	if n == "" || n == "/" {
		n = "file"
	}
	if text.Len(n) > text.MaxShort {
		r := []rune(n)
		n = string(r[len(r)-text.MaxShort:]) // keep the end: the extension
	}
	return n, nil
}
