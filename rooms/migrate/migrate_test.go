package migrate_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/zadankai/zadankai/rooms"
	"github.com/zadankai/zadankai/rooms/migrate"
	"github.com/zadankai/zadankai/rooms/mongostore"
	"github.com/zadankai/zadankai/rooms/mongostore/ferrettest"
	"github.com/zadankai/zadankai/rooms/sqlitestore"
	"github.com/zadankai/zadankai/rooms/storetest"
)

// mongoURI is the FerretDB server TestMain starts, or a real MongoDB
// when ZADANKAI_TEST_MONGO_URI is set.
var mongoURI string

func TestMain(m *testing.M) {
	os.Exit(runWithMongo(m))
}

func runWithMongo(m *testing.M) int {
	if mongoURI = os.Getenv("ZADANKAI_TEST_MONGO_URI"); mongoURI != "" {
		return m.Run()
	}
	srv, err := ferrettest.Start()
	if err != nil {
		fmt.Fprintln(os.Stderr, "start FerretDB:", err)
		return 1
	}
	defer srv.Stop()
	mongoURI = srv.URI
	return m.Run()
}

func testCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	t.Cleanup(cancel)
	return ctx
}

func openSQLite(t *testing.T) *sqlitestore.Store {
	t.Helper()
	s, err := sqlitestore.Open(testCtx(t), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close(context.Background()) })
	return s
}

var dbSeq atomic.Int64

// openMongo opens a fresh database, dropped when the test ends. One
// connection: FerretDB loses concurrent updates otherwise (storage.md).
func openMongo(t *testing.T) *mongostore.Store {
	t.Helper()
	name := fmt.Sprintf("zm_%d_%d", time.Now().UnixNano()%1e9, dbSeq.Add(1))
	s, err := mongostore.Open(testCtx(t), mongoURI, name, mongostore.Options{MaxPoolSize: 1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		_ = s.Drop(ctx)
		_ = s.Close(ctx)
	})
	return s
}

// TestCopyRefusesAnotherDeployment: a target holding other data is left
// alone unless forced; forced, the source's records are added beside it.
func TestCopyRefusesAnotherDeployment(t *testing.T) {
	ctx := testCtx(t)
	src, dst := openSQLite(t), openMongo(t)
	mine, theirs := storetest.NewCompany("Mine KK"), storetest.NewCompany("Theirs KK")
	if err := src.CreateCompany(ctx, mine); err != nil {
		t.Fatal(err)
	}
	if err := dst.CreateCompany(ctx, theirs); err != nil {
		t.Fatal(err)
	}
	_, err := migrate.Copy(ctx, src, dst, migrate.Options{})
	var ne *migrate.NotEmptyError
	if !errors.As(err, &ne) || ne.Foreign != 1 {
		t.Fatalf("Copy into another deployment's database = %v, want NotEmptyError with 1 foreign record", err)
	}
	if _, err := dst.GetCompany(ctx, mine.ID); !errors.Is(err, rooms.ErrNotFound) {
		t.Fatalf("a refused copy wrote: %v", err)
	}
	rep, err := migrate.Copy(ctx, src, dst, migrate.Options{Force: true})
	if err != nil {
		t.Fatal(err)
	}
	if c := rep.Counts[0]; c.Kind != rooms.KindCompanies || c.Source != 1 || c.Written != 1 || c.Target != 2 || c.Equal != 1 {
		t.Errorf("forced copy counted %+v, want 1 in source, 1 written, 2 in target, 1 equal", c)
	}
}

// TestCopyCatchesUpAChangedSource: a source written to since the last
// copy differs from the target; the next run says so, and forced it
// writes only what changed.
func TestCopyCatchesUpAChangedSource(t *testing.T) {
	ctx := testCtx(t)
	src, dst := openSQLite(t), openMongo(t)
	a, b := storetest.NewCompany("A KK"), storetest.NewCompany("B KK")
	for _, co := range []*rooms.Company{a, b} {
		if err := src.CreateCompany(ctx, co); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := migrate.Copy(ctx, src, dst, migrate.Options{}); err != nil {
		t.Fatal(err)
	}
	a.Name = "A KK (renamed)"
	if err := src.UpdateCompany(ctx, a); err != nil {
		t.Fatal(err)
	}
	var ne *migrate.NotEmptyError
	if _, err := migrate.Copy(ctx, src, dst, migrate.Options{}); !errors.As(err, &ne) || ne.Differing != 1 {
		t.Fatalf("copy after a change = %v, want NotEmptyError with 1 differing", err)
	}
	rep, err := migrate.Copy(ctx, src, dst, migrate.Options{Force: true})
	if err != nil || rep.Counts[0].Written != 1 {
		t.Fatalf("forced copy = %+v, %v; want the renamed company alone written", rep, err)
	}
	if got, err := dst.GetCompany(ctx, a.ID); err != nil || got.Name != a.Name || got.Version != 2 {
		t.Errorf("target's company = %+v, %v; want the new name at version 2", got, err)
	}
}

func TestReportTable(t *testing.T) {
	var buf bytes.Buffer
	rep := &migrate.Report{Counts: []migrate.Count{{Kind: rooms.KindMembers, Source: 12, Written: 12, Target: 12, Equal: 12}}}
	if err := rep.Write(&buf); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) != 2 || !strings.Contains(lines[0], "in source") || strings.Fields(lines[1])[0] != "members" {
		t.Errorf("report =\n%s", buf.String())
	}
}
