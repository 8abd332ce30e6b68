package eventlog

import (
	"fmt"
	"strings"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/application"
)

// The registry of stream kinds. Every stream the engine writes is named prefix + id, and
// its kind is one row of streamKinds below: every event store refuses at append a stream
// no row names (CheckStream), EventStoreDB's $all reads and subscription filter keep to
// the rows' prefixes (StreamPrefixes), and the conformance suite checks both. A new
// aggregate or policy stream (customers, macros, attachments, …) is one more row, and a
// constant here if code builds its names. The list is fixed at compile time on purpose:
// no package adds kinds at init.

// Stream name prefixes, for the code that builds or recognises names of one kind.
const (
	TicketStreamPrefix = "ticket-"
	AgentStreamPrefix  = "agent-"
	TokenStreamPrefix  = "token-"
	NumberStreamPrefix = "ticketnumber-"
	// The policies' own streams: routing counters, webhook checkpoints, mail claims.
	RoutingStreamPrefix      = "routing-"
	WebhookStreamPrefix      = "webhook-"
	NotificationStreamPrefix = "notifications-"
	// Customer records, and the reservations that map an external id to one
	// (customerext-<SHA-256 of source, NUL, id>), appended only where none exists.
	CustomerStreamPrefix           = "customer-"
	CustomerExternalIDStreamPrefix = "customerext-"
	// Uploaded files (application/attachments): the upload, its claim by a message, its
	// deletion.
	AttachmentStreamPrefix = "attachment-"
	// Staff accounts' emails: staffemail-<SHA-256 of the lower-cased email>, one
	// reservation naming the account, appended only where none exists (unique emails).
	StaffEmailStreamPrefix = "staffemail-"
	// The macro library: one stream of every macro (MacroLibraryStream).
	MacroStreamPrefix = "macros-"
	// Hot issues (application/hotissues): one stream per spike, hotissue-<UUIDv5 of its
	// series and hour>, appended only where none exists (a spike is raised once).
	HotIssueStreamPrefix = "hotissue-"
	// Messages that came in by themselves (application/inbound): inbound-<SHA-256 of the
	// scope, NUL, the external message id>, the once reservation of one message and where
	// it went; conversation-<SHA-256 of the source, NUL, the conversation id>, the tickets
	// a channel's conversation opened.
	InboundStreamPrefix      = "inbound-"
	ConversationStreamPrefix = "conversation-"
	// The calendars in force (domain.CalendarsInForce), one stream (CalendarStream).
	CalendarStreamPrefix = "calendars-"
	// Knowledge-base articles: one stream per article (its revisions and workflow).
	ArticleStreamPrefix = "article-"
	// Help-center visitors: one stream per browser (the random id of its cookie), what it
	// opened, for deflections (docs/KNOWLEDGE.md).
	HelpVisitorStreamPrefix = "helpvisitor-"
	// Articles' feedback ("did this help?"): one stream per article, articlefeedback-<the
	// article's id>, each visitor's vote (docs/KNOWLEDGE.md).
	ArticleFeedbackStreamPrefix = "articlefeedback-"
)

// CalendarStream is the one stream of the calendars in force, recorded when they change.
const CalendarStream = CalendarStreamPrefix + "policy"

// MacroLibraryStream is the one stream of the macros: a team keeps tens or hundreds,
// so listing them is one read of one stream, with no projection to wait for.
const MacroLibraryStream = MacroStreamPrefix + "library"

// streamKinds is the registry: one row per kind of stream. Prefixes end in "-" and none
// is a prefix of another, so a stream name has at most one kind (streams_test.go).
var streamKinds = [...]StreamKind{
	{Name: "ticket", Prefix: TicketStreamPrefix, ID: UUIDID},
	{Name: "agent", Prefix: AgentStreamPrefix, ID: UUIDID},
	{Name: "token", Prefix: TokenStreamPrefix, ID: DigestID},
	{Name: "ticket number", Prefix: NumberStreamPrefix, ID: TicketNumberID},
	{Name: "routing", Prefix: RoutingStreamPrefix, ID: UUIDID},
	{Name: "webhook", Prefix: WebhookStreamPrefix, ID: ShortDigestID},
	{Name: "notifications", Prefix: NotificationStreamPrefix, ID: WordID},
	{Name: "customer", Prefix: CustomerStreamPrefix, ID: UUIDID},
	{Name: "customer external id", Prefix: CustomerExternalIDStreamPrefix, ID: DigestID},
	{Name: "attachment", Prefix: AttachmentStreamPrefix, ID: UUIDID},
	{Name: "staff email", Prefix: StaffEmailStreamPrefix, ID: DigestID},
	{Name: "macros", Prefix: MacroStreamPrefix, ID: WordID},
	{Name: "hot issue", Prefix: HotIssueStreamPrefix, ID: UUIDID},
	{Name: "inbound message", Prefix: InboundStreamPrefix, ID: DigestID},
	{Name: "conversation", Prefix: ConversationStreamPrefix, ID: DigestID},
	{Name: "calendars", Prefix: CalendarStreamPrefix, ID: WordID},
	{Name: "article", Prefix: ArticleStreamPrefix, ID: UUIDID},
	{Name: "help visitor", Prefix: HelpVisitorStreamPrefix, ID: UUIDID},
	{Name: "article feedback", Prefix: ArticleFeedbackStreamPrefix, ID: UUIDID},
}

// StreamKind is one kind of stream: its name (for messages and docs), the prefix of its
// stream names, and how the rest of a name, the id, is formed.
type StreamKind struct {
	Name   string
	Prefix string
	ID     IDForm
}

