package bwe

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/pion/interceptor/pkg/twcc"
	"github.com/pion/rtcp"
)

// link simulates a bottleneck: a FIFO drained at rate bits per second
// that drops what would wait longer than queue, random loss before it,
// and a fixed propagation delay. Feedback is built by pion's TWCC
// recorder (what Go clients send) every 50 ms and reaches the sender one
// propagation delay later. Time is simulated, in nanoseconds.
type link struct {
	rate     float64
	queue    int64
	loss     float64
	prop     int64
	busy     int64 // the link is busy sending until then
	arrivals []arrival
	rec      *twcc.Recorder
	fbs      []pendingFB
	rnd      *rand.Rand
	sent     int
	got      int
	jitter   jitter  // the receiver reads late, if set
	reorder  float64 // share of packets that arrive up to 40 ms after their successors
	// audio sent beside, without TWCC, in bits per second (taken off what
	// the sender may send tracked, as Downlink.allocate does)
	audio float64
}

type arrival struct {
	at  int64
	seq uint16
}

type pendingFB struct {
	at int64
	fb *rtcp.TransportLayerCC
}

func newLink(rate float64) *link {
	return &link{rate: rate, queue: int64(200 * time.Millisecond), prop: int64(20 * time.Millisecond), rec: twcc.NewRecorder(1), rnd: rand.New(rand.NewPCG(1, 2))}
}

func (l *link) send(seq uint16, size int, now int64) {
	l.sent++
	if at, ok := l.carry(size, now); ok {
		l.arrivals = append(l.arrivals, arrival{at: at, seq: seq})
	}
}

// sendAudio sends an untracked packet: it takes its place in the queue,
// nothing is fed back.
func (l *link) sendAudio(size int, now int64) { _, _ = l.carry(size, now) }

// carry queues a packet sent at now and says when it arrives, if it does.
func (l *link) carry(size int, now int64) (int64, bool) {
	if l.rnd.Float64() < l.loss {
		return 0, false
	}
	start := max(now, l.busy)
	if start-now > l.queue {
		return 0, false // drop-tail
	}
	l.busy = start + int64(float64(size*8)/l.rate*1e9)
	at := l.busy + l.prop
	if l.jitter != nil {
		at = l.jitter.stamp(l, at)
	}
	if l.reorder > 0 && l.rnd.Float64() < l.reorder {
		at += int64(5*time.Millisecond) + l.rnd.Int64N(int64(35*time.Millisecond))
	}
	return at, true
}

// step delivers arrivals and feedback due by now.
func (l *link) step(e *Estimator, now int64, feedbackDue bool) {
	kept := l.arrivals[:0]
	for _, a := range l.arrivals {
		if a.at <= now {
			l.rec.Record(2, a.seq, a.at/1000)
			l.got++
		} else {
			kept = append(kept, a)
		}
	}
	l.arrivals = kept
	if feedbackDue && (l.jitter == nil || !l.jitter.stalled(now)) {
		for _, p := range l.rec.BuildFeedbackPacket() {
			// through the wire format, as a real client's would come
			raw, err := p.Marshal()
			if err != nil {
				panic(err)
			}
			var fb rtcp.TransportLayerCC
			if err := fb.Unmarshal(raw); err != nil {
				panic(err)
			}
			l.fbs = append(l.fbs, pendingFB{at: now + l.prop, fb: &fb})
		}
	}
	for len(l.fbs) > 0 && l.fbs[0].at <= now {
		e.OnFeedback(l.fbs[0].fb, now)
		l.fbs = l.fbs[1:]
	}
}

