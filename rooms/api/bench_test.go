package api_test

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/zadankai/zadankai/rooms"
	"github.com/zadankai/zadankai/rooms/storetest"
)

// BenchmarkMeAtFixedRate sends GET /api/v1/me (a session read and a member
// read, both by index) at a fixed 500 requests/s, open loop, against a
// SQLite store holding 10,000 members, and reports latency percentiles.
// Run it for 30 s with: go test -run '^$' -bench MeAtFixedRate -benchtime 15000x ./rooms/api
func BenchmarkMeAtFixedRate(b *testing.B) {
	const rate, members, sessions = 500, 10_000, 1_000
	e := newEnv(b)
	ctx := context.Background()
	var cookies []string
	var company rooms.CompanyID
	for i := range members {
		if i%250 == 0 { // 40 companies of 250
			co := storetest.NewCompany(fmt.Sprintf("Company %d", i/250))
			if err := e.store.CreateCompany(ctx, co); err != nil {
				b.Fatal(err)
			}
			company = co.ID
		}
		m := storetest.NewMember(company, fmt.Sprintf("m%d@example.com", i))
		if err := e.store.CreateMember(ctx, m); err != nil {
			b.Fatal(err)
		}
		if i < sessions {
			secret := rooms.NewSecret()
			s := &rooms.Session{ID: rooms.SessionIDFor(secret), MemberID: m.ID, CSRFToken: "x", ExpiresAt: time.Now().Add(time.Hour)}
			if err := e.store.CreateSession(ctx, s); err != nil {
				b.Fatal(err)
			}
			cookies = append(cookies, "zadankai_session="+secret)
		}
	}
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 256}, Timeout: 10 * time.Second}
	lat := make([]time.Duration, 0, b.N)
	var mu sync.Mutex
	var wg sync.WaitGroup
	var failures int
	interval := time.Second / rate
	b.ResetTimer()
	start := time.Now()
	for i := range b.N {
		time.Sleep(time.Until(start.Add(time.Duration(i) * interval)))
		cookie := cookies[rand.IntN(len(cookies))]
		wg.Go(func() {
			req, _ := http.NewRequest("GET", e.srv.URL+"/api/v1/me", nil)
			req.Header.Set("Cookie", cookie)
			t0 := time.Now()
			res, err := client.Do(req)
			ok := err == nil && res.StatusCode == 200
			if err == nil {
				io.Copy(io.Discard, res.Body)
				res.Body.Close()
			}
			d := time.Since(t0)
			mu.Lock()
			defer mu.Unlock()
			if !ok {
				failures++
				return
			}
			lat = append(lat, d)
		})
	}
	wg.Wait()
	b.StopTimer()
	if failures > 0 {
		b.Fatalf("%d of %d requests failed", failures, b.N)
	}
	slices.Sort(lat)
	pct := func(p float64) float64 { return float64(lat[int(p*float64(len(lat)-1))].Microseconds()) / 1000 }
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.99), "p99-ms")
	b.ReportMetric(pct(1), "max-ms")
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "req/s")
}