// Stream is the name of this kind's stream with the given id.
func (k StreamKind) Stream(id string) string { return k.Prefix + id }

// IDForm is how the id after a kind's prefix is formed.
type IDForm uint8

const (
	// UUIDID: a UUID in its canonical lower-case form (uuid.UUID.String).
	UUIDID IDForm = iota + 1
	// DigestID: a SHA-256 in lower-case hex, 64 digits (HashSecret).
	DigestID
	// ShortDigestID: the first 8 bytes of a SHA-256 in lower-case hex, 16 digits.
	ShortDigestID
	// TicketNumberID: "TK-" and six Crockford base-32 characters (NewTicketNumber).
	TicketNumberID
	// WordID: a fixed lower-case word such as "mail".
	WordID
)

// String describes the form, for error messages and docs.
func (f IDForm) String() string {
	switch f {
	case UUIDID:
		return "a lower-case UUID"
	case DigestID:
		return "64 lower-case hex digits"
	case ShortDigestID:
		return "16 lower-case hex digits"
	case TicketNumberID:
		return "TK- and six Crockford base-32 characters"
	case WordID:
		return "a lower-case word"
	}
	return fmt.Sprintf("IDForm(%d)", uint8(f))
}

// Example is a valid id of the form, for tests and docs.
func (f IDForm) Example() string {
	switch f {
	case UUIDID:
		return "7b3f6c1e-2a4d-4e5f-8a9b-0c1d2e3f4a5b"
	case DigestID:
		return strings.Repeat("0f", 32)
	case ShortDigestID:
		return "0123456789abcdef"
	case TicketNumberID:
		return "TK-7F3K9Q"
	case WordID:
		return "mail"
	}
	return ""
}

// Valid reports whether id has the form.
func (f IDForm) Valid(id string) bool {
	switch f {
	case UUIDID:
		u, err := uuid.Parse(id)
		return err == nil && len(id) == 36 && u.String() == id
	case DigestID:
		return len(id) == 64 && all(id, "0123456789abcdef")
	case ShortDigestID:
		return len(id) == 16 && all(id, "0123456789abcdef")
	case TicketNumberID:
		rest, ok := strings.CutPrefix(id, "TK-")
		return ok && len(rest) == 6 && all(rest, "0123456789ABCDEFGHJKMNPQRSTVWXYZ")
	case WordID:
		return id != "" && all(id, "abcdefghijklmnopqrstuvwxyz")
	}
	return false
}

// all reports whether every byte of s is one of set.
func all(s, set string) bool {
	for i := 0; i < len(s); i++ {
		if strings.IndexByte(set, s[i]) < 0 {
			return false
		}
	}
	return true
}

// StreamKinds returns the registry, in its declared order (a copy).
func StreamKinds() []StreamKind { return append([]StreamKind(nil), streamKinds[:]...) }

// StreamPrefixes lists the prefix of every registered kind. A store shared with other
// software (EventStoreDB's $all) keeps to these; verify and export see all of them.
func StreamPrefixes() []string {
	out := make([]string, len(streamKinds))
	for i, k := range streamKinds {
		out[i] = k.Prefix
	}
	return out
}

// KindOf is the registered kind whose prefix the stream name has, if one has, and the
// name is longer than the prefix (a bare prefix names no stream). The id is not checked.
func KindOf(stream string) (StreamKind, bool) {
	for _, k := range streamKinds {
		if len(stream) > len(k.Prefix) && strings.HasPrefix(stream, k.Prefix) {
			return k, true
		}
	}
	return StreamKind{}, false
}

// ErrStreamName is what every event store returns (wrapped) for an append to a stream
// that is not of a registered kind or whose id is not of its kind's form. It is an
// ErrInvalid: such a name is a bug in the caller, never something a client sent.
var ErrStreamName = fmt.Errorf("stream name not of a registered kind (application/eventlog/streams.go): %w", application.ErrInvalid)

// CheckStream returns nil when the stream name is of a registered kind with a valid id,
// and an error wrapping ErrStreamName saying what is wrong otherwise. Stores call it
// before they append, so that no store keeps a stream EventStoreDB's filter would drop.
func CheckStream(stream string) error {
	k, ok := KindOf(stream)
	if !ok {
		return fmt.Errorf("stream %q: no registered prefix (%s): %w",
			stream, strings.Join(StreamPrefixes(), " "), ErrStreamName)
	}
	if id := stream[len(k.Prefix):]; !k.ID.Valid(id) {
		return fmt.Errorf("stream %q: a %s id is %s: %w", stream, k.Name, k.ID, ErrStreamName)
	}
	return nil
}

// TicketStream is the stream of one ticket.
func TicketStream(id uuid.UUID) string { return TicketStreamPrefix + id.String() }

// AgentStream is the stream of one agent.
func AgentStream(id uuid.UUID) string { return AgentStreamPrefix + id.String() }

// ArticleStream is the stream of one knowledge-base article.
func ArticleStream(id uuid.UUID) string { return ArticleStreamPrefix + id.String() }

// HelpVisitorStream is the stream of one help-center browser.
func HelpVisitorStream(id uuid.UUID) string { return HelpVisitorStreamPrefix + id.String() }

// ArticleFeedbackStream is the stream of one article's votes.
func ArticleFeedbackStream(article uuid.UUID) string {
	return ArticleFeedbackStreamPrefix + article.String()
}

// CustomerStream is the stream of one customer record.
func CustomerStream(id uuid.UUID) string { return CustomerStreamPrefix + id.String() }
