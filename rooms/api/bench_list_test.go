package api_test

import (
	"context"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/zadankai/zadankai/rooms"
)

// sessionFor stores a live session of m and returns its cookie.
func sessionFor(tb testing.TB, s rooms.Store, m *rooms.Member) string {
	tb.Helper()
	secret := rooms.NewSecret()
	ses := &rooms.Session{ID: rooms.SessionIDFor(secret), MemberID: m.ID, CSRFToken: "x", ExpiresAt: time.Now().Add(time.Hour)}
	if err := s.CreateSession(context.Background(), ses); err != nil {
		tb.Fatal(err)
	}
	return "zadankai_session=" + secret
}

// BenchmarkListRoundtables reads GET /api/v1/roundtables, one request at
// a time, as a member of a SQLite store holding 500 upcoming roundtables
// (rooms.SeedLoad: 10 companies of 30, about 7,000 registrations).
// Run: go test -run '^$' -bench ListRoundtables -benchtime 200x ./rooms/api
func BenchmarkListRoundtables(b *testing.B) {
	e := newEnv(b)
	seed, err := rooms.SeedLoad(context.Background(), e.store, rooms.LoadSize{Roundtables: 500, Companies: 10, MembersPerCompany: 30, Seed: 1}, time.Now())
	if err != nil {
		b.Fatal(err)
	}
	cookie := sessionFor(b, e.store, seed.Members[1])
	client := &http.Client{Timeout: 30 * time.Second}
	get := func() int {
		req, _ := http.NewRequest("GET", e.srv.URL+"/api/v1/roundtables", nil)
		req.Header.Set("Cookie", cookie)
		res, err := client.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		defer res.Body.Close()
		n, _ := io.Copy(io.Discard, res.Body)
		if res.StatusCode != http.StatusOK {
			b.Fatalf("status %d", res.StatusCode)
		}
		return int(n)
	}
	size := get()
	b.ResetTimer()
	for b.Loop() {
		get()
	}
	b.ReportMetric(float64(size)/1024, "KiB/response")
}
