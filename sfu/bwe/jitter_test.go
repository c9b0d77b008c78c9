package bwe

import (
	"bufio"
	"compress/gzip"
	"fmt"
	"os"
	"testing"
	"time"
)

// A receiver on a busy machine reads packets late: its network thread
// runs only now and then. jitter says when a packet that arrived at at
// is read (calls come in arrival order) and whether the receiver is
// off the CPU at now (it sends no feedback then).
type jitter interface {
	stamp(l *link, at int64) int64
	stalled(now int64) bool
}

// stalls: now and then the receiver does not run for up to longest, then
// reads everything that queued meanwhile at once.
type stalls struct {
	every, longest int64 // mean gap between stalls, longest stall (ns)
	start, end     int64 // the current or next stall
}

func (s *stalls) stamp(l *link, at int64) int64 {
	for at >= s.end {
		s.start = s.end + l.rnd.Int64N(2*s.every)
		s.end = s.start + int64(5*time.Millisecond) + l.rnd.Int64N(s.longest)
	}
	if at >= s.start {
		return s.end
	}
	return at
}

func (s *stalls) stalled(now int64) bool { return now >= s.start && now < s.end }

// wakeups: the receiver wakes at random moments (gaps exponential with
// mean gap, at most 5×), reading what arrived since: every packet is
// late by something, few by nothing.
type wakeups struct {
	gap  int64
	wake int64
}

func (w *wakeups) stamp(l *link, at int64) int64 {
	for w.wake < at {
		w.wake += min(int64(l.rnd.ExpFloat64()*float64(w.gap)), 5*w.gap) + int64(time.Millisecond)
	}
	return w.wake
}

func (w *wakeups) stalled(int64) bool { return false }

// TestEstimateIgnoresSchedulingDelay: on a wide lossless link whose
// receiver reads packets late in bunches, as a busy machine does, the
// estimate must stay above what is sent: nothing is queueing, so nothing
// may be paused or capped.
func TestEstimateIgnoresSchedulingDelay(t *testing.T) {
	for _, tc := range []struct {
		name string
		j    func(now int64) jitter
	}{
		{"short stalls often", func(now int64) jitter {
			return &stalls{every: int64(150 * time.Millisecond), longest: int64(40 * time.Millisecond), end: now}
		}},
		{"long stalls now and then", func(now int64) jitter {
			return &stalls{every: int64(600 * time.Millisecond), longest: int64(150 * time.Millisecond), end: now}
		}},
		{"woken every 20 ms on average", func(now int64) jitter { return &wakeups{gap: int64(20 * time.Millisecond), wake: now} }},
		{"woken every 60 ms on average", func(now int64) jitter { return &wakeups{gap: int64(60 * time.Millisecond), wake: now} }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			now := int64(time.Hour)
			e := New(20_000_000, 50_000, 50_000_000, now)
			l := newLink(50_000_000)
			l.jitter = tc.j(now)
			const demand = 2_500_000
			low := runMin(e, l, demand, &now, 60*time.Second)
			if low < demand {
				t.Fatalf("the estimate fell to %d bit/s below the %d sent on a lossless, unqueued link (%+v)", low, demand, e.Stats())
			}
		})
	}
}

// runMin is run that returns the lowest estimate seen after the first
// feedback.
func runMin(e *Estimator, l *link, demand float64, now *int64, d time.Duration) int {
	low := -1
	end := *now + int64(d)
	for *now < end {
		run(e, l, demand, now, 100*time.Millisecond)
		if est, ok := e.Estimate(); ok && (low < 0 || est < low) {
			low = est
		}
	}
	return low
}

// TestEstimateFindsABottleneckDespiteStalls: a busy receiver behind a
// real 800 kbit/s bottleneck: the stalls must not hide the queue.
func TestEstimateFindsABottleneckDespiteStalls(t *testing.T) {
	now := int64(time.Hour)
	e := New(20_000_000, 50_000, 50_000_000, now)
	l := newLink(800_000)
	l.jitter = &stalls{every: int64(300 * time.Millisecond), longest: int64(80 * time.Millisecond), end: now}
	start := now
	for est := e.Stats().Estimate; est > 1_200_000; est = e.Stats().Estimate {
		if now-start > int64(4*time.Second) {
			t.Fatalf("4 s into an 800 kbit/s bottleneck the estimate is still %d bit/s (%+v)", est, e.Stats())
		}
		run(e, l, 3_000_000, &now, 100*time.Millisecond)
	}
	t.Logf("down to 1.2 Mbit/s within %.1f s", float64(now-start)/1e9)
	if mean := run(e, l, 3_000_000, &now, 20*time.Second); mean < 450_000 || mean > 1_000_000 {
		t.Fatalf("estimate behind an 800 kbit/s bottleneck averaged %.0f bit/s (%+v)", mean, e.Stats())
	}
}

