package main

import (
	"bytes"
	"context"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/zadankai/zadankai/rooms"
	"github.com/zadankai/zadankai/rooms/mongostore"
	"github.com/zadankai/zadankai/rooms/mongostore/ferrettest"
	"github.com/zadankai/zadankai/rooms/sqlitestore"
	"github.com/zadankai/zadankai/rooms/storetest"
)

// sqliteDeployment is a data directory holding one company and one
// member, as `serve` leaves it.
func sqliteDeployment(t *testing.T) (dir string, m *rooms.Member) {
	t.Helper()
	ctx := context.Background()
	dir = t.TempDir()
	s, err := sqlitestore.Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close(ctx)
	co := storetest.NewCompany("Migrate KK")
	m = storetest.NewMember(co.ID, "a@migrate.example")
	if err := s.CreateCompany(ctx, co); err != nil {
		t.Fatal(err)
	}
	if err := s.CreateMember(ctx, m); err != nil {
		t.Fatal(err)
	}
	return dir, m
}

func runCmd(args ...string) (code int, stdout, stderr string) {
	var out, errb bytes.Buffer
	code = run(args, &out, &errb)
	return code, out.String(), errb.String()
}

// TestMigrateCommand: `zadankai migrate` copies a data directory into
// MongoDB and says so by kind; run again it copies nothing; a mistyped
// directory or a database of another deployment is refused.
func TestMigrateCommand(t *testing.T) {
	srv, err := ferrettest.Start()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Stop)
	dir, m := sqliteDeployment(t)
	args := []string{"migrate", "--from", dir, "--to", srv.URI, "--database", "moved"}
	code, out, errs := runCmd(args...)
	if code != 0 || !strings.Contains(out, "Every record of "+dir+" is in moved, equal.") || !hasRow(out, "members", "1 1 1 1") {
		t.Fatalf("migrate = %d\n%s%s", code, out, errs)
	}
	if code, out, errs := runCmd(args...); code != 0 || !hasRow(out, "members", "1 0 1 1") || !hasRow(out, "companies", "1 0 1 1") {
		t.Errorf("second migrate = %d, want nothing copied\n%s%s", code, out, errs)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	s, err := mongostore.Open(ctx, srv.URI, "moved", mongostore.Options{MaxPoolSize: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close(ctx)
	if got, err := s.GetMemberByEmail(ctx, m.Email); err != nil || got.ID != m.ID || got.Version != m.Version {
		t.Errorf("moved member = %+v, %v; want %s at version %d", got, err, m.ID, m.Version)
	}
	other, _ := sqliteDeployment(t)
	code, _, errs = runCmd("migrate", "--from", other, "--to", srv.URI, "--database", "moved")
	if code != 1 || !strings.Contains(errs, "nothing was written (--force copies anyway)") {
		t.Errorf("migrate of another deployment into it = %d %q, want a refusal", code, errs)
	}
	code, _, errs = runCmd("migrate", "--from", dir, "--to", "/var/lib/mongo")
	if code != 1 || !strings.Contains(errs, "must be a MongoDB connection string") {
		t.Errorf("migrate to a path = %d %q", code, errs)
	}
	code, _, errs = runCmd("migrate", "--from", filepath.Join(dir, "typo"), "--to", srv.URI)
	if code != 1 || !strings.Contains(errs, "no Zadankai database in") {
		t.Errorf("migrate from a missing directory = %d %q", code, errs)
	}
}

// hasRow reports whether out has the report line of kind with the
// counts want (space separated).
func hasRow(out, kind, want string) bool {
	for _, line := range strings.Split(out, "\n") {
		if f := strings.Fields(line); len(f) == 5 && f[0] == kind {
			return strings.Join(f[1:], " ") == want
		}
	}
	return false
}

// TestBackupCommand: `zadankai backup` writes a database that opens with
// the deployment's records, and never overwrites a file.
func TestBackupCommand(t *testing.T) {
	dir, m := sqliteDeployment(t)
	to := filepath.Join(t.TempDir(), "backup.db")
	if code, out, errs := runCmd("backup", "--data-dir", dir, "--to", to); code != 0 || !strings.Contains(out, "Backed up") {
		t.Fatalf("backup = %d %q %q", code, out, errs)
	}
	ctx := context.Background()
	s, err := sqlitestore.OpenFile(ctx, to)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close(ctx)
	if got, err := s.GetMember(ctx, m.ID); err != nil || got.Email != m.Email {
		t.Errorf("member in the backup = %+v, %v", got, err)
	}
	if code, _, errs := runCmd("backup", "--data-dir", dir, "--to", to); code != 1 || !strings.Contains(errs, "exists already") {
		t.Errorf("backup over an existing file = %d %q, want a refusal", code, errs)
	}
	if code, _, errs := runCmd("backup", "--data-dir", dir); code != 1 || !strings.Contains(errs, "usage") {
		t.Errorf("backup without --to = %d %q", code, errs)
	}
}

// sessionOf logs email in on url and returns the id her session is
// stored under.
func sessionOf(t *testing.T, url, email string) rooms.SessionID {
	t.Helper()
	res, err := http.Post(url+"/api/v1/auth/login", "application/json",
		strings.NewReader(`{"email":"`+email+`","password":"`+rooms.DemoPassword+`"}`))
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	for _, c := range res.Cookies() {
		if c.Name == "zadankai_session" && res.StatusCode == http.StatusOK {
			return rooms.SessionIDFor(c.Value)
		}
	}
	t.Fatalf("login of %s = %s", email, res.Status)
	return ""
}

// TestBackupWhileServingThenMigrate is the way a pilot moves: a backup of
// the running server's database holds even its latest write (a login),
// and once the server stops, its data directory moves to MongoDB, where
// a server started on it lets the same person in.
func TestBackupWhileServingThenMigrate(t *testing.T) {
	dir := t.TempDir()
	p := start(t, "--dev", "--demo", "--data-dir", dir)
	waitReady(t, p.url)
	session := sessionOf(t, p.url, "hanako@sakura.example")
	to := filepath.Join(t.TempDir(), "live.db")
	if code, out, errs := runCmd("backup", "--data-dir", dir, "--to", to); code != 0 {
		t.Fatalf("backup while serving = %d %q %q", code, out, errs)
	}
	ctx := context.Background()
	copied, err := sqlitestore.OpenFile(ctx, to)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := copied.GetSession(ctx, session); err != nil {
		t.Errorf("the login made just before the backup is not in it: %v", err)
	}
	copied.Close(ctx)
	if err := p.stop(t); err != nil {
		t.Fatal(err)
	}
	srv, err := ferrettest.Start()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Stop)
	if code, out, errs := runCmd("migrate", "--from", dir, "--to", srv.URI, "--database", "pilot"); code != 0 {
		t.Fatalf("migrate = %d\n%s%s", code, out, errs)
	}
	// One connection: FerretDB loses concurrent updates otherwise (storage.md).
	uri := strings.TrimSuffix(srv.URI, "/") + "/?maxPoolSize=1"
	p = startEnv(t, []string{"ZADANKAI_STORAGE_MONGO_DATABASE=pilot"}, "--dev", "--mongo-uri", uri)
	waitReady(t, p.url)
	if code := login(t, p.url, "hanako@sakura.example"); code != http.StatusOK {
		t.Errorf("login on the moved deployment = %d, want 200", code)
	}
	if err := p.stop(t); err != nil {
		t.Fatal(err)
	}
}
