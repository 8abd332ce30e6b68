package domain_test

import (
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"testing"
	"time"
	_ "time/tzdata" // the zones below on any machine, whatever its zoneinfo

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/domain"
)

// The business-time clocks against a minute-by-minute oracle. Each case draws a calendar
// (a zone with or without daylight saving, weekly spans some of which cross midnight,
// holidays and make-up days near the ticket), a ticket received at a random minute near a
// DST change, targets up to 72 hours and a history of waits; it then runs the domain's
// commands (receive, assign, wait, customer reply …) and compares both due times with the
// oracle, which walks the timeline one minute at a time and counts a minute when it lies in
// one of the calendar's intervals and in no wait. The oracle reads the spec's strings with
// its own parser and never calls the calendar's walk.
//
// CI runs 2,000 cases with the pinned seed; the long run of docs/SLA-CLOCKS.md sets
// TICKETS_CALENDAR_CASES=100000 (and TICKETS_CALENDAR_SEED to vary the draw).

var propertyZones = []string{
	"UTC", "Asia/Shanghai", "America/New_York", "Europe/Berlin", "Europe/London",
	"Australia/Lord_Howe", "Asia/Kathmandu", "America/Santiago", "America/Havana", "Pacific/Chatham",
}

func TestBusinessDueTimesMatchMinuteOracle(t *testing.T) {
	cases, seed := envInt("TICKETS_CALENDAR_CASES", 2000), envInt("TICKETS_CALENDAR_SEED", 20261202)
	r := rand.New(rand.NewPCG(uint64(seed), 7))
	for i := range cases {
		c := drawCase(r)
		if err := c.check(); err != nil {
			t.Fatalf("case %d (seed %d): %v\n%s", i, seed, err, c)
		}
	}
}

func envInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil && v > 0 {
		return v
	}
	return def
}

type oracleCase struct {
	spec          domain.CalendarSpec
	loc           *time.Location
	start         time.Time
	first, resol  time.Duration
	waits         [][2]time.Time
	intervalCache map[domain.Date][][2]time.Time
	lastDate      domain.Date // working's memo: the intervals around the last local date seen
	around        [][2]time.Time
}

func (c *oracleCase) String() string {
	return fmt.Sprintf("spec %+v\nstart %v targets %v/%v waits %v", c.spec, c.start, c.first, c.resol, c.waits)
}

// dstDays are days near which clocks change somewhere among the zones.
var dstDays = []time.Time{
	time.Date(2026, 3, 8, 0, 0, 0, 0, time.UTC), time.Date(2026, 3, 29, 0, 0, 0, 0, time.UTC),
	time.Date(2026, 4, 5, 0, 0, 0, 0, time.UTC), time.Date(2026, 9, 6, 0, 0, 0, 0, time.UTC),
	time.Date(2026, 9, 27, 0, 0, 0, 0, time.UTC), time.Date(2026, 10, 4, 0, 0, 0, 0, time.UTC),
	time.Date(2026, 10, 25, 0, 0, 0, 0, time.UTC), time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC),
}

func drawCase(r *rand.Rand) *oracleCase {
	loc, err := time.LoadLocation(propertyZones[r.IntN(len(propertyZones))])
	if err != nil {
		panic(err)
	}
	base := dstDays[r.IntN(len(dstDays))].Add(time.Duration(r.IntN(14*24*60)-7*24*60) * time.Minute)
	c := &oracleCase{loc: loc, start: base, intervalCache: map[domain.Date][][2]time.Time{}}
	c.spec = drawSpec(r, loc.String(), domain.DateOf(base.In(loc)))
	c.first = time.Duration(1+r.IntN(8*60)) * time.Minute
	c.resol = time.Duration(1+r.IntN(72*60)) * time.Minute
	at := c.start
	for range r.IntN(4) {
		ws := at.Add(time.Duration(r.IntN(3*24*60)) * time.Minute)
		we := ws.Add(time.Duration(1+r.IntN(3*24*60)) * time.Minute)
		c.waits = append(c.waits, [2]time.Time{ws, we})
		at = we
	}
	return c
}

// drawSpec: 1 to 7 working weekdays of one or two spans (some across midnight, at least
// 20 hours in the week), holidays and make-up days within two months of the start.
func drawSpec(r *rand.Rand, zone string, near domain.Date) domain.CalendarSpec {
	days := []string{"sun", "mon", "tue", "wed", "thu", "fri", "sat"}
	spec := domain.CalendarSpec{Name: "random", TimeZone: zone, Hours: map[string][]string{}}
	total := 0
	for total < 20*60 {
		day := days[r.IntN(7)]
		start := r.IntN(24*4) * 15
		if r.IntN(3) == 0 {
			start = r.IntN(24 * 60) // any minute
		}
		length := 15 + r.IntN(16*60)
		spec.Hours[day] = append(spec.Hours[day], fmt.Sprintf("%s-%s", hhmm(start), hhmm((start+length)%(24*60))))
		total += length
	}
	used := map[domain.Date]bool{}
	for range r.IntN(10) {
		d := near.AddDays(r.IntN(60) - 3)
		used[d] = true
		spec.Holidays = append(spec.Holidays, d.String())
	}
	for range r.IntN(5) {
		d := near.AddDays(r.IntN(60) - 3)
		if used[d] {
			continue
		}
		used[d] = true
		spec.MakeUpDays = append(spec.MakeUpDays, domain.MakeUpDay{Date: d.String(), WorksAs: days[r.IntN(7)]})
	}
	return spec
}