// TestBrowserUnderCPULoadIsNotOveruse replays what one Chromium 148 page
// reported (send and arrival times of 12,923 packets, through TWCC) in
// a stage roundtable of four pages while both cores of the machine were
// kept busy, on a lossless local link: its network thread read packets
// hundreds of milliseconds late, sometimes a backlog at once. None of
// that is the link filling up.
func TestBrowserUnderCPULoadIsNotOveruse(t *testing.T) {
	f, err := os.Open("testdata/chromium148-cpu-hog.trace.gz")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	z, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	d := newDetector()
	sc := bufio.NewScanner(z)
	n := 0
	for sc.Scan() {
		var send, arrival int64
		if _, err := fmt.Sscan(sc.Text(), &send, &arrival); err != nil {
			t.Fatalf("line %d: %v", n+1, err)
		}
		d.onArrival(send, arrival)
		n++
		if d.state == overusing {
			t.Fatalf("packet %d read as overuse (trend %.1f over threshold %.1f, %.1f ms built)", n, d.lastSample, d.threshold, d.built())
		}
	}
	if n < 10_000 {
		t.Fatalf("the trace has %d packets", n)
	}
	// The trace is hard: the delay trend alone crossed the threshold.
	if d.ignored == 0 {
		t.Fatal("no overuse signal was ignored for a stalled receiver: the trace no longer tests that rule")
	}
	t.Logf("%d packets, %d overuse signals ignored for a stalled receiver", n, d.ignored)
}

// TestEstimateForgivesReorderedPackets: 5 % of packets arrive after
// their successors (a feedback first reports them missing, the next one
// received): nothing was lost, so nothing may be lowered.
func TestEstimateForgivesReorderedPackets(t *testing.T) {
	now := int64(time.Hour)
	e := New(20_000_000, 50_000, 50_000_000, now)
	l := newLink(50_000_000)
	l.reorder = 0.05
	const demand = 2_500_000
	if low := runMin(e, l, demand, &now, 30*time.Second); low < demand {
		t.Fatalf("the estimate fell to %d bit/s below the %d sent on a link that only reorders (%+v)", low, demand, e.Stats())
	}
	if s := e.Stats(); s.Loss > 0.01 {
		t.Fatalf("reordered packets counted as lost: loss %.3f", s.Loss)
	}
}

// TestResentCopiesTheReceiverDropsAreNotLoss: a retransmission of a
// packet that was only late reaches a receiver that already has it,
// which drops it unseen and reports it lost. One in ten packets being
// such a copy must not lower the estimate; the same share of real loss
// must.
func TestResentCopiesTheReceiverDropsAreNotLoss(t *testing.T) {
	for _, tc := range []struct {
		name    string
		resend  bool
		lowered bool
	}{{"copies", true, false}, {"real losses", false, true}} {
		t.Run(tc.name, func(t *testing.T) {
			now := int64(time.Hour)
			e := New(5_000_000, 50_000, 50_000_000, now)
			l := newLink(50_000_000)
			for ms := range 20_000 {
				for range 3 { // 3 packets a millisecond: 29 Mbit/s
					l.send(e.OnSend(1200, now), 1200, now)
				}
				if ms%3 == 0 { // and one that never arrives
					if tc.resend {
						e.OnSendUncounted(1200, now)
					} else {
						e.OnSend(1200, now)
					}
				}
				l.step(e, now, ms%50 == 0)
				now += int64(time.Millisecond)
			}
			if st := e.Stats(); (st.Decreases[CauseLoss] > 0) != tc.lowered {
				t.Fatalf("lowered for loss %d times (%+v)", st.Decreases[CauseLoss], st)
			}
		})
	}
}
