package postgres

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/ticketengine/ticketengine/application"
	"github.com/ticketengine/ticketengine/domain"
	"github.com/ticketengine/ticketengine/projections"
)

// Commit implements projections.Writer: every batch's rows and checkpoint in one
// transaction, so a redelivery after a crash finds rows and checkpoint agreeing. A live
// commit (no Fresh batch) is one round trip: its statements are pipelined (pgx.Batch) in
// the implicit transaction of one Sync, with the checkpoints in one statement; a rebuild's
// first commit into fresh tables uses COPY in an explicit transaction.
func (s *Store) Commit(ctx context.Context, batches []projections.Batch) error {
	for _, b := range batches {
		if b.Fresh {
			enc := stateJSON{}
			return unstorable(pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
				for _, b := range batches {
					if err := s.commitFresh(ctx, tx, b, enc); err != nil {
						return fmt.Errorf("postgres read model: commit %s: %w", b.Projection, err)
					}
				}
				return nil
			}))
		}
	}
	var q pgx.Batch
	names, positions := make([]string, 0, len(batches)), make([]int64, 0, len(batches))
	enc := stateJSON{} // the queues and portal rows of a ticket hold the same snapshot
	for _, b := range batches {
		var err error
		switch b.Projection {
		case projections.Queues:
			s.queueUpsert(&q, "rm_queue_tickets", "ticket_id", queueColumns(b.Tickets, enc))
		case projections.Portal:
			s.queueUpsert(&q, "rm_portal_tickets", "ticket_id", portalColumns(b.Tickets, enc))
			s.queueTimeline(&q, b.Timeline)
		case projections.KPI:
			s.queueUpsert(&q, "rm_kpi_tickets", "ticket_id", kpiColumns(b.Facts))
		case projections.Agents:
			s.queueUpsert(&q, "rm_agents", "agent_id", agentColumns(b.Agents))
		default:
			err = fmt.Errorf("no projection is named %q", b.Projection)
		}
		if err != nil {
			return fmt.Errorf("postgres read model: commit %s: %w", b.Projection, err)
		}
		if len(b.Failures) > 0 {
			q.Queue(s.failuresSQL(), failureColumns(b.Failures).vals...)
		}
		names, positions = append(names, b.Projection), append(positions, int64(b.Position))
	}
	if len(names) == 0 {
		return nil
	}
	q.Queue("INSERT INTO "+s.table("readmodel_checkpoints")+` AS c (projection, position, updated_at)
		SELECT u.projection, u.position, now() FROM unnest($1::text[], $2::bigint[]) AS u(projection, position)
		ON CONFLICT (projection) DO UPDATE
		SET position = GREATEST(c.position, EXCLUDED.position), updated_at = now()`, names, positions)
	if err := s.pool.SendBatch(ctx, &q).Close(); err != nil {
		return unstorable(fmt.Errorf("postgres read model: commit: %w", err))
	}
	return nil
}

// commitFresh writes a batch and its checkpoint inside tx, with COPY into tables a
// Fresh batch's rows cannot exist in yet.
func (s *Store) commitFresh(ctx context.Context, tx pgx.Tx, b projections.Batch, enc stateJSON) error {
	var err error
	write := s.upsert
	if b.Fresh {
		write = s.copyIn
	}
	switch b.Projection {
	case projections.Queues:
		err = write(ctx, tx, "rm_queue_tickets", "ticket_id", queueColumns(b.Tickets, enc))
	case projections.Portal:
		err = write(ctx, tx, "rm_portal_tickets", "ticket_id", portalColumns(b.Tickets, enc))
		if err == nil && b.Fresh {
			err = s.copyIn(ctx, tx, "rm_portal_timeline", "", timelineColumns(b.Timeline))
		} else if err == nil {
			err = s.insertTimeline(ctx, tx, b.Timeline)
		}
	case projections.KPI:
		err = write(ctx, tx, "rm_kpi_tickets", "ticket_id", kpiColumns(b.Facts))
	case projections.Agents:
		err = s.upsert(ctx, tx, "rm_agents", "agent_id", agentColumns(b.Agents))
	default:
		return fmt.Errorf("no projection is named %q", b.Projection)
	}
	if err == nil && len(b.Failures) > 0 {
		_, err = tx.Exec(ctx, s.failuresSQL(), failureColumns(b.Failures).vals...)
	}
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, "INSERT INTO "+s.table("readmodel_checkpoints")+` (projection, position, updated_at)
		VALUES ($1, $2, now()) ON CONFLICT (projection) DO UPDATE
		SET position = GREATEST(readmodel_checkpoints.position, EXCLUDED.position), updated_at = now()`,
		b.Projection, int64(b.Position))
	return err
}