// run sends for d at the estimate (or demand, if lower, or before any
// feedback), from simulated time *now, and returns the mean estimate
// over the second half.
func run(e *Estimator, l *link, demand float64, now *int64, d time.Duration) float64 {
	const size = 1200
	var credit, sum float64
	var samples int
	end := *now + int64(d)
	for t := int64(0); *now < end; t++ {
		rate := demand
		if est, ok := e.Estimate(); ok {
			rate = min(demand, float64(est))
		}
		if l.audio > 0 {
			rate = max(rate-l.audio, 0)
			if t%20 == 0 { // an Opus packet every 20 ms
				n := int(l.audio / 8 * 0.02)
				e.OnSendUntracked(n)
				l.sendAudio(n, *now)
			}
		}
		credit += rate / 8 / 1000 // one millisecond's worth of bytes
		for credit >= size {
			credit -= size
			l.send(e.OnSend(size, *now), size, *now)
		}
		l.step(e, *now, t%50 == 0)
		if *now > end-int64(d)/2 {
			est, _ := e.Estimate()
			sum += float64(est)
			samples++
		}
		*now += int64(time.Millisecond)
	}
	return sum / float64(samples)
}

func TestEstimateSettlesAtTheBottleneck(t *testing.T) {
	now := int64(time.Hour) // any origin
	e := New(2_000_000, 50_000, 20_000_000, now)
	l := newLink(1_000_000)
	mean := run(e, l, 3_000_000, &now, 30*time.Second)
	if mean < 700_000 || mean > 1_200_000 {
		t.Fatalf("estimate over a 1 Mbit/s bottleneck averaged %.0f bit/s, want 0.7–1.2 Mbit/s (%+v)", mean, e.Stats())
	}
	if s := e.Stats(); s.Received < 600_000 || s.Received > 1_100_000 {
		t.Fatalf("received rate %d bit/s over a 1 Mbit/s link", s.Received)
	}
}

// TestEstimateCountsAudioWithoutTWCC: audio goes without TWCC (as with
// LiveKit) and the video gets what the estimate leaves it. The estimate
// must find about the same link as without audio; not counting the audio
// it settles near the video's share and shrinks it. (Audio kept on a
// throttled link: signaling's TestCongestionKeepsAudio. This simulated
// drop-tail queue drops small packets sent after a full one.)
func TestEstimateCountsAudioWithoutTWCC(t *testing.T) {
	over := func(audio float64) (float64, Stats) {
		now := int64(time.Hour)
		e := New(2_000_000, 50_000, 20_000_000, now)
		l := newLink(300_000)
		l.audio = audio
		run(e, l, 3_000_000, &now, 10*time.Second)
		return run(e, l, 3_000_000, &now, 20*time.Second), e.Stats()
	}
	alone, _ := over(0)
	mean, st := over(100_000)
	if mean < 0.8*alone || mean > 1.25*alone {
		t.Fatalf("estimate over a 300 kbit/s link with 100 kbit/s of audio averaged %.0f bit/s, without audio %.0f (%+v)", mean, alone, st)
	}
	if st.Untracked < 90_000 || st.Untracked > 110_000 {
		t.Fatalf("untracked rate %d bit/s, sent 100 kbit/s", st.Untracked)
	}
}

// TestEstimateGrowsOnAudioWhileVideoPaused: with the only video paused
// and no probe, nothing tracked is sent and no TWCC comes; the audio's
// receiver reports, showing no loss, let the estimate grow toward what
// the audio proves (as when audio carried TWCC), so the next probe
// starts from there. Reports showing loss do not.
func TestEstimateGrowsOnAudioWhileVideoPaused(t *testing.T) {
	now := int64(time.Hour)
	e := New(60_000, 50_000, 20_000_000, now)
	l := newLink(10_000_000)
	run(e, l, 20_000, &now, 2*time.Second) // a little video: fed, at most 80 kbit/s
	before, _ := e.Estimate()
	l.audio = 60_000
	for range 4 { // the video paused, the audio losing 5 %
		run(e, l, 0, &now, time.Second)
		e.OnUntrackedReport(0.05, now)
	}
	if est, _ := e.Estimate(); est != before {
		t.Fatalf("audio reports showing loss moved the estimate from %d to %d bit/s", before, est)
	}
	for range 6 {
		run(e, l, 0, &now, time.Second)
		e.OnUntrackedReport(0, now)
	}
	// 1.5 × 60 kbit/s + 50 kbit/s, as TWCC on the audio would allow
	if est, _ := e.Estimate(); est < 125_000 || est > 145_000 {
		t.Fatalf("estimate %d bit/s (from %d) after 6 s of audio alone at 60 kbit/s reported whole, want 125–145 kbit/s (%+v)", est, before, e.Stats())
	}
}

