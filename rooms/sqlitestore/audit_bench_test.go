package sqlitestore_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/zadankai/zadankai/rooms"
	"github.com/zadankai/zadankai/rooms/sqlitestore"
)

// BenchmarkAuditPage reads one page of 50 operator audit entries, newest
// first, from 20,000 entries over 200 roundtables: the first page across
// all roundtables, a page deep in the log (cursor), and one roundtable's.
func BenchmarkAuditPage(b *testing.B) {
	ctx := context.Background()
	s, err := sqlitestore.OpenFile(ctx, filepath.Join(b.TempDir(), "bench.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close(ctx)
	rts := make([]rooms.RoundtableID, 200)
	for i := range rts {
		rts[i] = rooms.NewRoundtableID()
	}
	base := time.Now().Add(-30 * 24 * time.Hour)
	var middle *rooms.AuditEntry
	for i := range 20000 {
		e := &rooms.AuditEntry{ID: rooms.NewAuditID(), RoundtableID: rts[i%len(rts)], ActorID: "mb_x", Action: "mute", At: base.Add(time.Duration(i) * time.Second)}
		if err := s.AppendAudit(ctx, e); err != nil {
			b.Fatal(err)
		}
		if i == 10000 {
			middle = e
		}
	}
	for _, q := range []struct {
		name string
		q    rooms.AuditQuery
	}{
		{"first", rooms.AuditQuery{Limit: 50}},
		{"deep", rooms.AuditQuery{Limit: 50, Before: middle.At, BeforeID: middle.ID}},
		{"one_roundtable", rooms.AuditQuery{Limit: 50, Roundtable: rts[7]}},
	} {
		b.Run(q.name, func(b *testing.B) {
			for b.Loop() {
				page, err := s.ListAuditPage(ctx, q.q)
				if err != nil || len(page) != 50 {
					b.Fatalf("%d entries, %v", len(page), err)
				}
			}
		})
	}
}
