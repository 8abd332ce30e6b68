// Package smtptest runs a real SMTP server (github.com/emersion/go-smtp) inside a test and
// keeps the messages it receives, decoded, so tests can assert what a customer would read.
package smtptest

import (
	"bytes"
	"encoding/base64"
	"errors"
	"io"
	"mime"
	"net"
	"net/mail"
	"strings"
	"sync"
	"testing"
	"time"

	gosmtp "github.com/emersion/go-smtp"
)

// Message is one received mail, its subject and body decoded.
type Message struct {
	From, To      string
	Subject, Body string
	Header        mail.Header
	Received      time.Time // when the server accepted it
}

// Server is a running SMTP server.
type Server struct {
	Addr string // host:port
	mu   sync.Mutex
	msgs []Message
	// reject, while set, refuses every message (a failing mail server); refused counts them.
	reject  bool
	refused int
}

// Start listens on a free local port until the test ends.
func Start(t testing.TB) *Server {
	t.Helper()
	return StartAt(t, "127.0.0.1:0")
}

// StartAt listens on addr (host:port) until the test ends: for a test that must keep to
// a range of ports.
func StartAt(t testing.TB, addr string) *Server {
	t.Helper()
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	s := &Server{Addr: ln.Addr().String()}
	srv := gosmtp.NewServer(backend{s})
	srv.Domain = "localhost"
	srv.ReadTimeout, srv.WriteTimeout = 10*time.Second, 10*time.Second
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
	return s
}

// URL is the smtp:// URL of the server.
func (s *Server) URL() string { return "smtp://" + s.Addr }

// SetReject makes the server refuse (true) or accept (false) messages.
func (s *Server) SetReject(r bool) {
	s.mu.Lock()
	s.reject = r
	s.mu.Unlock()
}

// Refused counts the messages refused while SetReject(true) was in force.
func (s *Server) Refused() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.refused
}

// Messages returns the messages received so far.
func (s *Server) Messages() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Message(nil), s.msgs...)
}

type backend struct{ s *Server }

func (b backend) NewSession(*gosmtp.Conn) (gosmtp.Session, error) { return &session{s: b.s}, nil }

type session struct {
	s        *Server
	from, to string
}

func (x *session) Reset()        { x.from, x.to = "", "" }
func (x *session) Logout() error { return nil }
func (x *session) Mail(from string, _ *gosmtp.MailOptions) error {
	x.from = from
	return nil
}
func (x *session) Rcpt(to string, _ *gosmtp.RcptOptions) error {
	x.to = to
	return nil
}

func (x *session) Data(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	x.s.mu.Lock()
	defer x.s.mu.Unlock()
	if x.s.reject {
		x.s.refused++
		return &gosmtp.SMTPError{Code: 451, Message: "try again later"}
	}
	m, err := decode(raw)
	if err != nil {
		return err
	}
	m.From, m.To, m.Received = x.from, x.to, time.Now()
	x.s.msgs = append(x.s.msgs, m)
	return nil
}

func decode(raw []byte) (Message, error) {
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return Message{}, err
	}
	subject, err := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
	if err != nil {
		return Message{}, err
	}
	body, err := io.ReadAll(msg.Body)
	if err != nil {
		return Message{}, err
	}
	if strings.EqualFold(msg.Header.Get("Content-Transfer-Encoding"), "base64") {
		clean := strings.NewReplacer("\r", "", "\n", "").Replace(string(body))
		if body, err = base64.StdEncoding.DecodeString(clean); err != nil {
			return Message{}, errors.New("body is not base64")
		}
	}
	return Message{Subject: subject, Body: string(body), Header: msg.Header}, nil
}
