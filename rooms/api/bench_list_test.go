package api_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/zadankai/zadankai/rooms"
)

// sessionFor stores a live session of m (CSRF token "x") and returns its
// cookie.
func sessionFor(tb testing.TB, s rooms.Store, m *rooms.Member) string {
	tb.Helper()
	secret := rooms.NewSecret()
	ses := &rooms.Session{ID: rooms.SessionIDFor(secret), MemberID: m.ID, CSRFToken: "x", ExpiresAt: time.Now().Add(time.Hour)}
	if err := s.CreateSession(context.Background(), ses); err != nil {
		tb.Fatal(err)
	}
	return "zadankai_session=" + secret
}

// listBench is a SQLite store holding 500 upcoming roundtables
// (rooms.SeedLoad: 10 companies of 30, about 7,500 registrations) and
// sessions of n members, behind the real API.
func listBench(b *testing.B, n int) (url string, cookies []string) {
	e := newEnv(b)
	seed, err := rooms.SeedLoad(context.Background(), e.store, rooms.LoadSize{Roundtables: 500, Companies: 10, MembersPerCompany: 30, Seed: 1}, time.Now())
	if err != nil {
		b.Fatal(err)
	}
	for i := range n {
		cookies = append(cookies, sessionFor(b, e.store, seed.Members[i%len(seed.Members)]))
	}
	return e.srv.URL + "/api/v1/roundtables", cookies
}

// getList reads the list and returns its size in bytes.
func getList(client *http.Client, url, cookie string) (int64, error) {
	req, _ := http.NewRequest("GET", url, nil)
	req.Header.Set("Cookie", cookie)
	res, err := client.Do(req)
	if err != nil {
		return 0, err
	}
	defer res.Body.Close()
	n, err := io.Copy(io.Discard, res.Body)
	if err == nil && res.StatusCode != http.StatusOK {
		err = fmt.Errorf("status %d", res.StatusCode)
	}
	return n, err
}

// BenchmarkListRoundtables reads GET /api/v1/roundtables one request at
// a time (client and server in this process).
// Run: go test -run '^$' -bench 'ListRoundtables$' -benchtime 2000x ./rooms/api
func BenchmarkListRoundtables(b *testing.B) {
	url, cookies := listBench(b, 1)
	client := &http.Client{Timeout: 30 * time.Second}
	size, err := getList(client, url, cookies[0])
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		if _, err := getList(client, url, cookies[0]); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(size)/1024, "KiB/response")
}

// BenchmarkListRoundtables200 reads it with 200 concurrent readers, each
// a different member, and reports latency percentiles (ns/op is the
// inverse of the throughput).
// Run: go test -run '^$' -bench 'ListRoundtables200' -benchtime 10000x ./rooms/api
func BenchmarkListRoundtables200(b *testing.B) {
	const readers = 200
	url, cookies := listBench(b, readers)
	client := &http.Client{Timeout: time.Minute, Transport: &http.Transport{MaxIdleConnsPerHost: readers}}
	var mu sync.Mutex
	var lat []time.Duration
	next := make(chan struct{}, b.N)
	for range b.N {
		next <- struct{}{}
	}
	close(next)
	b.ResetTimer()
	var wg sync.WaitGroup
	for _, cookie := range cookies {
		wg.Go(func() {
			for range next {
				t0 := time.Now()
				if _, err := getList(client, url, cookie); err != nil {
					b.Error(err)
					return
				}
				mu.Lock()
				lat = append(lat, time.Since(t0))
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	b.StopTimer()
	slices.Sort(lat)
	for _, p := range []struct {
		q    float64
		name string
	}{{0.5, "p50-ms"}, {0.9, "p90-ms"}, {0.99, "p99-ms"}} {
		b.ReportMetric(float64(lat[int(p.q*float64(len(lat)-1))].Microseconds())/1000, p.name)
	}
}
