package apiload

import (
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"time"
)

// Report is what a run measured.
type Report struct {
	URL     string  `json:"url"`
	Path    string  `json:"path"`
	Mix     string  `json:"mix,omitempty"`
	Readers int     `json:"readers"`
	Rate    float64 `json:"rate,omitempty"` // requests a second, paced; 0: as fast as answered
	Storm   int     `json:"storm,omitempty"`
	// Readers0 is the readers alone; ReadersStorm beside the storm.
	Readers0     Phase   `json:"alone"`
	ReadersStorm *Phase  `json:"beside_storm,omitempty"`
	Logins       *Logins `json:"logins,omitempty"`
}

// Phase is what the readers of one phase saw: latencies of successful
// (200) responses, in milliseconds.
type Phase struct {
	Seconds   float64        `json:"seconds"`
	Requests  int            `json:"requests"`
	PerSecond float64        `json:"requests_per_second"`
	P50       float64        `json:"p50_ms"`
	P90       float64        `json:"p90_ms"`
	P99       float64        `json:"p99_ms"`
	Max       float64        `json:"max_ms"`
	MeanKiB   float64        `json:"mean_kib"`
	Failures  map[string]int `json:"failures,omitempty"`
	// ByOp is, in a mix, each operation's share (requests, p50, p99).
	ByOp map[string]OpStats `json:"by_op,omitempty"`
}

// OpStats is one operation of a mix.
type OpStats struct {
	Requests int     `json:"requests"`
	P50      float64 `json:"p50_ms"`
	P99      float64 `json:"p99_ms"`
}

// Logins is what the storm's logins got.
type Logins struct {
	Attempts  int            `json:"attempts"`
	PerSecond float64        `json:"per_second"`
	P50       float64        `json:"p50_ms"`
	P99       float64        `json:"p99_ms"`
	Status    map[string]int `json:"status"`
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// pct is the q-quantile of sorted d (nearest rank below).
func pct(d []time.Duration, q float64) float64 {
	if len(d) == 0 {
		return 0
	}
	return ms(d[int(q*float64(len(d)-1))])
}

func summarise(rs []readerResult, took time.Duration) Phase {
	p := Phase{Seconds: took.Seconds(), Failures: map[string]int{}}
	var lat []time.Duration
	byOp := map[string][]time.Duration{}
	var bytes int64
	for _, r := range rs {
		for op, l := range r.latencies {
			lat, byOp[op] = append(lat, l...), append(byOp[op], l...)
		}
		bytes += r.bytes
		for k, n := range r.failures {
			p.Failures[k] += n
		}
	}
	slices.Sort(lat)
	p.Requests, p.PerSecond = len(lat), float64(len(lat))/took.Seconds()
	p.P50, p.P90, p.P99 = pct(lat, 0.5), pct(lat, 0.9), pct(lat, 0.99)
	if len(lat) > 0 {
		p.Max, p.MeanKiB = ms(lat[len(lat)-1]), float64(bytes)/float64(len(lat))/1024
	}
	if _, plain := byOp["get"]; !plain && len(byOp) > 0 {
		p.ByOp = map[string]OpStats{}
		for op, l := range byOp {
			slices.Sort(l)
			p.ByOp[op] = OpStats{Requests: len(l), P50: pct(l, 0.5), P99: pct(l, 0.99)}
		}
	}
	return p
}

func (l *loginStats) summary() *Logins {
	slices.Sort(l.latencies)
	return &Logins{Attempts: len(l.latencies), PerSecond: float64(len(l.latencies)) / l.end.Sub(l.start).Seconds(),
		P50: pct(l.latencies, 0.5), P99: pct(l.latencies, 0.99), Status: l.status}
}

// WriteJSON writes the report as one JSON document.
func (r *Report) WriteJSON(w io.Writer) error {
	e := json.NewEncoder(w)
	e.SetIndent("", "  ")
	return e.Encode(r)
}

// WriteTable writes the report for people.
func (r *Report) WriteTable(w io.Writer) {
	pace := "each asking again when answered"
	if r.Rate > 0 {
		pace = fmt.Sprintf("together %g requests/s, timed from when due", r.Rate)
	}
	what := "GET " + r.Path
	if r.Mix != "" {
		what = "mix " + r.Mix
	}
	fmt.Fprintf(w, "%s on %s, %d concurrent readers, %s\n", what, r.URL, r.Readers, pace)
	fmt.Fprintf(w, "%-22s %9s %9s %9s %9s %9s %9s %9s  %s\n", "phase", "requests", "req/s", "p50 ms", "p90 ms", "p99 ms", "max ms", "KiB", "failures")
	row := func(name string, p Phase) {
		fmt.Fprintf(w, "%-22s %9d %9.1f %9.2f %9.2f %9.2f %9.2f %9.1f  %s\n", name, p.Requests, p.PerSecond, p.P50, p.P90, p.P99, p.Max, p.MeanKiB, counts(p.Failures))
	}
	row("readers", r.Readers0)
	for _, op := range slices.Sorted(maps.Keys(r.Readers0.ByOp)) {
		o := r.Readers0.ByOp[op]
		fmt.Fprintf(w, "  %-20s %9d %9s %9.2f %9s %9.2f\n", op, o.Requests, "", o.P50, "", o.P99)
	}
	if r.ReadersStorm != nil {
		row(fmt.Sprintf("beside %d logging in", r.Storm), *r.ReadersStorm)
	}
	if l := r.Logins; l != nil {
		fmt.Fprintf(w, "logins: %d (%.1f/s), p50 %.1f ms, p99 %.1f ms; %s\n", l.Attempts, l.PerSecond, l.P50, l.P99, counts(l.Status))
	}
}

func counts(m map[string]int) string {
	var parts []string
	for _, k := range slices.Sorted(maps.Keys(m)) {
		parts = append(parts, fmt.Sprintf("%s × %d", k, m[k]))
	}
	return strings.Join(parts, ", ")
}