// columns is a set of rows column by column: each value is a slice, one element per row,
// sent as one array parameter.
type columns struct {
	names []string
	types []string // the array's element type; a cast applied after unnest when cast is set
	casts []string
	vals  []any
	rows  int
	// copyVals replaces a column's values for COPY, which sends each value in its
	// column's own binary type (no cast): by column index.
	copyVals map[int]any
}

// add adds a column; its text goes through the read model's one rule (sanitise.go).
func (c *columns) add(name, typ, cast string, vals any) {
	cleanColumn(vals, cast == "json")
	c.names, c.types, c.casts, c.vals = append(c.names, name), append(c.types, typ), append(c.casts, cast), append(c.vals, vals)
}

// upsert writes rows with one INSERT … SELECT FROM unnest(…) ON CONFLICT DO UPDATE.
func (s *Store) upsert(ctx context.Context, tx pgx.Tx, table, key string, c columns) error {
	if c.rows == 0 {
		return nil
	}
	_, err := tx.Exec(ctx, s.upsertSQL(table, key, c), c.vals...)
	return err
}

// queueUpsert adds upsert's statement to a pipelined batch.
func (s *Store) queueUpsert(q *pgx.Batch, table, key string, c columns) {
	if c.rows > 0 {
		q.Queue(s.upsertSQL(table, key, c), c.vals...)
	}
}

func (s *Store) upsertSQL(table, key string, c columns) string {
	params, selects, sets := make([]string, len(c.names)), make([]string, len(c.names)), []string{}
	for i, n := range c.names {
		params[i] = fmt.Sprintf("$%d::%s[]", i+1, c.types[i])
		selects[i] = "u." + n
		if c.casts[i] != "" {
			selects[i] += "::" + c.casts[i]
		}
		if n != key {
			sets = append(sets, n+" = EXCLUDED."+n)
		}
	}
	// A row is replaced only by a newer version: several processes may project into the
	// same tables (one relay each, over JetStream), and the slower must not set a row back.
	return fmt.Sprintf("INSERT INTO %s AS t (%s) SELECT %s FROM unnest(%s) AS u(%s) ON CONFLICT (%s) DO UPDATE SET %s WHERE t.version < EXCLUDED.version",
		s.table(table), strings.Join(c.names, ", "), strings.Join(selects, ", "), strings.Join(params, ", "),
		strings.Join(c.names, ", "), key, strings.Join(sets, ", "))
}

// copyIn writes rows that cannot exist yet with COPY (binary): the fast path of a
// rebuild's single commit into fresh tables.
func (s *Store) copyIn(ctx context.Context, tx pgx.Tx, table, _ string, c columns) error {
	if c.rows == 0 {
		return nil
	}
	cols := make([]reflect.Value, len(c.vals))
	for i, v := range c.vals {
		if alt, ok := c.copyVals[i]; ok {
			v = alt
		}
		cols[i] = reflect.ValueOf(v)
	}
	rows := make([][]any, c.rows)
	for r := range rows {
		row := make([]any, len(cols))
		for i, col := range cols {
			row[i] = col.Index(r).Interface()
		}
		rows[r] = row
	}
	_, err := tx.CopyFrom(ctx, pgx.Identifier{s.schema, table}, c.names, pgx.CopyFromRows(rows))
	return err
}

func timelineColumns(es []projections.PortalEntry) columns {
	n := len(es)
	ids, versions, ats, kinds, texts := make([]uuid.UUID, n), make([]int64, n), make([]time.Time, n), make([]string, n), make([]string, n)
	for i, e := range es {
		ids[i], versions[i], ats[i], kinds[i], texts[i] = e.TicketID, e.Version, e.At, e.Kind, e.Text
	}
	c := columns{rows: n}
	c.add("ticket_id", "uuid", "", ids)
	c.add("version", "bigint", "", versions)
	c.add("at", "timestamptz", "", ats)
	c.add("kind", "text", "", kinds)
	c.add("text", "text", "", texts)
	return c
}

