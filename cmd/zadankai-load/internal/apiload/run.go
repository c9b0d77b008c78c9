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
	rep := &Report{URL: c.URL, Path: c.Path, Readers: c.Readers, Rate: c.Rate, Storm: c.Storm}
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
	// One connection per reader at most: the server caps connections per
	// address (200), and a spare dial raced against a connection coming
	// back would be refused.
	client := &http.Client{Timeout: c.Timeout, Transport: &http.Transport{MaxIdleConnsPerHost: len(cookies), MaxIdleConns: len(cookies),
		MaxConnsPerHost: len(cookies)}}
	defer client.CloseIdleConnections()
	var wg sync.WaitGroup
	if beside != nil {
		wg.Go(func() { beside(ctx, deadline) })
	}
	results := make([]readerResult, len(cookies))
	start := time.Now()
	var every time.Duration // between one reader's requests
	if c.Rate > 0 {
		every = time.Duration(float64(len(cookies)) / c.Rate * float64(time.Second))
	}
	for i, cookie := range cookies {
		// Paced readers start spread over one interval, not all at once.
		first := start.Add(every * time.Duration(i) / time.Duration(len(cookies)))
		wg.Go(func() { results[i] = read(ctx, deadline, client, c.URL+c.Path, cookie, first, every) })
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

// read asks url again and again until the deadline: every interval from
// due if every > 0, each request timed from when it was due (a late
// answer delays the next ones, and they count that delay), else as soon
// as answered.
func read(ctx context.Context, deadline time.Time, client *http.Client, url, cookie string, due time.Time, every time.Duration) readerResult {
	r := readerResult{failures: map[string]int{}}
	// Each reader reads at least once, even if a starved machine starts
	// its goroutine after the deadline.
	for first := true; ctx.Err() == nil && (first || time.Now().Before(deadline) && due.Before(deadline)); first = false {
		t0 := time.Now()
		if every > 0 {
			if !pause(ctx, time.Until(due)) {
				break
			}
			t0, due = due, due.Add(every)
		}
		req, _ := http.NewRequestWithContext(ctx, "GET", url, nil)
		req.Header.Set("Cookie", cookie)
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

// pause waits d (if positive) unless ctx ends first.
func pause(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
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
