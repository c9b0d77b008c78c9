package sqlitestore_test

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/zadankai/zadankai/rooms"
	"github.com/zadankai/zadankai/rooms/sqlitestore"
	"github.com/zadankai/zadankai/rooms/storetest"
)

// batch is how many members the writer adds in one transaction: a
// consistent backup holds a whole number of batches.
const batch = 10

// TestBackupDuringWrites: a backup taken while a server writes opens as
// a store of its own and holds whole transactions only, no fewer than
// were written before it started.
func TestBackupDuringWrites(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	dir := t.TempDir()
	live, err := sqlitestore.Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer live.Close(ctx)
	co := storetest.NewCompany("Backup KK")
	if err := live.CreateCompany(ctx, co); err != nil {
		t.Fatal(err)
	}
	var written atomic.Int64
	stop, done := make(chan struct{}), make(chan error, 1)
	go func() { done <- writeBatches(ctx, live, co.ID, stop, &written) }()
	for written.Load() < 5*batch { // writes are under way
		select {
		case err := <-done:
			t.Fatalf("writer stopped early: %v", err)
		case <-time.After(5 * time.Millisecond):
		}
	}
	before := written.Load()
	to := filepath.Join(t.TempDir(), "backup.db")
	if err := sqlitestore.Backup(ctx, dir, to); err != nil {
		t.Fatal(err)
	}
	close(stop)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	copied, err := sqlitestore.OpenFile(ctx, to)
	if err != nil {
		t.Fatal(err)
	}
	defer copied.Close(ctx)
	n, err := copied.CountMembers(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if n%batch != 0 || n < before || n > written.Load() {
		t.Errorf("backup holds %d members; want whole batches of %d, at least the %d written before it and at most %d",
			n, batch, before, written.Load())
	}
	if _, err := copied.GetCompany(ctx, co.ID); err != nil {
		t.Errorf("the company is not in the backup: %v", err)
	}
	if err := sqlitestore.Backup(ctx, dir, to); err == nil || !strings.Contains(err.Error(), "exists already") {
		t.Errorf("a second backup to the same file = %v, want a refusal", err)
	}
}

// writeBatches adds members batch at a time, each batch one transaction
// (ImportRecords), until stop.
func writeBatches(ctx context.Context, s *sqlitestore.Store, co rooms.CompanyID, stop chan struct{}, written *atomic.Int64) error {
	for i := 0; ; i++ {
		select {
		case <-stop:
			return nil
		default:
		}
		recs := make([]rooms.Record, batch)
		for j := range recs {
			recs[j] = storetest.NewMember(co, fmt.Sprintf("m%d-%d@backup.example", i, j))
		}
		if _, err := s.ImportRecords(ctx, rooms.KindMembers, recs, false); err != nil {
			return err
		}
		written.Add(batch)
	}
}

func TestBackupWithoutDatabase(t *testing.T) {
	err := sqlitestore.Backup(context.Background(), t.TempDir(), filepath.Join(t.TempDir(), "b.db"))
	if err == nil || !strings.Contains(err.Error(), "no database") {
		t.Errorf("Backup of an empty directory = %v, want no database", err)
	}
}
