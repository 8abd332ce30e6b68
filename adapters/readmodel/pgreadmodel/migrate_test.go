package pgreadmodel_test

import (
	"context"
	"encoding/json"
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/ticketengine/ticketengine/adapters/postgrestest"
	"github.com/ticketengine/ticketengine/adapters/readmodel/pgreadmodel"
	"github.com/ticketengine/ticketengine/domain"
	"github.com/ticketengine/ticketengine/migrations"
	"github.com/ticketengine/ticketengine/projections"
)

// TestMigration7FillsCustomerIDs: a read model migrated before 00007 holds queue rows
// without customer_id; migrating (00007, then 00008) fills it with the customer record
// each row's snapshot names, so GET /tickets' customer filter finds those tickets with no
// rebuild; a ticket with no record id in its snapshot (received before records existed)
// is NULL until a rebuild.
func TestMigration7FillsCustomerIDs(t *testing.T) {
	ctx := context.Background()
	dsn := postgrestest.FreshSchema(t, "t_mig7_")
	all := migrations.Sub(migrations.ReadModel, "readmodel")
	before := fstest.MapFS{}
	names, err := fs.Glob(all, "*.sql")
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range names {
		if n < "00007" {
			b, err := fs.ReadFile(all, n)
			if err != nil {
				t.Fatal(err)
			}
			before[n] = &fstest.MapFile{Data: b}
		}
	}
	set := migrations.ReadModelSet // its version table and lock, with only the files before 7
	set.Files = before
	if err := migrations.Up(ctx, dsn, set); err != nil {
		t.Fatal(err)
	}
	pool, err := pgxpool.New(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	at := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
	record := uuid.New()
	for i, rec := range []string{record.String(), ""} {
		s := domain.TicketState{ID: uuid.New(), Number: "TK-" + strings.Repeat("A", i+1), Version: 0, Status: domain.StatusClosed,
			Channel: domain.ChannelEmail, Customer: domain.Customer{ID: "c-old", RecordID: rec, Name: "Old", Tier: domain.TierCore},
			Priority: domain.P3, Team: "support", CreatedAt: at, UpdatedAt: at}
		state, _ := json.Marshal(s)
		if _, err := pool.Exec(ctx, `INSERT INTO rm_queue_tickets (ticket_id, number, version, status, is_open, team, priority,
			tier, channel, created_at, updated_at, state) VALUES ($1, $2, 0, 'closed', false, 'support', 'P3', 'core', 'email', $3, $3, $4)`,
			s.ID, s.Number, at, state); err != nil {
			t.Fatal(err)
		}
	}
	if err := pgreadmodel.Migrate(ctx, dsn); err != nil {
		t.Fatal(err)
	}
	var filled, null int
	if err := pool.QueryRow(ctx, "SELECT count(*) FILTER (WHERE customer_id = $1), count(*) FILTER (WHERE customer_id IS NULL) FROM rm_queue_tickets",
		record.String()).Scan(&filled, &null); err != nil {
		t.Fatal(err)
	}
	if filled != 1 || null != 1 {
		t.Fatalf("after migrating: %d rows of the record, %d without a record; want 1 and 1", filled, null)
	}
	store, err := pgreadmodel.New(ctx, pool)
	if err != nil {
		t.Fatal(err)
	}
	got, more, err := store.TicketPage(ctx, projections.TicketFilter{Customer: record, Status: domain.StatusClosed}, projections.TicketCursor{}, 10)
	if err != nil || more || len(got) != 1 || got[0].Customer.RecordID != record.String() {
		t.Fatalf("the old ticket by its customer: %v %v %v", got, more, err)
	}
}
