// Package api is the component suite of the whole HTTP API through the real builder
// (cmd/internal/service): lifecycle, problems, If-Match races, idempotency, roles, every
// route held to docs/openapi.yaml, conversations, lists, customers, self-service,
// attachments, help-center files, staff, tokens, tags, macros and the NPS report. Run
// runs it on one store configuration; the tests that do are in the packages under this
// one (withoutpostgres, onpostgres), split so that each fits the CI budget.
package api
