package migrate_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"
	"golang.org/x/crypto/bcrypt"

	"github.com/zadankai/zadankai/rooms"
	"github.com/zadankai/zadankai/rooms/api"
	"github.com/zadankai/zadankai/rooms/mail"
	"github.com/zadankai/zadankai/rooms/migrate"
	"github.com/zadankai/zadankai/rooms/storetest"
)

// serveAPI serves the control-plane API on s with the clock stopped at
// now, so that two servers answer alike.
func serveAPI(t *testing.T, s rooms.Store, now time.Time) string {
	t.Helper()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	a, err := api.New(api.Params{Store: s, Logger: log, Registry: prometheus.NewRegistry(), Mailer: mail.NewOutbox(log, 10),
		Version: "test", PublicURL: "http://zadankai.test", PasswordCost: bcrypt.MinCost, Now: func() time.Time { return now },
		Media: api.MediaConfig{URL: "ws://media.test", APIKey: "testkey", APISecret: "testsecret-testsecret-testsecret"},
		Login: api.LoginLimits{PasswordWait: time.Minute}})
	if err != nil {
		t.Fatal(err)
	}
	gin.SetMode(gin.ReleaseMode)
	engine := gin.New()
	a.Register(engine)
	srv := httptest.NewServer(engine)
	t.Cleanup(srv.Close)
	return srv.URL
}

// login logs email in on base and returns her session cookie.
func login(t *testing.T, base, email string) *http.Cookie {
	t.Helper()
	body := `{"email":"` + email + `","password":"` + rooms.DemoPassword + `"}`
	resp, err := http.Post(base+"/api/v1/auth/login", "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	for _, c := range resp.Cookies() {
		if c.Name == "zadankai_session" && resp.StatusCode == http.StatusOK {
			return c
		}
	}
	t.Fatalf("login of %s: %s, no session", email, resp.Status)
	return nil
}

func get(t *testing.T, base, path string, session *http.Cookie) (int, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, base+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.AddCookie(session)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, b
}

// demoReaders are the demo accounts whose reads are compared: a member,
// a moderator with a seat, the company admin, the operator and the guest.
var demoReaders = []string{"yoko@minato.example", "hanako@sakura.example", "hr@sakura.example",
	"operator@zadankai.example", "speaker@guest.example"}

