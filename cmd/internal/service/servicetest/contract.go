package servicetest

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"

	"github.com/ticketengine/ticketengine/docs"
)

// The component tests hold every exchange to docs/openapi.yaml: each request Client sends
// (unless marked invalid on purpose) and each response it receives is validated with
// kin-openapi's openapi3filter. Response schemas are closed, so an undeclared field fails.

// contractRouter is the document loaded once, with its servers dropped so that operations
// match by path on whatever port the test server has.
var contractRouter = sync.OnceValues(func() (routers.Router, error) {
	raw, err := docs.OpenAPIJSON()
	if err != nil {
		return nil, err
	}
	doc, err := openapi3.NewLoader().LoadFromData(raw)
	if err != nil {
		return nil, err
	}
	if err := doc.Validate(context.Background()); err != nil {
		return nil, err
	}
	doc.Servers = nil
	return gorillamux.NewRouter(doc)
})

// CheckExchange validates one request (unless invalid is set) and its response against
// the document. payload is the request body as sent.
func CheckExchange(req *http.Request, payload []byte, invalid bool, status int, header http.Header, body []byte) (reqErr, resErr error) {
	router, err := contractRouter()
	if err != nil {
		return err, err
	}
	r := req.Clone(context.Background())
	r.Body = io.NopCloser(bytes.NewReader(payload))
	route, params, err := router.FindRoute(r)
	if err != nil {
		return fmt.Errorf("no operation in docs/openapi.yaml: %w", err), nil
	}
	in := &openapi3filter.RequestValidationInput{Request: r, PathParams: params, Route: route,
		Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc, MultiError: true}}
	if !invalid {
		reqErr = openapi3filter.ValidateRequest(context.Background(), in)
	}
	resErr = openapi3filter.ValidateResponse(context.Background(), &openapi3filter.ResponseValidationInput{
		RequestValidationInput: in, Status: status, Header: header, Body: io.NopCloser(bytes.NewReader(body)),
		Options: &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true},
	})
	return reqErr, resErr
}

// checkContract is Send's hook: it reports any disagreement with the document.
func (c Client) checkContract(req *http.Request, payload []byte, res *http.Response, body []byte) {
	c.T.Helper()
	reqErr, resErr := CheckExchange(req, payload, c.Invalid, res.StatusCode, res.Header, body)
	if reqErr != nil {
		c.T.Errorf("%s %s: the request does not follow docs/openapi.yaml (mark it invalid if meant): %v", req.Method, req.URL.RequestURI(), reqErr)
	}
	if resErr != nil {
		c.T.Errorf("%s %s: the %d response does not follow docs/openapi.yaml: %v\n%s", req.Method, req.URL.RequestURI(), res.StatusCode, resErr, body)
	}
}
