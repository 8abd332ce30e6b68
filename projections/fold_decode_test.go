package projections

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/application/auth"
	"github.com/ticketengine/ticketengine/application/eventlog"
	"github.com/ticketengine/ticketengine/application/hotissues"
	"github.com/ticketengine/ticketengine/domain"
)

// TestDecodeEveryStreamKind: each stream kind a projection reads decodes to its kind, its
// aggregate's id and its event; a record of a known kind that does not decode (a bad id,
// an unknown type) fails keeping its kind; other streams are no event and no error.
func TestDecodeEveryStreamKind(t *testing.T) {
	id, token := uuid.New(), uuid.New()
	cases := []struct {
		name   string
		stream string
		event  domain.Event
		kind   Kind
		id     uuid.UUID
	}{
		{"ticket", eventlog.TicketStreamPrefix + id.String(), domain.TicketReceived{TicketID: id, Subject: "s"}, TicketStreams, id},
		{"agent", eventlog.AgentStreamPrefix + id.String(), domain.AgentWentOnline{}, AgentStreams, id},
		{"article", eventlog.ArticleStreamPrefix + id.String(), domain.ArticleSubmitted{}, ArticleStreams, id},
		{"help visitor", eventlog.HelpVisitorStreamPrefix + id.String(), domain.HelpTicketOpened{}, HelpVisitorStreams, id},
		{"token, keyed by the token's id", eventlog.TokenStreamPrefix + "c0ffee", auth.TokenIssued{TokenID: token, Subject: "bot"}, TokenStreams, token},
		{"hot issue", eventlog.HotIssueStreamPrefix + id.String(), hotissues.Detected{Series: "x"}, HotIssueStreams, id},
		{"article feedback", eventlog.ArticleFeedbackStreamPrefix + id.String(), domain.ArticleVoted{Visitor: id, Helpful: true}, ArticleFeedbackStreams, id},
	}
	for _, c := range cases {
		data, err := json.Marshal(c.event)
		if err != nil {
			t.Fatal(err)
		}
		rec := eventlog.Record{Stream: c.stream, Type: c.event.EventType(), Data: data, Position: 9}
		d, ok, err := decode(rec)
		if err != nil || !ok {
			t.Fatalf("%s: ok %v, %v", c.name, ok, err)
		}
		if d.Kind != c.kind || d.ID != c.id || !reflect.DeepEqual(d.Data, c.event) || d.Record.Position != 9 {
			t.Errorf("%s: kind %d id %s data %#v, want %d %s %#v", c.name, d.Kind, d.ID, d.Data, c.kind, c.id, c.event)
		}
		rec.Type = "NoSuchEvent"
		if d, ok, err := decode(rec); err == nil || ok || d.Kind != c.kind {
			t.Errorf("%s: an unknown type decoded: ok %v kind %d, %v", c.name, ok, d.Kind, err)
		}
	}
	if d, ok, err := decode(eventlog.Record{Stream: eventlog.TicketStreamPrefix + "not-a-uuid", Type: domain.TypeTicketReceived, Data: []byte("{}")}); err == nil || ok || d.Kind != TicketStreams {
		t.Errorf("a ticket stream without an id decoded: ok %v kind %d, %v", ok, d.Kind, err)
	}
	if d, ok, err := decode(eventlog.Record{Stream: eventlog.NumberStreamPrefix + "2026", Type: "NumberReserved", Data: []byte("{}")}); err != nil || ok || d.Kind != NoStream {
		t.Errorf("a ticket-number record: ok %v kind %d, %v; want no event", ok, d.Kind, err)
	}
}