// TestDemoMovesWithEveryReadEqual: the demo deployment on SQLite, moved
// to MongoDB, answers every read of the API alike for each kind of
// account, through the login made before the move; a second move writes
// nothing.
func TestDemoMovesWithEveryReadEqual(t *testing.T) {
	ctx := testCtx(t)
	src, dst := openSQLite(t), openMongo(t)
	cheap := func(pw string) (string, error) { // the logins' check is the test's slowest part otherwise
		h, err := bcrypt.GenerateFromPassword([]byte(pw), bcrypt.MinCost)
		return string(h), err
	}
	if _, err := rooms.SeedDemo(ctx, src, cheap); err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	before, after := serveAPI(t, src, now), serveAPI(t, dst, now)
	sessions := map[string]*http.Cookie{}
	for _, email := range demoReaders {
		sessions[email] = login(t, before, email)
	}
	began := time.Now()
	rep, err := migrate.Copy(ctx, src, dst, migrate.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("copied and verified in %s", time.Since(began).Round(time.Millisecond))
	checkWhole(t, rep)
	compared := 0
	for _, email := range demoReaders {
		for _, path := range readPaths(t, src, email) {
			st1, b1 := get(t, before, path, sessions[email])
			st2, b2 := get(t, after, path, sessions[email])
			if st1 != st2 || !bytes.Equal(comparable(b1), comparable(b2)) {
				t.Errorf("%s GET %s:\nSQLite  %d %s\nMongoDB %d %s", email, path, st1, b1, st2, b2)
			}
			if st1 == http.StatusOK {
				compared++
			}
		}
	}
	t.Logf("%d reads answered 200 on both, equal", compared)
	if compared < 40 {
		t.Errorf("only %d reads answered 200: the comparison proves little", compared)
	}
	again, err := migrate.Copy(ctx, src, dst, migrate.Options{})
	if err != nil {
		t.Fatalf("second copy: %v", err)
	}
	for _, c := range again.Counts {
		if c.Written != 0 {
			t.Errorf("second copy wrote %d %s", c.Written, c.Kind)
		}
	}
}

// requestID differs between any two answers, by design.
var requestID = regexp.MustCompile(`"request_id":"[^"]*"`)

// comparable is an answer without what differs by design: its request
// id, and times' nanoseconds that only SQLite keeps.
func comparable(b []byte) []byte {
	return migrate.Canonical(requestID.ReplaceAll(b, nil))
}

// checkWhole checks every kind the demo fills came over whole.
func checkWhole(t *testing.T, rep *migrate.Report) {
	t.Helper()
	var buf bytes.Buffer
	_ = rep.Write(&buf)
	t.Logf("demo moved:\n%s", buf.String())
	for _, c := range rep.Counts {
		if c.Written != c.Source || c.Target != c.Source || c.Equal != c.Source {
			t.Errorf("%s: %+v, want every record written and equal", c.Kind, c)
		}
	}
	for _, k := range []rooms.Kind{rooms.KindMembers, rooms.KindConsultations, rooms.KindRoundtables, rooms.KindProfiles, rooms.KindSessions} {
		if c := rep.Counts[indexOf(rep, k)]; c.Source == 0 {
			t.Errorf("the demo has no %s: the round trip proves nothing for them", k)
		}
	}
}

func indexOf(rep *migrate.Report, k rooms.Kind) int {
	for i, c := range rep.Counts {
		if c.Kind == k {
			return i
		}
	}
	return 0
}

// readPaths are the API reads of email's screens: her own pages, each of
// her consultations, every roundtable and, by role, the admin views.
func readPaths(t *testing.T, s rooms.Store, email string) []string {
	t.Helper()
	ctx := context.Background()
	m, err := s.GetMemberByEmail(ctx, email)
	if err != nil {
		t.Fatal(err)
	}
	paths := []string{"/api/v1/me", "/api/v1/me/profile", "/api/v1/me/availability", "/api/v1/me/export",
		"/api/v1/recommendations", "/api/v1/consultations", "/api/v1/roundtables", "/api/v1/blocks", "/api/v1/roundtable-people"}
	mine, err := s.ListMemberConsultations(ctx, m.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range mine {
		paths = append(paths, "/api/v1/consultations/"+string(c.ID), "/api/v1/members/"+string(c.RecipientID)+"/photo")
	}
	rts, err := s.ListRoundtables(ctx, time.Now().AddDate(-1, 0, 0), time.Now().AddDate(1, 0, 0))
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rts {
		paths = append(paths, "/api/v1/roundtables/"+string(r.ID), "/api/v1/roundtables/"+string(r.ID)+"/registrations")
	}
	switch m.Role {
	case rooms.RoleCompanyAdmin:
		co := "/api/v1/companies/" + string(m.CompanyID)
		paths = append(paths, co, co+"/stats", "/api/v1/invitations")
	case rooms.RoleOperator:
		paths = append(paths, "/api/v1/companies", "/api/v1/stats", "/api/v1/overview", "/api/v1/feedback",
			"/api/v1/feedback/roundtables", "/api/v1/audit", "/api/v1/invitations")
	}
	return paths
}

// TestEveryKindMovesAcrossStores: a record of every kind (questions with
// their votes, polls with their ballots, done jobs…) moved from SQLite to
// MongoDB and back comes over whole: the copy's own check finds every
// one equal, both ways.
func TestEveryKindMovesAcrossStores(t *testing.T) {
	ctx := testCtx(t)
	src, mid, back := openSQLite(t), openMongo(t), openSQLite(t)
	storetest.FillEveryKind(t, src)
	for _, hop := range []struct{ from, to rooms.Bulk }{{src, mid}, {mid, back}} {
		rep, err := migrate.Copy(ctx, hop.from, hop.to, migrate.Options{})
		if err != nil {
			t.Fatalf("%T to %T: %v", hop.from, hop.to, err)
		}
		for _, c := range rep.Counts {
			if c.Source == 0 || c.Written != c.Source || c.Equal != c.Source {
				t.Errorf("%T to %T, %s: %+v, want every record written and equal", hop.from, hop.to, c.Kind, c)
			}
		}
	}
}
