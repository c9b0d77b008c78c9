package apiload

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Run seeds (see Config), then measures: readers alone, and with a storm
// a second phase of readers beside the storm. It stops by itself after
// the phases (or when ctx ends) and ends the sessions it started.
func Run(ctx context.Context, c Config, log io.Writer) (*Report, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	s, err := openStore(ctx, c)
	if err != nil {
		return nil, err
	}
	defer s.Close(context.WithoutCancel(ctx))
	ms, err := members(ctx, s, c, log)
	if err != nil {
		return nil, err
	}
	cookies, end, err := sessions(ctx, s, ms, c.Readers)
	if err != nil {
		return nil, err
	}
	defer end()
	rep := &Report{URL: c.URL, Path: c.Path, Readers: c.Readers, Storm: c.Storm}
	fmt.Fprintf(log, "%d readers of %s for %v\n", c.Readers, c.Path, c.Duration)
	rep.Readers0 = readPhase(ctx, c, cookies, nil)
	if c.Storm > 0 && ctx.Err() == nil {
		fmt.Fprintf(log, "the same beside %d clients logging in\n", c.Storm)
		var logins loginStats
		p := readPhase(ctx, c, cookies, func(ctx context.Context, deadline time.Time) { storm(ctx, deadline, c, &logins) })
		rep.ReadersStorm = &p
		rep.Logins = logins.summary()
	}
	return rep, ctx.Err()
}

// readPhase runs the readers for c.Duration, beside beside (if not nil).
// Nobody starts a request after the deadline, and requests under way
// then are waited for and counted: cutting them would drop the slowest.
func readPhase(ctx context.Context, c Config, cookies []string, beside func(ctx context.Context, deadline time.Time)) Phase {
	deadline := time.Now().Add(c.Duration)
	client := &http.Client{Timeout: c.Timeout, Transport: &http.Transport{MaxIdleConnsPerHost: len(cookies), MaxIdleConns: len(cookies)}}
	defer client.CloseIdleConnections()
	var wg sync.WaitGroup
	if beside != nil {
		wg.Go(func() { beside(ctx, deadline) })
	}
	results := make([]readerResult, len(cookies))
	start := time.Now()
	for i, cookie := range cookies {
		wg.Go(func() { results[i] = read(ctx, deadline, client, c.URL+c.Path, cookie) })
	}
	wg.Wait()
	return summarise(results, time.Since(start))
}

// readerResult is what one reader saw.
type readerResult struct {
	latencies []time.Duration // of 200 responses
	bytes     int64
	failures  map[string]int // by status, or the error
}

func read(ctx context.Context, deadline time.Time, client *http.Client, url, cookie string) readerResult {
	r := readerResult{failures: map[string]int{}}
	// Each reader reads at least once, even if a starved machine starts
	// its goroutine after the deadline.
	for first := true; ctx.Err() == nil && (first || time.Now().Before(deadline)); first = false {
		req, _ := http.NewRequestWithContext(ctx, "GET", url, nil)
		req.Header.Set("Cookie", cookie)
		t0 := time.Now()
		res, err := client.Do(req)
		if err != nil {
			r.failures[shortErr(err)]++
			continue
		}
		n, err := io.Copy(io.Discard, res.Body)
		res.Body.Close()
		switch {
		case err != nil:
			r.failures[shortErr(err)]++
		case res.StatusCode != http.StatusOK:
			r.failures[res.Status]++
		default:
			r.latencies = append(r.latencies, time.Since(t0))
			r.bytes += n
		}
	}
	return r
}

func shortErr(err error) string {
	s := err.Error()
	if i := strings.LastIndex(s, ": "); i >= 0 {
		s = s[i+2:]
	}
	return s
}

// loginStats counts the storm's logins.
type loginStats struct {
	mu        sync.Mutex
	latencies []time.Duration
	status    map[string]int
	start     time.Time
	end       time.Time
}

func (l *loginStats) add(d time.Duration, status string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.latencies = append(l.latencies, d)
	l.status[status]++
}

// sourceSeq numbers the loopback addresses logins come from.
var sourceSeq atomic.Uint32

// storm has c.Storm clients log in as unknown accounts until deadline,
// each login on a new connection. Against a server on loopback, every
// login comes from another address of 127.0.0.0/8, so per-address limits
// do not stop the storm before the password check: the bcrypt work is
// what is measured.
func storm(ctx context.Context, deadline time.Time, c Config, stats *loginStats) {
	stats.status, stats.start = map[string]int{}, time.Now()
	loopback := isLoopback(c.URL)
	var wg sync.WaitGroup
	for i := range c.Storm {
		wg.Go(func() {
			for n := 0; ctx.Err() == nil && time.Now().Before(deadline); n++ {
				stats.add(login(ctx, c, loopback, fmt.Sprintf("storm-%d-%d-%d@load.example", time.Now().UnixNano(), i, n)))
			}
		})
	}
	wg.Wait()
	stats.end = time.Now()
}

func login(ctx context.Context, c Config, loopback bool, email string) (time.Duration, string) {
	dialer := &net.Dialer{Timeout: c.Timeout}
	if loopback {
		n := sourceSeq.Add(1)
		ip := netip.AddrFrom4([4]byte{127, byte(1 + n>>16%254), byte(n >> 8), byte(n)})
		dialer.LocalAddr = &net.TCPAddr{IP: ip.AsSlice()}
	}
	client := &http.Client{Timeout: c.Timeout, Transport: &http.Transport{DialContext: dialer.DialContext, DisableKeepAlives: true}}
	req, _ := http.NewRequestWithContext(ctx, "POST", c.URL+"/api/v1/auth/login",
		strings.NewReader(`{"email":"`+email+`","password":"not the password"}`))
	req.Header.Set("Content-Type", "application/json")
	t0 := time.Now()
	res, err := client.Do(req)
	if err != nil {
		return time.Since(t0), shortErr(err)
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return time.Since(t0), res.Status
}

func isLoopback(u string) bool {
	req, err := http.NewRequest("GET", u, nil)
	if err != nil {
		return false
	}
	ip, err := netip.ParseAddr(req.URL.Hostname())
	return err == nil && ip.Is4() && ip.IsLoopback()
}