// TestProbeAfterSilenceMeasuredAtOnce: a probe that starts after seconds
// in which nothing tracked was sent is measured from its own packets,
// not over the silence (which read as a few kbit/s and held the
// estimate for half a second).
func TestProbeAfterSilenceMeasuredAtOnce(t *testing.T) {
	now := int64(time.Hour)
	e := New(2_000_000, 50_000, 20_000_000, now)
	l := newLink(10_000_000)
	run(e, l, 300_000, &now, 5*time.Second)
	run(e, l, 0, &now, 3*time.Second) // the video paused
	run(e, l, 300_000, &now, 400*time.Millisecond)
	if st := e.Stats(); st.Received < 250_000 || st.Received > 350_000 {
		t.Fatalf("received rate %d bit/s 400 ms into a 300 kbit/s probe after 3 s of silence (%+v)", st.Received, st)
	}
}

func TestEstimateRecoversWhenTheLinkGrows(t *testing.T) {
	now := int64(time.Hour)
	e := New(2_000_000, 50_000, 20_000_000, now)
	l := newLink(500_000)
	if low := run(e, l, 4_000_000, &now, 20*time.Second); low > 700_000 {
		t.Fatalf("estimate over 500 kbit/s averaged %.0f", low)
	}
	l.rate = 5_000_000
	run(e, l, 4_000_000, &now, 15*time.Second)
	if est, _ := e.Estimate(); est < 3_000_000 {
		t.Fatalf("15 s after the link grew to 5 Mbit/s the estimate is %d bit/s (%+v)", est, e.Stats())
	}
}

func TestEstimateRidesOutLightRandomLoss(t *testing.T) {
	now := int64(time.Hour)
	e := New(2_000_000, 50_000, 20_000_000, now)
	l := newLink(50_000_000)
	l.loss = 0.03 // a Wi-Fi link: loss, but no queue
	if mean := run(e, l, 2_000_000, &now, 20*time.Second); mean < 1_800_000 {
		t.Fatalf("3%% random loss on a wide link brought the estimate to %.0f bit/s", mean)
	}
}

// TestEstimateClimbsDespiteRandomLoss: after a fall, a link that loses
// 4 % of packets at random (but never queues) must not pin the estimate.
func TestEstimateClimbsDespiteRandomLoss(t *testing.T) {
	now := int64(time.Hour)
	e := New(400_000, 50_000, 20_000_000, now)
	l := newLink(50_000_000)
	l.loss = 0.04
	run(e, l, 3_000_000, &now, 20*time.Second)
	if est, _ := e.Estimate(); est < 2_000_000 {
		t.Fatalf("20 s on a wide link with 4 %% random loss the estimate is %d bit/s (%+v)", est, e.Stats())
	}
}

func TestEstimateFallsUnderHeavyLoss(t *testing.T) {
	now := int64(time.Hour)
	e := New(2_000_000, 50_000, 20_000_000, now)
	l := newLink(50_000_000)
	l.loss = 0.3
	if mean := run(e, l, 2_000_000, &now, 10*time.Second); mean > 600_000 {
		t.Fatalf("30%% loss left the estimate at %.0f bit/s", mean)
	}
}

// TestTWCCLossNeedsTheReceiverReports: a client that reads a stream late
// reports its packets lost in TWCC while its receiver reports, counted
// from what arrived, show none: the estimate holds. Once the reports
// show loss too, it falls as with any heavy loss.
func TestTWCCLossNeedsTheReceiverReports(t *testing.T) {
	now := int64(time.Hour)
	e := New(2_000_000, 50_000, 20_000_000, now)
	l := newLink(50_000_000)
	l.loss = 0.3
	e.OnReceiverReport(0, now)
	for range 10 { // a report a second, reporting no loss
		run(e, l, 2_000_000, &now, time.Second)
		e.OnReceiverReport(0, now)
	}
	if st := e.Stats(); st.Estimate < 1_500_000 || st.Decreases[CauseLoss] != 0 || st.Unconfirmed == 0 {
		t.Fatalf("loss the receiver did not see lowered the estimate: %+v", st)
	}
	for range 10 {
		run(e, l, 2_000_000, &now, time.Second)
		e.OnReceiverReport(0.3, now)
	}
	if st := e.Stats(); st.Estimate > 600_000 || st.Decreases[CauseLoss] == 0 {
		t.Fatalf("loss the receiver reported left the estimate at %+v", st)
	}
}

