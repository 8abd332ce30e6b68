package domain

// Attachment is a file a message carries, as the ticket's events record it: the upload's
// id, its name, its sniffed type, its size and its SHA-256. The hash puts the file under
// the event log's hash chain (a file changed on disk no longer matches the event that
// names it), and lets a file be found, checked and erased later. The application resolves
// and claims the ids a request names (application/attachments) before the decision, so
// the domain only carries them.
type Attachment struct {
	ID          string `json:"id"`
	Filename    string `json:"filename"`
	ContentType string `json:"content_type"`
	Size        int64  `json:"size"`
	SHA256      string `json:"sha256"`
}

// MaxAttachments bounds the attachments of one message.
const MaxAttachments = 20

// attachmentsOK checks a message's attachments: at most MaxAttachments, each named once.
func attachmentsOK(atts []Attachment) bool {
	if len(atts) > MaxAttachments {
		return false
	}
	seen := make(map[string]bool, len(atts))
	for _, a := range atts {
		if a.ID == "" || seen[a.ID] || len(a.SHA256) != 64 || a.Size < 0 {
			return false
		}
		seen[a.ID] = true
	}
	return true
}

// cloneAttachments keeps an event's list its own; nil stays nil, so an event without
// attachments encodes as before they existed.
func cloneAttachments(atts []Attachment) []Attachment {
	if len(atts) == 0 {
		return nil
	}
	return append([]Attachment(nil), atts...)
}
