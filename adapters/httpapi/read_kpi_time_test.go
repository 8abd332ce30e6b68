package httpapi_test

import (
	"strings"
	"testing"

	"github.com/ticketengine/ticketengine/application/access"
	"github.com/ticketengine/ticketengine/domain"
)

// GET /reports/kpi?time= takes calendar (the default) or business; another value is a 400
// naming the parameter. (The figures in business time: projections/readmodeltest's
// KPIBusinessTime on both stores.)
func TestKPITimeBase(t *testing.T) {
	e := newReadEnv(t)
	e.w.Receive(t, domain.TierCore, domain.ChannelWeb, "s", "b")
	for _, q := range []string{"", "&time=calendar", "&time=business"} {
		path := "/reports/kpi?from=2026-01-01&to=2027-01-01" + q
		if code, _, body := e.send(t, "GET", path, "", access.RoleAnalyst); code != 200 || !strings.Contains(body, `"rows"`) {
			t.Errorf("%s: %d %s", path, code, body)
		}
	}
	for _, v := range []string{"sidereal", "Business"} {
		code, _, body := e.send(t, "GET", "/reports/kpi?from=2026-01-01&to=2027-01-01&time="+v, "", access.RoleAnalyst)
		if code != 400 || !strings.Contains(body, "time must be calendar or business") {
			t.Errorf("time=%s: %d %s", v, code, body)
		}
	}
}
