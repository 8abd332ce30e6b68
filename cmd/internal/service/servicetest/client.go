package servicetest

import (
	"bytes"
	"encoding/json"
	"io"
	"mime/multipart"
	"net"
	"net/http"
	"net/textproto"
	"testing"
	"time"
)

// Client is the component tests' HTTP client: every exchange it makes is held to
// docs/openapi.yaml (CheckExchange), and a failure is reported on T.
type Client struct {
	T       *testing.T
	Base    string
	Token   string
	Invalid bool         // the requests are invalid on purpose: only responses are checked
	HC      *http.Client // nil: http.DefaultClient (another one dials from another client address)
}

// Response is an answer with its body read, and decoded when it is a JSON object.
type Response struct {
	Status int
	Header http.Header
	Body   map[string]any
	Raw    string
}

// NewTicket is a VIP's chat ticket, the one most tests start with.
var NewTicket = map[string]any{
	"channel":  "chat",
	"customer": map[string]any{"id": "c-42", "name": "陈静", "email": "chen@example.com", "tier": "vip"},
	"subject":  "退款没有到账", "body": "I was charged twice",
}

// Do sends body (nil, a string as it is, else as JSON) with the header pairs given.
func (c Client) Do(method, path string, body any, headers ...string) Response {
	c.T.Helper()
	var payload []byte
	switch b := body.(type) {
	case nil:
	case string:
		payload = []byte(b)
	default:
		payload, _ = json.Marshal(b)
	}
	req, err := http.NewRequest(method, c.Base+path, bytes.NewReader(payload))
	if err != nil {
		c.T.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	return c.Send(req, payload)
}

// Must is Do that stops the test unless the answer has status.
func (c Client) Must(status int, method, path string, body any, headers ...string) Response {
	c.T.Helper()
	r := c.Do(method, path, body, headers...)
	if r.Status != status {
		c.T.Fatalf("%s %s: status %d, want %d: %s", method, path, r.Status, status, r.Raw)
	}
	return r
}

// Send sends req (payload is its body as sent), with the client's token unless req has
// one, and checks the exchange against the document.
func (c Client) Send(req *http.Request, payload []byte) Response {
	c.T.Helper()
	if _, given := req.Header["Authorization"]; c.Token != "" && !given {
		req.Header.Set("Authorization", "Bearer "+c.Token)
	}
	hc := c.HC
	if hc == nil {
		hc = http.DefaultClient
	}
	res, err := hc.Do(req)
	if err != nil {
		c.T.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	c.checkContract(req, payload, res, raw)
	out := Response{Status: res.StatusCode, Header: res.Header, Raw: string(raw)}
	_ = json.Unmarshal(raw, &out.Body)
	return out
}

// Raw sends a request and returns the response with its body as read (a download).
func (c Client) Raw(method, path string) (Response, []byte) {
	c.T.Helper()
	req, err := http.NewRequest(method, c.Base+path, nil)
	if err != nil {
		c.T.Fatal(err)
	}
	r := c.Send(req, nil)
	return r, []byte(r.Raw)
}

// Upload sends one multipart upload and checks the exchange against the document.
func (c Client) Upload(path, filename string, content []byte) Response {
	c.T.Helper()
	ctype, body := MultipartBody("file", filename, content)
	req, err := http.NewRequest("POST", c.Base+path, bytes.NewReader(body))
	if err != nil {
		c.T.Fatal(err)
	}
	req.Header.Set("Content-Type", ctype)
	return c.Send(req, body)
}

// MustUpload is Upload that stops the test unless the answer has status.
func (c Client) MustUpload(status int, path, filename string, content []byte) Response {
	c.T.Helper()
	r := c.Upload(path, filename, content)
	if r.Status != status {
		c.T.Fatalf("upload %s to %s: status %d, want %d: %s", filename, path, r.Status, status, r.Raw)
	}
	return r
}

// InvalidOnPurpose is the client for requests the contract refuses, sent to see them
// refused: their requests are not checked, their responses are.
func (c Client) InvalidOnPurpose() Client {
	c.Invalid = true
	return c
}

// FromAddr is the client dialling from another loopback address (127.0.0.0/8 is all
// loopback on Linux), which the server sees as another client: the per-client limiter
// and idempotency scope are tested through real connections, not a header.
func (c Client) FromAddr(ip string) Client {
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(ip)}, Timeout: 5 * time.Second}
	c.HC = &http.Client{Transport: &http.Transport{DialContext: d.DialContext}}
	c.Token = ""
	return c
}

// MultipartBody is a form with one part named name holding content as filename.
func MultipartBody(name, filename string, content []byte) (string, []byte) {
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", `form-data; name="`+name+`"; filename="`+filename+`"`)
	h.Set("Content-Type", "application/octet-stream")
	part, _ := w.CreatePart(h)
	_, _ = part.Write(content)
	_ = w.Close()
	return w.FormDataContentType(), b.Bytes()
}

// IDs lists the ids of a page's items.
func IDs(r Response) []string {
	var out []string
	items, _ := r.Body["items"].([]any)
	for _, x := range items {
		out = append(out, x.(map[string]any)["id"].(string))
	}
	return out
}
