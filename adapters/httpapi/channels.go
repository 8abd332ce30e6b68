package httpapi

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/gorilla/mux"

	"github.com/ticketengine/ticketengine/application/inbound"
	"github.com/ticketengine/ticketengine/domain"
	"github.com/ticketengine/ticketengine/domain/errs"
)

// Intake is the use case POST /channels/{name}/messages runs (application/inbound).
type Intake interface {
	Take(ctx context.Context, m inbound.Message) (inbound.Result, error)
}

// replayWindow is how far a signed timestamp may be from now, either way.
const replayWindow = 5 * time.Minute

// errBadSignature answers every request whose signature does not hold: one 401, whatever
// was wrong (a missing header, an old timestamp, a wrong MAC), so a prober learns nothing.
var errBadSignature = errs.E(errs.Unauthorized, "missing, stale or wrong X-Tickets-Signature")

type channelMessageRequest struct {
	MessageID      string                  `json:"message_id"`
	ConversationID string                  `json:"conversation_id"`
	Customer       channelCustomer         `json:"customer"`
	Subject        string                  `json:"subject"`
	Body           string                  `json:"body"`
	Attachments    []channelAttachmentFile `json:"attachments"`
}

type channelCustomer struct {
	ID    string `json:"id"`
	Name  string `json:"name"`
	Email string `json:"email"`
	Phone string `json:"phone"`
}

// channelAttachmentFile is a file carried in the message itself (the whole request stays
// under 1 MiB): a channel has no token to upload with.
type channelAttachmentFile struct {
	Filename    string `json:"filename"`
	ContentType string `json:"content_type"`
	Data        string `json:"data"` // base64
}

type channelMessageResponse struct {
	TicketID  uuid.UUID `json:"ticket_id"`
	Number    string    `json:"number"`
	MessageID string    `json:"message_id"`
	// AccessCode is the ticket's portal access code, for the channel to give a customer
	// who has no email (they are mailed nothing); absent when the intake has no codes.
	AccessCode string `json:"access_code,omitempty"`
}

// channelRoutes registers the signed intake. It is routed whether or not channels are
// configured: an unknown name is a 404.
func (s *Server) channelRoutes(r *mux.Router) {
	const path = "/channels/{name}/messages"
	r.Handle(path, s.instrument(path, "channel_message", http.HandlerFunc(s.channelMessage))).Methods(http.MethodPost)
}

// channelMessage is POST /channels/{name}/messages: the signature first (nothing of an
// unsigned body is read further), then the message, taken in once per message_id.
func (s *Server) channelMessage(w http.ResponseWriter, r *http.Request) {
	ch, ok := s.Channels[mux.Vars(r)["name"]]
	if !ok || s.Intake == nil {
		s.writeProblem(w, r, fmt.Errorf("%w: no channel of that name", domain.ErrNotFound))
		return
	}
	body, err := readBody(w, r)
	if err == nil {
		err = checkSignature(r, body, ch.Secret, s.Clock.Now())
	}
	var req channelMessageRequest
	if err == nil {
		err = decodeChannelMessage(body, &req)
	}
	var m inbound.Message
	if err == nil {
		m, err = req.message(ch)
	}
	if err != nil {
		s.writeProblem(w, r, err)
		return
	}
	res, err := s.Intake.Take(r.Context(), m)
	if err != nil {
		s.writeProblem(w, r, err)
		return
	}
	// A repeat answers as the first delivery did: the sender's retry cannot tell them apart.
	writeJSON(w, http.StatusCreated, channelMessageResponse{TicketID: res.TicketID, Number: res.Number, MessageID: req.MessageID,
		AccessCode: res.AccessCode})
}

// checkSignature checks X-Tickets-Timestamp (unix seconds, within replayWindow of now)
// and X-Tickets-Signature (sha256=<hex HMAC-SHA256 of "<timestamp>.<body>">).
func checkSignature(r *http.Request, body []byte, secret []byte, now time.Time) error {
	stamp := r.Header.Get("X-Tickets-Timestamp")
	sec, err := strconv.ParseInt(stamp, 10, 64)
	if err != nil {
		return errBadSignature
	}
	if d := now.Sub(time.Unix(sec, 0)); d > replayWindow || d < -replayWindow {
		return errBadSignature
	}
	got, ok := strings.CutPrefix(r.Header.Get("X-Tickets-Signature"), "sha256=")
	sig, err := hex.DecodeString(got)
	if !ok || err != nil {
		return errBadSignature
	}
	mac := hmac.New(sha256.New, secret)
	mac.Write([]byte(stamp + "."))
	mac.Write(body)
	if !hmac.Equal(sig, mac.Sum(nil)) {
		return errBadSignature
	}
	return nil
}

// decodeChannelMessage decodes the body: unknown fields and wrong types are refused as
// everywhere, but the text is not: a channel's message is cleaned (application/inbound),
// never refused for a control character its sender let through.
func decodeChannelMessage(body []byte, req *channelMessageRequest) error {
	if b := bytes.TrimSpace(body); len(b) == 0 || b[0] != '{' {
		return fmt.Errorf("%w: the body must be a JSON object", errMalformed)
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(req); err != nil {
		return describeJSONError(err)
	}
	return nil
}

// message is the request as the intake takes it.
func (req channelMessageRequest) message(ch Channel) (inbound.Message, error) {
	var fields []domain.FieldError
	if strings.TrimSpace(req.MessageID) == "" {
		fields = append(fields, domain.FieldError{Field: "message_id", Message: "is required"})
	}
	m := inbound.Message{
		Channel: ch.Channel, Source: ch.Name, ID: req.MessageID,
		Thread: inbound.Thread{Conversation: req.ConversationID},
		Customer: domain.Customer{ID: req.Customer.ID, Name: req.Customer.Name,
			Email: req.Customer.Email, Phone: req.Customer.Phone},
		Subject: req.Subject, Body: req.Body,
	}
	for i, a := range req.Attachments {
		data, err := base64.StdEncoding.DecodeString(a.Data)
		if err != nil {
			fields = append(fields, domain.FieldError{Field: fmt.Sprintf("attachments[%d].data", i), Message: "must be base64"})
			continue
		}
		m.Files = append(m.Files, inbound.File{Name: a.Filename, ContentType: a.ContentType, Data: data})
	}
	if len(fields) > 0 {
		return m, &domain.ValidationError{Fields: fields}
	}
	return m, nil
}
