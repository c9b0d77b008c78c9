package apiload

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"
	"golang.org/x/crypto/bcrypt"

	"github.com/zadankai/zadankai/rooms"
	"github.com/zadankai/zadankai/rooms/api"
	"github.com/zadankai/zadankai/rooms/mail"
	"github.com/zadankai/zadankai/rooms/sqlitestore"
)

// server is a real API on a SQLite file, as "zadankai serve" runs it
// (new passwords at the cheapest bcrypt cost, to spare the race
// detector; three password checks at once, each waiting up to a minute
// for its turn, as one check may take seconds under the race detector).
func server(t *testing.T) (url, dbPath string) {
	dbPath = filepath.Join(t.TempDir(), "zadankai.db")
	store, err := sqlitestore.OpenFile(context.Background(), dbPath)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close(context.Background()) })
	return replica(t, store, nil), dbPath
}

// replica is a real API on store behind its own HTTP server, counting
// the requests it answers in served (if not nil).
func replica(t *testing.T, store rooms.Store, served *atomic.Int64) string {
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	a, err := api.New(api.Params{Store: store, Logger: log, Registry: prometheus.NewRegistry(), Mailer: mail.NewOutbox(log, 10),
		Version: "test", MaxBodyBytes: 4096, PublicURL: "http://zadankai.test", PasswordCost: bcrypt.MinCost,
		Media: api.MediaConfig{URL: "ws://media.test", APIKey: "k", APISecret: "testsecret-testsecret-testsecret"},
		Login: api.LoginLimits{PasswordChecks: 3, PasswordWait: time.Minute}})
	if err != nil {
		t.Fatal(err)
	}
	gin.SetMode(gin.ReleaseMode)
	engine := gin.New()
	if served != nil {
		engine.Use(func(*gin.Context) { served.Add(1) })
	}
	a.Register(engine)
	srv := httptest.NewServer(engine)
	t.Cleanup(srv.Close)
	return srv.URL
}

// TestMixOverReplicas: with a mix and two servers on one store (as two
// replicas), requests go to both in turn, and every kind of request of
// the mix is answered (seats taken and given back among them).
func TestMixOverReplicas(t *testing.T) {
	dbPath := filepath.Join(t.TempDir(), "zadankai.db")
	store, err := sqlitestore.OpenFile(context.Background(), dbPath)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close(context.Background()) })
	var a, b atomic.Int64
	c := DefaultConfig()
	c.URL, c.SQLite = replica(t, store, &a)+","+replica(t, store, &b), dbPath
	// Writes weigh more than in DefaultMix: a busy machine under the race
	// detector may answer only a few dozen requests in the phase.
	c.Roundtables, c.Companies, c.MembersPerCompany, c.Readers, c.Duration = 10, 1, 10, 4, 2*time.Second
	c.Mix = "me:2,list:1,roundtable:1,consultations:1,register:4"
	rep, err := Run(context.Background(), c, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	p := rep.Readers0
	if len(p.Failures) > 0 || p.Requests == 0 {
		t.Fatalf("%d requests, failures %v", p.Requests, p.Failures)
	}
	for _, op := range []string{"me", "list", "roundtable", "consultations", "register", "withdraw"} {
		if p.ByOp[op].Requests == 0 {
			t.Errorf("no %s answered in %d requests: %+v", op, p.Requests, p.ByOp)
		}
	}
	if n, m := a.Load(), b.Load(); n == 0 || m == 0 || n > 2*m+4 || m > 2*n+4 {
		t.Errorf("the two replicas answered %d and %d requests: not in turn", n, m)
	}
	var out strings.Builder
	rep.WriteTable(&out)
	if !strings.Contains(out.String(), "mix "+c.Mix) || !strings.Contains(out.String(), "consultations") {
		t.Errorf("table:\n%s", out.String())
	}
}