func TestNoEstimateBeforeFeedback(t *testing.T) {
	e := New(2_000_000, 50_000, 20_000_000, 0)
	e.OnSend(1200, 1)
	if _, ok := e.Estimate(); ok {
		t.Fatal("an estimate before any feedback would throttle a client that never sends TWCC")
	}
	// feedback about sequence numbers never sent changes nothing
	rec := twcc.NewRecorder(1)
	rec.Record(2, 500, 1000)
	for _, p := range rec.BuildFeedbackPacket() {
		e.OnFeedback(p.(*rtcp.TransportLayerCC), 2)
	}
	if _, ok := e.Estimate(); ok {
		t.Fatal("feedback for packets never sent counted")
	}
}

func BenchmarkOnSend(b *testing.B) {
	e := New(2_000_000, 50_000, 20_000_000, 0)
	b.ReportAllocs()
	for i := range b.N {
		e.OnSend(1200, int64(i)*1000)
	}
}

// TestOnSendAllocs: OnSend runs for every packet to every subscriber.
func TestOnSendAllocs(t *testing.T) {
	e := New(2_000_000, 50_000, 20_000_000, 0)
	var now int64
	if n := testing.AllocsPerRun(1000, func() { now += 1000; e.OnSend(1200, now) }); n != 0 {
		t.Fatalf("OnSend allocates %.2f times", n)
	}
}

// TestEstimateFindsAPolicer starts optimistic (as the SFU does) on a
// link that drops rather than queues what exceeds 1 Mbit/s: the loss
// alone must bring the estimate down within a few seconds.
func TestEstimateFindsAPolicer(t *testing.T) {
	now := int64(time.Hour)
	e := New(20_000_000, 50_000, 50_000_000, now)
	l := newLink(1_000_000)
	l.queue = int64(5 * time.Millisecond)
	run(e, l, 3_000_000, &now, 3*time.Second)
	if est, _ := e.Estimate(); est > 1_500_000 {
		t.Fatalf("3 s into a 1 Mbit/s policer the estimate is still %d bit/s (%+v)", est, e.Stats())
	}
	if mean := run(e, l, 3_000_000, &now, 20*time.Second); mean < 500_000 || mean > 1_300_000 {
		t.Fatalf("estimate behind a 1 Mbit/s policer averaged %.0f bit/s", mean)
	}
}

// TestFreshTrendStopsAProbeSoon: after a silence (or a decrease) the
// trend starts afresh; a probe whose padding fills the queue 4 ms per
// 20 ms tick must read as building within ten ticks, before the queue
// of a narrow link overflows and drops the audio beside it (waiting for
// a full window of twenty took 400 ms). Jitter on a queue that does not
// grow must not.
func TestFreshTrendStopsAProbeSoon(t *testing.T) {
	rnd := rand.New(rand.NewPCG(3, 4))
	for _, tc := range []struct {
		name     string
		growth   float64 // ms of queue per tick
		building bool
	}{{"filling", 4, true}, {"jitter only", 0, false}} {
		t.Run(tc.name, func(t *testing.T) {
			d := newDetector()
			var got bool
			for i := range 10 {
				send := int64(i) * 20_000
				queue := tc.growth*float64(i) + 5*rnd.Float64()
				d.onArrival(send, send+20_000+int64(queue*1000))
				got = d.building()
			}
			if got != tc.building {
				t.Fatalf("building after ten ticks: %v, want %v (built %.1f ms, early slope %.3f)", got, tc.building, d.built(), d.early)
			}
		})
	}
}
