package sqlitestore

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/zadankai/zadankai/rooms"
)

// TestEveryTableMoves: a table added by a later migration belongs to a
// kind of rooms.Kinds or says why a move leaves it behind.
func TestEveryTableMoves(t *testing.T) {
	ctx := context.Background()
	s, err := OpenFile(ctx, filepath.Join(t.TempDir(), "t.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close(ctx)
	moved := map[string]bool{}
	for _, k := range rooms.Kinds {
		bt, ok := bulkTables[k]
		if !ok {
			t.Errorf("kind %s has no table", k)
			continue
		}
		moved[bt.table] = true
	}
	rows, err := s.db.QueryContext(ctx, `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			t.Fatal(err)
		}
		if !moved[name] && unmovedTables[name] == "" {
			t.Errorf("table %s is neither moved (rooms.Kinds) nor listed in unmovedTables", name)
		}
	}
}
