package sqlitestore_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"
	"time"

	_ "modernc.org/sqlite"

	"github.com/zadankai/zadankai/rooms"
	"github.com/zadankai/zadankai/rooms/sqlitestore"
)

// TestSeatCountsMigration opens a database written before seat counts
// were kept beside the registrations and finds them counted: the
// roundtable list shows the same seats as before the upgrade.
func TestSeatCountsMigration(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "old.db")
	s, err := sqlitestore.OpenFile(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	r := &rooms.Roundtable{ID: rooms.NewRoundtableID(), Title: "数えていない座談会", Axis: rooms.AxisLife, Start: time.Now().Add(48 * time.Hour),
		Minutes: 60, TimeZone: "Asia/Tokyo", Format: rooms.FormatOnline, Capacity: 1, Talk: rooms.TalkSmallRound, Moderators: []rooms.MemberID{rooms.NewMemberID()}}
	if err := s.CreateRoundtable(ctx, r); err != nil {
		t.Fatal(err)
	}
	people := []*rooms.Member{{ID: rooms.NewMemberID()}, {ID: rooms.NewMemberID()}, {ID: rooms.NewMemberID()}}
	for i, m := range people {
		if _, err := rooms.Register(ctx, s, r, m, time.Now().Add(time.Duration(i)*time.Second)); err != nil {
			t.Fatal(err)
		}
	}
	s.Close(ctx)
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{`ALTER TABLE roundtables DROP COLUMN seated`, `ALTER TABLE roundtables DROP COLUMN waiting`,
		`DELETE FROM schema_migrations WHERE version = 136`} {
		if _, err := db.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	db.Close()
	s, err = sqlitestore.OpenFile(ctx, path) // counts them
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close(ctx)
	want := rooms.SeatCount{Seated: 1, Waiting: 2}
	if got, err := s.CountSeats(ctx, []rooms.RoundtableID{r.ID}); err != nil || got[r.ID] != want {
		t.Errorf("CountSeats after the upgrade = %+v, %v; want %+v", got, err, want)
	}
}
