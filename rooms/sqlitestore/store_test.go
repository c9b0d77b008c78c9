package sqlitestore_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/zadankai/zadankai/rooms"
	"github.com/zadankai/zadankai/rooms/sqlitestore"
	"github.com/zadankai/zadankai/rooms/storetest"
)

// fileOpener opens a store on a fresh file per test.
func fileOpener(t *testing.T) storetest.Opener {
	path := filepath.Join(t.TempDir(), "test.db")
	return func(t *testing.T) rooms.Store {
		s, err := sqlitestore.OpenFile(context.Background(), path)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
}

func TestConformance(t *testing.T) {
	storetest.Run(t, fileOpener, storetest.Options{})
}

func TestOpenBadPath(t *testing.T) {
	_, err := sqlitestore.Open(context.Background(), filepath.Join(t.TempDir(), "missing", "dir"))
	if err == nil {
		t.Fatal("Open in a missing directory succeeded")
	}
}

func TestBulk(t *testing.T) {
	storetest.RunBulk(t, fileOpener)
}
