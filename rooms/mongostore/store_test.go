package mongostore_test

import (
	"context"
	"fmt"
	"os"
	"sync/atomic"
	"testing"
	"time"

	"github.com/zadankai/zadankai/rooms"
	"github.com/zadankai/zadankai/rooms/mongostore"
	"github.com/zadankai/zadankai/rooms/mongostore/ferrettest"
	"github.com/zadankai/zadankai/rooms/storetest"
)

// ferretURI is the MongoDB-wire address of the FerretDB test server that
// TestMain starts in-process: the only such server available on these
// machines.
var ferretURI string

func TestMain(m *testing.M) {
	os.Exit(runWithFerret(m))
}

func runWithFerret(m *testing.M) int {
	srv, err := ferrettest.Start()
	if err != nil {
		fmt.Fprintln(os.Stderr, "start FerretDB:", err)
		return 1
	}
	defer srv.Stop()
	ferretURI = srv.URI
	return m.Run()
}

var dbSeq atomic.Int64

// opener returns a storetest.Opener on a fresh database of uri, dropped
// when the test ends.
func opener(uri string, opt mongostore.Options) func(t *testing.T) storetest.Opener {
	return func(t *testing.T) storetest.Opener {
		name := fmt.Sprintf("zt_%d_%d", time.Now().UnixNano()%1e9, dbSeq.Add(1))
		t.Cleanup(func() {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			s, err := mongostore.Open(ctx, uri, name, opt)
			if err == nil {
				_ = s.Drop(ctx)
				_ = s.Close(ctx)
			}
		})
		return func(t *testing.T) rooms.Store {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			s, err := mongostore.Open(ctx, uri, name, opt)
			if err != nil {
				t.Fatal(err)
			}
			return s
		}
	}
}

func TestConformanceFerretDB(t *testing.T) {
	// One connection: FerretDB loses updates and reports "database is
	// locked" under concurrent writers otherwise (storage.md).
	storetest.Run(t, opener(ferretURI, mongostore.Options{MaxPoolSize: 1}), storetest.Options{
		LosesConcurrentUpdates: "FerretDB v1.24.2 loses concurrent compare-and-set updates of one document " +
			"(storage.md); this case runs on SQLite and on a real MongoDB (ZADANKAI_TEST_MONGO_URI)",
	})
}

func TestConformanceMongoDB(t *testing.T) {
	uri := os.Getenv("ZADANKAI_TEST_MONGO_URI")
	if uri == "" {
		t.Skip("set ZADANKAI_TEST_MONGO_URI to run the suite against a real MongoDB")
	}
	storetest.Run(t, opener(uri, mongostore.Options{}), storetest.Options{})
}

func TestOpenUnreachable(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	// Port 1 on loopback: nothing listens there, so index creation fails.
	if _, err := mongostore.Open(ctx, "mongodb://127.0.0.1:1/?connectTimeoutMS=500", "x", mongostore.Options{}); err == nil {
		t.Fatal("Open against a closed port succeeded")
	}
}

func TestBulkFerretDB(t *testing.T) {
	storetest.RunBulk(t, opener(ferretURI, mongostore.Options{MaxPoolSize: 1}))
}

func TestBulkMongoDB(t *testing.T) {
	uri := os.Getenv("ZADANKAI_TEST_MONGO_URI")
	if uri == "" {
		t.Skip("set ZADANKAI_TEST_MONGO_URI to run the suite against a real MongoDB")
	}
	storetest.RunBulk(t, opener(uri, mongostore.Options{}))
}