// TestListReaders seeds roundtables into the server's store and reads
// the list with concurrent readers: every reader is served, the figures
// are ordered, and the run ends by itself after its duration.
func TestListReaders(t *testing.T) {
	url, db := server(t)
	c := DefaultConfig()
	c.URL, c.SQLite, c.Roundtables, c.Companies, c.MembersPerCompany, c.Readers, c.Duration = url, db, 20, 2, 10, 4, time.Second
	start := time.Now()
	rep, err := Run(context.Background(), c, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	p := rep.Readers0
	switch {
	case time.Since(start) > time.Minute:
		t.Errorf("the run took %v for a 1 s phase", time.Since(start))
	case p.Requests == 0 || len(p.Failures) > 0:
		t.Errorf("%d requests served, failures %v", p.Requests, p.Failures)
	case p.MeanKiB < 5: // 20 roundtables of about 1 KiB
		t.Errorf("mean response %.1f KiB: the readers did not get the seeded list", p.MeanKiB)
	case !(0 < p.P50 && p.P50 <= p.P90 && p.P90 <= p.P99 && p.P99 <= p.Max):
		t.Errorf("percentiles out of order: %+v", p)
	case rep.ReadersStorm != nil || rep.Logins != nil:
		t.Errorf("a storm phase ran without --storm: %+v", rep)
	}
	c.Roundtables = 0 // a second run reuses the seeded members
	if rep, err := Run(context.Background(), c, io.Discard); err != nil || rep.Readers0.Requests == 0 || rep.Readers0.MeanKiB < 5 {
		t.Errorf("second run on the same store: %+v, %v", rep, err)
	}
}

// TestPacedReaders: with --rate the readers together ask no more than
// the rate (plus each reader's first), not as fast as answered.
func TestPacedReaders(t *testing.T) {
	url, db := server(t)
	c := DefaultConfig()
	c.URL, c.SQLite, c.Roundtables, c.Companies, c.MembersPerCompany = url, db, 1, 1, 10
	c.Path, c.Readers, c.Rate, c.Duration = "/api/v1/me", 4, 20, time.Second
	rep, err := Run(context.Background(), c, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if p := rep.Readers0; p.Requests < c.Readers || p.Requests > 20+c.Readers || len(p.Failures) > 0 {
		t.Errorf("4 readers paced at 20/s for 1 s asked %d times (failures %v); want 4..24", p.Requests, p.Failures)
	}
	var out strings.Builder
	rep.WriteTable(&out)
	if !strings.Contains(out.String(), "together 20 requests/s") {
		t.Errorf("table does not say the pace:\n%s", out.String())
	}
}

// TestLoginStorm measures /api/v1/me beside clients logging in: the
// readers are served in both phases and every login is checked and
// refused (401), none cut short by the per-address limit.
func TestLoginStorm(t *testing.T) {
	url, db := server(t)
	c := DefaultConfig()
	c.URL, c.SQLite, c.Roundtables, c.Companies, c.MembersPerCompany, c.Readers, c.Duration = url, db, 1, 1, 10, 2, 1500*time.Millisecond
	c.Path, c.Storm = "/api/v1/me", 3
	rep, err := Run(context.Background(), c, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	l := rep.Logins
	switch {
	case rep.ReadersStorm == nil || l == nil:
		t.Fatalf("no storm phase: %+v", rep)
	case rep.Readers0.Requests == 0 || rep.ReadersStorm.Requests == 0:
		t.Errorf("readers served %d alone, %d beside the storm", rep.Readers0.Requests, rep.ReadersStorm.Requests)
	case l.Attempts < 3 || l.Status["401 Unauthorized"] != l.Attempts:
		t.Errorf("%d logins got %v; want every one checked and refused (401)", l.Attempts, l.Status)
	}
	var out strings.Builder
	rep.WriteTable(&out)
	if !strings.Contains(out.String(), "beside 3 logging in") || !strings.Contains(out.String(), "logins: ") {
		t.Errorf("table:\n%s", out.String())
	}
}

// TestStormAddresses: against a server on loopback, each login of the
// storm comes from its own address, so a per-address limit (60 a
// minute) does not stop a storm of thousands before the password check.
func TestStormAddresses(t *testing.T) {
	var mu sync.Mutex
	seen := map[string]bool{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		host, _, _ := net.SplitHostPort(r.RemoteAddr)
		mu.Lock()
		seen[host] = true
		mu.Unlock()
		w.WriteHeader(http.StatusUnauthorized)
	}))
	defer srv.Close()
	c := DefaultConfig()
	c.URL = srv.URL
	for range 100 {
		if _, status := login(context.Background(), c, isLoopback(c.URL), "x@load.example"); status != "401 Unauthorized" {
			t.Fatal(status)
		}
	}
	if len(seen) != 100 || seen["127.0.0.1"] {
		t.Errorf("100 logins came from %d addresses (127.0.0.1 among them: %v)", len(seen), seen["127.0.0.1"])
	}
}

// Bad configurations fail before anything is seeded, naming the flag.
func TestConfigErrors(t *testing.T) {
	for _, c := range []struct {
		edit func(*Config)
		want string
	}{
		{func(c *Config) { c.URL = "" }, "--url is required"},
		{func(c *Config) { c.URL = "ws://x" }, "--url"},
		{func(c *Config) { c.SQLite = "" }, "--sqlite FILE or --mongo-uri"},
		{func(c *Config) { c.MongoURI = "mongodb://x" }, "--sqlite FILE or --mongo-uri"},
		{func(c *Config) { c.Readers = 0 }, "--readers"},
		{func(c *Config) { c.Duration = 2 * time.Hour }, "--duration"},
		{func(c *Config) { c.Storm = -1 }, "--storm"},
		{func(c *Config) { c.Roundtables, c.MembersPerCompany = 5, 3 }, "--members-per-company"},
		{func(c *Config) { c.Path = "api/v1/me" }, "--path"},
	} {
		cfg := DefaultConfig()
		cfg.URL, cfg.SQLite = "http://127.0.0.1:1", "x.db"
		c.edit(&cfg)
		if err := cfg.Validate(); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: %v, want an error containing %q", cfg, err, c.want)
		}
	}
}