func hhmm(m int) string { return fmt.Sprintf("%02d:%02d", m/60, m%60) }

func (c *oracleCase) check() error {
	cal, err := domain.NewCalendar(c.spec, c.loc)
	if err != nil {
		return err
	}
	p := domain.DefaultSLAPolicy()
	p.Targets[domain.TierStandard][domain.P3] = domain.SLATarget{FirstResponse: c.first, Resolution: c.resol}
	p.Calendars = map[string]*domain.Calendar{cal.Name: cal}
	p.BusinessTime = []domain.CalendarRule{{Calendar: cal.Name}}
	got, err := c.runHistory(p)
	if err != nil {
		return err
	}
	if want := c.oracleDue(c.first); !got.FirstResponseDue.Equal(want) {
		return fmt.Errorf("first response due %v, oracle %v", got.FirstResponseDue, want)
	}
	if want := c.oracleDue(c.resol); !got.ResolutionDue.Equal(want) {
		return fmt.Errorf("resolution due %v, oracle %v", got.ResolutionDue, want)
	}
	to := c.start.Add(c.resol * 2)
	if got, want := cal.Business(c.start, to), c.oracleCount(c.start, to); got != want {
		return fmt.Errorf("business time to %v: %v, oracle %v", to, got, want)
	}
	return nil
}

// runHistory decides and applies the commands of the case's history.
func (c *oracleCase) runHistory(p domain.SLAPolicy) (domain.SLADue, error) {
	tk := domain.NewTicket()
	do := func(at time.Time, events []domain.Event, err error) error {
		for _, e := range events {
			tk.Apply(e, at)
		}
		return err
	}
	events, err := domain.Receive(receiveCmd(domain.TierStandard), uuid.New(), "TK-1", "h", c.start, p)
	if err := do(c.start, events, err); err != nil {
		return domain.SLADue{}, err
	}
	events, err = tk.Assign(domain.AssignTicket{AgentID: agentA, AgentName: "A"})
	if err := do(c.start, events, err); err != nil {
		return domain.SLADue{}, err
	}
	for _, w := range c.waits {
		events, err = tk.Wait("asked for logs")
		if err := do(w[0], events, err); err != nil {
			return domain.SLADue{}, err
		}
		events, err = tk.CustomerReply("here they are", w[1], p)
		if err := do(w[1], events, err); err != nil {
			return domain.SLADue{}, err
		}
	}
	return tk.State().SLA, nil
}

// oracleDue is the end of the minute in which the counted minutes reach target.
func (c *oracleCase) oracleDue(target time.Duration) time.Time {
	need := int(target / time.Minute)
	n := 0
	for m := c.start; ; m = m.Add(time.Minute) {
		if c.working(m) && !c.waiting(m) {
			if n++; n == need {
				return m.Add(time.Minute)
			}
		}
	}
}

func (c *oracleCase) oracleCount(from, to time.Time) time.Duration {
	var n time.Duration
	for m := from; m.Before(to); m = m.Add(time.Minute) {
		if c.working(m) {
			n += time.Minute
		}
	}
	return n
}

func (c *oracleCase) waiting(m time.Time) bool {
	for _, w := range c.waits {
		if !m.Before(w[0]) && m.Before(w[1]) {
			return true
		}
	}
	return false
}

// working: m lies in an interval of its local date or of one of the dates around it.
func (c *oracleCase) working(m time.Time) bool {
	if d := domain.DateOf(m.In(c.loc)); d != c.lastDate || c.around == nil {
		c.lastDate, c.around = d, [][2]time.Time{}
		for k := -2; k <= 1; k++ {
			c.around = append(c.around, c.intervals(d.AddDays(k))...)
		}
	}
	for _, iv := range c.around {
		if !m.Before(iv[0]) && m.Before(iv[1]) {
			return true
		}
	}
	return false
}

// intervals reads the spec's strings for date d: nothing on a holiday, the hours of the
// named weekday on a make-up day, else of d's weekday.
func (c *oracleCase) intervals(d domain.Date) [][2]time.Time {
	if iv, ok := c.intervalCache[d]; ok {
		return iv
	}
	day := [...]string{"sun", "mon", "tue", "wed", "thu", "fri", "sat"}[d.Weekday()]
	var spans []string
	holiday := false
	for _, h := range c.spec.Holidays {
		holiday = holiday || h == d.String()
	}
	if !holiday {
		spans = c.spec.Hours[day]
		for _, m := range c.spec.MakeUpDays {
			if m.Date == d.String() {
				spans = c.spec.Hours[m.WorksAs]
			}
		}
	}
	var out [][2]time.Time
	for _, s := range spans {
		var h1, m1, h2, m2 int
		if _, err := fmt.Sscanf(s, "%d:%d-%d:%d", &h1, &m1, &h2, &m2); err != nil {
			panic(err)
		}
		from, to := h1*60+m1, h2*60+m2
		if to <= from {
			to += 24 * 60
		}
		out = append(out, [2]time.Time{
			time.Date(d.Year, d.Month, d.Day, 0, from, 0, 0, c.loc),
			time.Date(d.Year, d.Month, d.Day, 0, to, 0, 0, c.loc),
		})
	}
	c.intervalCache[d] = out
	return out
}