// insertTimeline adds timeline entries; one already there (a redelivery) is left as is.
func (s *Store) insertTimeline(ctx context.Context, tx pgx.Tx, es []projections.PortalEntry) error {
	if len(es) == 0 {
		return nil
	}
	_, err := tx.Exec(ctx, s.timelineSQL(), timelineColumns(es).vals...)
	return err
}

// queueTimeline adds insertTimeline's statement to a pipelined batch.
func (s *Store) queueTimeline(q *pgx.Batch, es []projections.PortalEntry) {
	if len(es) > 0 {
		q.Queue(s.timelineSQL(), timelineColumns(es).vals...)
	}
}

func (s *Store) timelineSQL() string {
	return "INSERT INTO " + s.table("rm_portal_timeline") + ` (ticket_id, version, at, kind, text)
		SELECT * FROM unnest($1::uuid[], $2::bigint[], $3::timestamptz[], $4::text[], $5::text[])
		ON CONFLICT (ticket_id, version) DO NOTHING`
}

// Nullable column values: the zero value is NULL.
func tsz(t time.Time) pgtype.Timestamptz  { return pgtype.Timestamptz{Time: t, Valid: !t.IsZero()} }
func uuidOrNull(id uuid.UUID) pgtype.UUID { return pgtype.UUID{Bytes: id, Valid: id != uuid.Nil} }
func textOrNull(s string) pgtype.Text     { return pgtype.Text{String: s, Valid: s != ""} }

func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("postgres read model: a row does not encode: %v", err)) // plain structs always encode
	}
	return string(b)
}

// stateJSON encodes ticket snapshots once per commit: a snapshot at a stream version is
// the same in every projection.
type stateJSON map[stateKey]string

type stateKey struct {
	id      uuid.UUID
	version int64
}

func (m stateJSON) of(t *domain.TicketState) string {
	k := stateKey{t.ID, t.Version}
	if j, ok := m[k]; ok {
		return j
	}
	j := mustJSON(t)
	m[k] = j
	return j
}

func queueColumns(ts []domain.TicketState, enc stateJSON) columns {
	n := len(ts)
	id, num, ver, status, open := make([]uuid.UUID, n), make([]string, n), make([]int64, n), make([]string, n), make([]bool, n)
	team, assignee, aname, prio, cat := make([]string, n), make([]pgtype.UUID, n), make([]pgtype.Text, n), make([]string, n), make([]pgtype.Text, n)
	tier, ch, frDue, resDue, waiting := make([]string, n), make([]string, n), make([]pgtype.Timestamptz, n), make([]pgtype.Timestamptz, n), make([]pgtype.Timestamptz, n)
	created, updated, state := make([]time.Time, n), make([]time.Time, n), make([]string, n)
	frAt, frBr, resBr := make([]pgtype.Timestamptz, n), make([]bool, n), make([]bool, n)
	for i, t := range ts {
		frAt[i], frBr[i], resBr[i] = tsz(t.FirstRespondedAt), t.FirstResponseBreached, t.ResolutionBreached
		id[i], num[i], ver[i], status[i], open[i] = t.ID, t.Number, t.Version, string(t.Status), t.Status.Open()
		team[i], assignee[i], aname[i], prio[i], cat[i] = t.Team, uuidOrNull(t.Assignee), textOrNull(t.AssigneeName), string(t.Priority), textOrNull(t.Category)
		tier[i], ch[i], frDue[i], resDue[i], waiting[i] = string(t.Customer.Tier), string(t.Channel), tsz(t.SLA.FirstResponseDue), tsz(t.SLA.ResolutionDue), tsz(t.WaitingSince)
		created[i], updated[i], state[i] = t.CreatedAt, t.UpdatedAt, enc.of(&ts[i])
	}
	c := columns{rows: n}
	c.add("ticket_id", "uuid", "", id)
	c.add("number", "text", "", num)
	c.add("version", "bigint", "", ver)
	c.add("status", "text", "", status)
	c.add("is_open", "boolean", "", open)
	c.add("team", "text", "", team)
	c.add("assignee_id", "uuid", "", assignee)
	c.add("assignee_name", "text", "", aname)
	c.add("priority", "text", "", prio)
	c.add("category", "text", "", cat)
	c.add("tier", "text", "", tier)
	c.add("channel", "text", "", ch)
	c.add("first_response_due", "timestamptz", "", frDue)
	c.add("resolution_due", "timestamptz", "", resDue)
	c.add("waiting_since", "timestamptz", "", waiting)
	c.add("created_at", "timestamptz", "", created)
	c.add("updated_at", "timestamptz", "", updated)
	c.add("first_responded_at", "timestamptz", "", frAt)
	c.add("first_response_breached", "boolean", "", frBr)
	c.add("resolution_breached", "boolean", "", resBr)
	c.add("state", "text", "json", state)
	return c
}

