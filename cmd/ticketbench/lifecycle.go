package main

import (
	"context"
	"net/http"
	"net/url"
)

// lifecycle is one ticket's life as a team handles it: an agent receives it (as a channel
// integration would), classifies it, takes it, answers, resolves it, and the customer
// rates the answer through the portal. Six commands, seven appends (receive also
// reserves the ticket's number).
func lifecycle(ctx context.Context, w *worker) error {
	t, err := w.receive(ctx)
	if err != nil {
		return err
	}
	steps := []struct {
		kind, path string
		body       any
	}{
		{"classify", "/classify", w.classifyBody()},
		{"assign", "/assign", map[string]any{"agent_id": w.agent.ID}},
		{"reply", "/replies", map[string]any{"body": "Thank you, we are on it. 我们正在处理。", "public": true}},
		{"resolve", "/resolve", map[string]any{"resolution": "Replacement shipped."}},
	}
	for _, s := range steps {
		if err := w.command(ctx, &t, s.kind, s.path, s.body); err != nil {
			return err
		}
	}
	return w.rate(ctx, &t)
}

// receive opens a ticket with the worker's agent token.
func (w *worker) receive(ctx context.Context) (ticket, error) {
	t := ticket{agent: w.agent}
	err := w.env.c.do(ctx, call{kind: "receive", class: classCommand, method: http.MethodPost, path: "/tickets",
		token: w.agent.Token, body: w.receiveBody(), want: http.StatusCreated}, &t)
	if err == nil {
		w.env.lag.sample(t, false)
	}
	return t, err
}

// command runs a staff command on the ticket and keeps the version it answered.
func (w *worker) command(ctx context.Context, t *ticket, kind, path string, body any) error {
	var v struct {
		Version int64  `json:"version"`
		Status  string `json:"status"`
	}
	err := w.env.c.do(ctx, call{kind: kind, class: classCommand, method: http.MethodPost, path: "/tickets/" + t.ID + path,
		token: w.agent.Token, body: body, want: http.StatusOK, ticket: t.ID}, &v)
	if err != nil {
		return err
	}
	t.Version, t.Status = v.Version, v.Status
	w.env.lag.sample(*t, kind == "assign" || kind == "reply")
	return nil
}

// rate is the customer's rating of a resolved ticket, through the portal.
func (w *worker) rate(ctx context.Context, t *ticket) error {
	var v struct {
		Version int64  `json:"version"`
		Status  string `json:"status"`
	}
	err := w.env.c.do(ctx, call{kind: "portal_rate", class: classCommand, method: http.MethodPost, path: portalPath(*t, "/rating"),
		body: map[string]any{"score": 1 + w.rnd.IntN(5), "comment": "谢谢 thanks"}, want: http.StatusOK, ticket: t.ID}, &v)
	if err != nil {
		return err
	}
	t.Version, t.Status = v.Version, v.Status
	w.env.lag.sample(*t, false)
	return nil
}

// portalPath is the customer's address of the ticket, with its access code.
func portalPath(t ticket, suffix string) string {
	return "/portal/tickets/" + url.PathEscape(t.Number) + suffix + "?code=" + url.QueryEscape(t.AccessCode)
}
