package apiload

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/zadankai/zadankai/rooms"
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
	readers, end, err := sessions(ctx, s, ms, c.Readers)
	if err != nil {
		return nil, err
	}
	defer end()
	if c.Mix != "" {
		if err := withMix(ctx, s, c, readers); err != nil {
			return nil, err
		}
	}
	rep := &Report{URL: c.URL, Path: c.Path, Mix: c.Mix, Readers: c.Readers, Rate: c.Rate, Storm: c.Storm}
	fmt.Fprintf(log, "%d readers of %s for %v\n", c.Readers, cmp.Or(c.Mix, c.Path), c.Duration)
	rep.Readers0 = readPhase(ctx, c, readers, nil)
	if c.Storm > 0 && ctx.Err() == nil {
		fmt.Fprintf(log, "the same beside %d clients logging in\n", c.Storm)
		var logins loginStats
		p := readPhase(ctx, c, readers, func(ctx context.Context, deadline time.Time) { storm(ctx, deadline, c, &logins) })
		rep.ReadersStorm = &p
		rep.Logins = logins.summary()
	}
	return rep, ctx.Err()
}

// withMix gives each reader her mix state (seeded apart).
func withMix(ctx context.Context, s rooms.Store, c Config, readers []*reader) error {
	m, err := parseMix(c.Mix)
	if err != nil {
		return err
	}
	ms := make([]*rooms.Member, len(readers))
	for i, r := range readers {
		ms[i] = r.member
	}
	t, err := loadTargets(ctx, s, ms)
	if err != nil {
		return err
	}
	for i, r := range readers {
		r.mix = &mixReader{rng: rand.New(rand.NewPCG(uint64(i), 0x6d6978)), member: r.member.ID, targets: t, mix: m}
	}
	return nil
}

// reader is one looping client: a session and, in a mix, its state.
type reader struct {
	member       *rooms.Member
	cookie, csrf string
	mix          *mixReader // nil: GET Config.Path
}

// readPhase runs the readers for c.Duration, beside beside (if not nil).
// Nobody starts a request after the deadline, and requests under way
// then are waited for and counted: cutting them would drop the slowest.
func readPhase(ctx context.Context, c Config, readers []*reader, beside func(ctx context.Context, deadline time.Time)) Phase {
	deadline := time.Now().Add(c.Duration)
	// One connection per reader and server at most: the server caps
	// connections per address (200), and a spare dial raced against a
	// connection coming back would be refused.
	client := &http.Client{Timeout: c.Timeout, Transport: &http.Transport{MaxIdleConnsPerHost: len(readers), MaxIdleConns: len(readers) * len(c.urls()),
		MaxConnsPerHost: len(readers)}}
	defer client.CloseIdleConnections()
	var wg sync.WaitGroup
	if beside != nil {
		wg.Go(func() { beside(ctx, deadline) })
	}
	results := make([]readerResult, len(readers))
	start := time.Now()
	var every time.Duration // between one reader's requests
	if c.Rate > 0 {
		every = time.Duration(float64(len(readers)) / c.Rate * float64(time.Second))
	}
	bases := &roundRobin{urls: c.urls()}
	for i, rd := range readers {
		// Paced readers start spread over one interval, not all at once.
		first := start.Add(every * time.Duration(i) / time.Duration(len(readers)))
		wg.Go(func() { results[i] = read(ctx, deadline, client, bases, c.Path, rd, first, every) })
	}
	wg.Wait()
	return summarise(results, time.Since(start))
}

// roundRobin spreads requests over several servers' base URLs in turn,
// as a simple load balancer would.
type roundRobin struct {
	urls []string
	n    atomic.Uint64
}

func (rr *roundRobin) next() string { return rr.urls[(rr.n.Add(1)-1)%uint64(len(rr.urls))] }

// readerResult is what one reader saw.
type readerResult struct {
	latencies map[string][]time.Duration // of 2xx responses, by operation
	bytes     int64
	failures  map[string]int // by status, or the error
}

// read asks again and again until the deadline (path, or the reader's
// mix): every interval from due if every > 0, each request timed from
// when it was due (a late answer delays the next ones, and they count
// that delay), else as soon as answered.
func read(ctx context.Context, deadline time.Time, client *http.Client, bases *roundRobin, path string, rd *reader, due time.Time, every time.Duration) readerResult {
	r := readerResult{latencies: map[string][]time.Duration{}, failures: map[string]int{}}
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
		q := request{"GET", path, "get"}
		if rd.mix != nil {
			q = rd.mix.next()
		}
		req, _ := http.NewRequestWithContext(ctx, q.method, bases.next()+q.path, nil)
		req.Header.Set("Cookie", rd.cookie)
		if q.method != "GET" {
			req.Header.Set("X-CSRF-Token", rd.csrf)
		}
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
		case res.StatusCode/100 != 2:
			r.failures[q.op+" "+res.Status]++
		default:
			r.latencies[q.op] = append(r.latencies[q.op], time.Since(t0))
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
	loopback := isLoopback(c.urls()[0])
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
	req, _ := http.NewRequestWithContext(ctx, "POST", c.urls()[0]+"/api/v1/auth/login",
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