func portalColumns(ts []domain.TicketState, enc stateJSON) columns {
	n := len(ts)
	id, num, ver, status, subject := make([]uuid.UUID, n), make([]string, n), make([]int64, n), make([]string, n), make([]string, n)
	aname, resDue, state := make([]pgtype.Text, n), make([]pgtype.Timestamptz, n), make([]string, n)
	for i, t := range ts {
		id[i], num[i], ver[i], status[i], subject[i] = t.ID, t.Number, t.Version, string(t.Status), t.Subject
		aname[i], resDue[i], state[i] = textOrNull(t.AssigneeName), tsz(t.SLA.ResolutionDue), enc.of(&ts[i])
	}
	c := columns{rows: n}
	c.add("ticket_id", "uuid", "", id)
	c.add("number", "text", "", num)
	c.add("version", "bigint", "", ver)
	c.add("status", "text", "", status)
	c.add("subject", "text", "", subject)
	c.add("assignee_name", "text", "", aname)
	c.add("resolution_due", "timestamptz", "", resDue)
	c.add("state", "text", "json", state)
	return c
}

func agentColumns(as []domain.AgentState) columns {
	n := len(as)
	id, ver, name, email, team := make([]uuid.UUID, n), make([]int64, n), make([]string, n), make([]string, n), make([]string, n)
	skills, capacity, lang, online, state := make([]string, n), make([]int32, n), make([]string, n), make([]bool, n), make([]string, n)
	for i, a := range as {
		id[i], ver[i], name[i], email[i], team[i] = a.ID, a.Version, a.Name, a.Email, a.Team
		skills[i], capacity[i], lang[i], online[i], state[i] = pgTextArray(a.Skills), int32(a.Capacity), a.Language, a.Online, mustJSON(a)
	}
	c := columns{rows: n}
	c.add("agent_id", "uuid", "", id)
	c.add("version", "bigint", "", ver)
	c.add("name", "text", "", name)
	c.add("email", "text", "", email)
	c.add("team", "text", "", team)
	c.add("skills", "text", "text[]", skills)
	c.add("capacity", "integer", "", capacity)
	c.add("language", "text", "", lang)
	c.add("online", "boolean", "", online)
	c.add("state", "text", "json", state)
	return c
}

// pgTextArray writes a text[] literal (unnest cannot take an array of arrays of
// different lengths, so skills travel as literals and are cast after unnest).
func pgTextArray(xs []string) string {
	parts := make([]string, len(xs))
	for i, x := range xs {
		parts[i] = `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(x) + `"`
	}
	return "{" + strings.Join(parts, ",") + "}"
}

// multirangeValue is the periods as pgx's tstzmultirange, for COPY.
func multirangeValue(ps []projections.Period) pgtype.Multirange[pgtype.Range[pgtype.Timestamptz]] {
	m := make(pgtype.Multirange[pgtype.Range[pgtype.Timestamptz]], len(ps))
	for i, p := range ps {
		r := pgtype.Range[pgtype.Timestamptz]{Lower: tsz(p.From), LowerType: pgtype.Inclusive, UpperType: pgtype.Unbounded, Valid: true}
		if !p.Until.IsZero() {
			r.Upper, r.UpperType = tsz(p.Until), pgtype.Exclusive
		}
		m[i] = r
	}
	return m
}

// multirange writes the periods as a tstzmultirange literal; an open period has no upper bound.
func multirange(ps []projections.Period) string {
	parts := make([]string, len(ps))
	for i, p := range ps {
		until := ""
		if !p.Until.IsZero() {
			until = p.Until.UTC().Format(application.TimeFormat)
		}
		parts[i] = "[" + p.From.UTC().Format(application.TimeFormat) + "," + until + ")"
	}
	return "{" + strings.Join(parts, ",") + "}"
}
