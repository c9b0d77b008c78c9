package sfu

import (
	"cmp"
	"maps"
	"math"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pion/rtcp"
	"github.com/pion/webrtc/v4"

	"github.com/zadankai/zadankai/sfu/bwe"
)

// Downlink is one subscriber's transport: it estimates the bandwidth
// toward the subscriber from its TWCC feedback and shares it among the
// subscriber's tracks: audio first, then video by priority (the
// spotlight, screen shares, active speakers), each at the lowest layer
// before any climbs; video that does not fit is paused. When a track
// wants more than fits, it probes with padding for a better estimate.
type Downlink struct {
	// immutable
	sfu     *SFU // for its counters; nil for a downlink made on its own
	bwe     *bwe.Estimator
	onPause func(d *DownTrack, paused bool) // told from the ticking goroutine
	done    chan struct{}                   // standalone only (NewDownlink): its own goroutine
	stopped chan struct{}

	direct atomic.Pointer[direct] // the connection's direct path; nil: Pion's path only

	// owned by the ticking goroutine
	lastAlloc, lastReport int64
	decreases             [bwe.NumCauses]int // the estimator's count, last seen

	mu    sync.Mutex
	downs []*DownTrack
	probe probe
	rtx   float64 // bytes retransmissions may still use
	rtxAt int64   // unix nanos of the last refill
}

// probe is the padding state: probing while active, else not before next.
type probe struct {
	active  bool
	start   int64 // unix nanos
	best    int   // the highest estimate during the probe
	grewAt  int64 // when it last grew by probeGrowth
	next    int64
	backoff int64
	rate    int     // padding bits per second
	credit  float64 // bytes owed
}

// Link tuning.
const (
	// Optimistic, as most links are fine: what subscribers ask for is
	// forwarded until loss or queueing says otherwise, which takes a few
	// hundred milliseconds; then the estimate follows the link.
	initialEstimate = 20_000_000 // bit/s
	minEstimate     = 60_000
	maxEstimate     = 50_000_000
	allocateEvery   = 250 * time.Millisecond
	padEvery        = 20 * time.Millisecond
	probeBackoff    = int64(2 * time.Second) // after a probe that congested the link; doubles
	probeMaxBackoff = int64(16 * time.Second)
	probeStall      = int64(3 * time.Second) // a probe whose estimate stopped growing for this long ends
	probeGrowth     = 1.05
	probeQuiet      = int64(2 * time.Second) // since the last decrease
	upgradeMargin   = 1.15                   // a layer is taken only if this much more fits
	confirmWithin   = int64(3 * time.Second) // a lone delay-based cut not confirmed by then pauses after all
	pauseHold       = int64(3 * time.Second) // a paused video resumes on the estimate alone after this
	pauseHoldMax    = int64(24 * time.Second)
	resumeLasted    = int64(15 * time.Second) // a pause this soon after a resume holds twice as long
	rtxShare        = 0.15                    // of the estimate, at most, for retransmissions
)

// NewDownlink starts a subscriber's downlink, or returns nil when
// congestion control is off (a nil Downlink is valid everywhere).
func (s *SFU) NewDownlink(onPause func(d *DownTrack, paused bool)) *Downlink {
	if s.cfg.NoCongestionControl {
		return nil
	}
	l := newDownlink(onPause)
	l.sfu = s
	s.mu.Lock()
	if s.links == nil {
		s.links = map[*Downlink]struct{}{}
	}
	s.links[l] = struct{}{}
	s.mu.Unlock()
	return l
}

// downlinks lists the live downlinks.
func (s *SFU) downlinks() []*Downlink {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Collect(maps.Keys(s.links))
}

// CongestionStats is what congestion control is doing across the SFU.
type CongestionStats struct {
	Downlinks      int    // subscribers under congestion control
	Estimated      int    // of which have sent feedback (so have an estimate)
	Paused, Capped int    // videos paused, or held below the layer asked for, for lack of bandwidth
	Padding        uint64 // probe packets sent so far
	Direct         uint64 // packets the live downlinks sent on the direct path
	DirectRTCP     uint64 // and RTCP packets their subscribers sent that it took
	// Since the start, by cause (bwe.CauseDelay, bwe.CauseLoss): estimate
	// decreases, videos paused and videos lowered below what was asked.
	Decreases, Pauses, Caps [bwe.NumCauses]uint64
}

// CongestionStats counts the downlinks' current state.
func (s *SFU) CongestionStats() CongestionStats {
	links := s.downlinks()
	st := CongestionStats{Downlinks: len(links), Padding: s.padded.Load()}
	for c := range st.Decreases {
		st.Decreases[c], st.Pauses[c], st.Caps[c] = s.decreases[c].Load(), s.pauses[c].Load(), s.caps[c].Load()
	}
	for _, l := range links {
		if _, ok := l.Estimate(); ok {
			st.Estimated++
		}
		if p := l.direct.Load(); p != nil {
			st.Direct += p.sent.Load()
			st.DirectRTCP += p.taken.Load()
		}
		l.mu.Lock()
		for _, d := range l.downs {
			switch {
			case d.up.Kind != webrtc.RTPCodecTypeVideo || d.Disabled():
			case d.Paused():
				st.Paused++
			case d.Capped() < d.TargetQuality():
				st.Capped++
			}
		}
		l.mu.Unlock()
	}
	return st
}

// NewDownlink starts a downlink. onPause (optional) hears when a video
// is paused or resumed for lack of bandwidth, so the subscriber can be
// told; it runs on the goroutine that ticks the downlink.
func NewDownlink(onPause func(d *DownTrack, paused bool)) *Downlink {
	l := newDownlink(onPause)
	l.done, l.stopped = make(chan struct{}), make(chan struct{})
	go func() {
		defer close(l.stopped)
		tickLoop(l.done, func(now int64) bool { return l.tick(now) })
	}()
	return l
}

// newDownlink makes a downlink that its owner ticks.
func newDownlink(onPause func(d *DownTrack, paused bool)) *Downlink {
	l := &Downlink{bwe: bwe.New(initialEstimate, minEstimate, maxEstimate, time.Now().UnixNano()), onPause: onPause}
	l.probe.backoff = probeBackoff
	return l
}

// tickLoop calls tick until done: every padEvery while it reports a probe
// under way, else every allocateEvery (one timer for all of the SFU's
// downlinks, so a quiet room costs a few wake-ups a second).
func tickLoop(done <-chan struct{}, tick func(now int64) (probing bool)) {
	t := time.NewTimer(allocateEvery)
	defer t.Stop()
	for {
		select {
		case <-done:
			return
		case now := <-t.C:
			wait := allocateEvery
			if tick(now.UnixNano()) {
				wait = padEvery
			}
			t.Reset(wait)
		}
	}
}

// tick allocates when due and pads while probing; it reports whether a
// probe is under way. Called from one goroutine.
func (l *Downlink) tick(now int64) bool {
	if now-l.lastAlloc >= int64(allocateEvery-padEvery/2) {
		l.lastAlloc = now
		l.allocate(now)
	}
	l.pad(now)
	if now-l.lastReport >= int64(reportEvery) {
		l.lastReport = now
		l.report(now)
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.probe.active
}

// reportEvery is how often sender reports go out for the direct path, as
// often as Pion's for its own.
const reportEvery = time.Second

// report sends the sender reports of the tracks on the direct path (the
// receiver's lip sync and round-trip time come from them).
func (l *Downlink) report(now int64) {
	p := l.direct.Load()
	if p == nil || p.sent.Load() == 0 {
		return
	}
	l.mu.Lock()
	downs := slices.Clone(l.downs)
	l.mu.Unlock()
	var pkts []rtcp.Packet
	at := time.Unix(0, now)
	for _, d := range downs {
		if sr := d.senderReport(at); sr != nil {
			pkts = append(pkts, sr)
		}
	}
	if len(pkts) > 0 {
		_ = p.pc.WriteRTCP(pkts) // fails only once the connection is closed
	}
}

// congested says whether the estimate fell since the probe started, or
// the queue builds with packets sent since (a trend read from packets
// sent before it is no verdict on it).
func (p *probe) congested(st bwe.Stats) bool {
	return st.LastDecrease > p.start || st.Building && st.NewestFed >= p.start
}

// congestionLoop ticks every downlink of the SFU until Close.
func (s *SFU) congestionLoop() {
	defer close(s.ccStopped)
	tickLoop(s.ccDone, func(now int64) bool {
		probing := false
		for _, l := range s.downlinks() {
			probing = l.tick(now) || probing
		}
		return probing
	})
}

// Close takes the downlink off its SFU, or stops its own goroutine.
func (l *Downlink) Close() {
	if l == nil {
		return
	}
	if l.sfu != nil {
		l.sfu.mu.Lock()
		delete(l.sfu.links, l)
		l.sfu.mu.Unlock()
	}
	if l.done == nil {
		return // ticked by the SFU
	}
	select {
	case <-l.done:
	default:
		close(l.done)
	}
	<-l.stopped
}

func (l *Downlink) add(d *DownTrack) {
	l.mu.Lock()
	l.downs = append(l.downs, d)
	l.mu.Unlock()
}

func (l *Downlink) remove(d *DownTrack) {
	l.mu.Lock()
	l.downs = slices.DeleteFunc(l.downs, func(x *DownTrack) bool { return x == d })
	l.mu.Unlock()
}

// allowResend says whether a retransmission of size bytes fits the
// share of the estimate set aside for them: on a congested link every
// lost packet is NACKed, and resending them all would only lose more.
func (l *Downlink) allowResend(size int, now int64) bool {
	est, ok := l.bwe.Estimate()
	if !ok {
		return true
	}
	perSec := float64(est) * rtxShare / 8
	l.mu.Lock()
	defer l.mu.Unlock()
	l.rtx = min(l.rtx+perSec*float64(now-l.rtxAt)/1e9, perSec/2)
	l.rtxAt = now
	if l.rtx < float64(size) {
		return false
	}
	l.rtx -= float64(size)
	return true
}

// Estimate returns the bandwidth estimate toward the subscriber in bits
// per second; ok is false while the subscriber has sent no feedback.
func (l *Downlink) Estimate() (bps int, ok bool) {
	if l == nil {
		return 0, false
	}
	return l.bwe.Estimate()
}

// EstimatorStats returns what the estimate is made of.
func (l *Downlink) EstimatorStats() bwe.Stats { return l.bwe.Stats() }

// allocation is one round's outcome.
type allocation struct {
	estimate int
	media    int // bits per second of what was allocated
	deficit  int // what the next wanted layer would need on top, 0 if none
}

// want is one video track in an allocation round.
type want struct {
	d      *DownTrack
	avail  uint8
	target Quality
	rates  [3]int  // bits per second of each layer
	has    Quality // the layer it may send now (keeping it needs no margin)
	had    bool    // it was not paused
	held   bool    // paused long enough that the estimate alone may resume it
	layer  Quality // allocated
	on     bool    // allocated at all
	short  bool    // a layer it wants and that arrives did not fit
	keep   bool    // flowing, and not to be paused this round
}

// allocate shares the estimate among the tracks and starts or stops a
// probe.
func (l *Downlink) allocate(now int64) {
	l.mu.Lock()
	downs := slices.Clone(l.downs)
	l.mu.Unlock()
	est, ok := l.bwe.Estimate()
	if !ok {
		for _, d := range downs { // no feedback: nothing to go by, do not limit
			l.apply(d, High, false, false, bwe.CauseNone, now)
		}
		return
	}
	cause := l.countDecreases()
	st := l.bwe.Stats()
	budget, proven := float64(est), float64(st.Received)
	var videos []*want
	for _, d := range downs {
		avail := d.up.available(now)
		switch {
		case avail == 0:
			// nothing arrives (a muted microphone, a camera off): it costs
			// nothing, and a video is not "paused for bandwidth"
		case d.up.Kind == webrtc.RTPCodecTypeAudio:
			// audio is always sent, and without TWCC: it takes its share of
			// the link but is not in what TWCC acknowledged (proven)
			budget -= float64(layerRate(d.up, High, true))
		case !d.Disabled() && d.bound.Load() != nil:
			v := &want{d: d, avail: avail, target: d.TargetQuality(), has: d.Capped(), had: !d.Paused(), held: now-d.pausedAt >= d.hold}
			for q := range v.rates {
				v.rates[q] = layerRate(d.up, Quality(q), false)
			}
			videos = append(videos, v)
		}
	}
	slices.SortStableFunc(videos, func(a, b *want) int {
		return cmp.Or(cmp.Compare(b.d.Priority(), a.d.Priority()), cmp.Compare(a.d.up.ID, b.d.up.ID))
	})
	// One delay-based cut, not (yet) confirmed by a second or by loss, may
	// have been a receiver that read late: videos keep their lowest layer.
	if st.LastCause == bwe.CauseDelay && st.DelayStreak < 2 && now-st.LastDecrease < confirmWithin {
		for _, v := range videos {
			v.keep = v.had
		}
	}
	budget, deficit := fillVideo(videos, budget, proven)
	for _, v := range videos {
		l.apply(v.d, v.layer, !v.on, v.short, cause, now)
	}
	l.steerProbe(now, allocation{estimate: est, media: est - int(budget), deficit: deficit})
}

// fillVideo gives each video its lowest available layer in priority
// order while the budget lasts (the rest pause), then climbs them in the
// same order. It returns the budget left and the cost of the first climb
// that did not fit. A paused video resumes with the climb's margin, and
// before its hold is over only once what the link has carried lately
// (proven, probes included) fits it too: an estimate that grew while
// little was sent proves little, and resuming on it at once on a narrow
// link pauses the video again a moment later.
func fillVideo(videos []*want, budget, proven float64) (float64, int) {
	deficit := 0 // a paused video resumes before any climbs
	for _, v := range videos {
		q, ok := lowest(v.avail, v.target)
		if !ok {
			continue
		}
		r, room := float64(v.rates[q]), budget
		if !v.had {
			r = r * upgradeMargin
			if !v.held {
				room = min(budget, proven)
			}
		}
		if r <= room || v.keep {
			v.layer, v.on = q, true
			budget, proven = budget-float64(v.rates[q]), proven-float64(v.rates[q])
		} else if deficit == 0 {
			deficit = int(math.Ceil(r))
		}
	}
	for _, v := range videos {
		if !v.on {
			continue
		}
		for q := v.layer + 1; q <= v.target; q++ {
			if v.avail&(1<<q) == 0 {
				continue
			}
			need := float64(v.rates[q] - v.rates[v.layer])
			margin := upgradeMargin
			if q <= v.has && v.had {
				margin = 1 // keeping what it has needs no margin
			}
			if need*margin > budget {
				v.short = true
				if deficit == 0 {
					deficit = int(math.Ceil(need * margin))
				}
				break
			}
			v.layer, budget = q, budget-need
		}
	}
	return budget, deficit
}

// lowest is the lowest available layer not above target (else any).
func lowest(avail uint8, target Quality) (Quality, bool) {
	for q := Low; q <= High; q++ {
		if avail&(1<<q) != 0 && q <= target {
			return q, true
		}
	}
	for q := Low; q <= High; q++ {
		if avail&(1<<q) != 0 {
			return q, true
		}
	}
	return Low, false
}

// Guesses for a layer not measured yet (its first second).
var guessRate = [3]int{150_000, 500_000, 1_500_000}

const guessAudio = 50_000

// layerRate is what forwarding layer q of up costs, in bits per second.
func layerRate(up *UpTrack, q Quality, audio bool) int {
	if r := up.Bitrate(q); r > 0 {
		return r + r/10 // our headers and SRTP on top of what arrived
	}
	if audio {
		return guessAudio
	}
	return guessRate[q]
}

// countDecreases adds the estimator's new decreases to the SFU's counts
// and returns the cause of the latest.
func (l *Downlink) countDecreases() bwe.Cause {
	st := l.bwe.Stats()
	for c, n := range st.Decreases {
		if l.sfu != nil && n > l.decreases[c] {
			l.sfu.decreases[c].Add(uint64(n - l.decreases[c]))
		}
		l.decreases[c] = n
	}
	return st.LastCause
}

// apply sets d's cap and tells the subscriber when a pause starts or ends;
// pauses, and layers lowered because a wanted one did not fit (short),
// are counted under the estimate's last cause.
func (l *Downlink) apply(d *DownTrack, q Quality, paused, short bool, cause bwe.Cause, now int64) {
	lowered := short && !paused && !d.Paused() && q < d.Capped()
	if d.setCap(q, paused) {
		if paused {
			if d.resumedAt != 0 && now-d.resumedAt < resumeLasted {
				d.hold = min(2*max(d.hold, pauseHold), pauseHoldMax)
			} else {
				d.hold = pauseHold
			}
			d.pausedAt = now
		} else {
			d.resumedAt = now
		}
		if paused && l.sfu != nil {
			l.sfu.pauses[cause].Add(1)
		}
		if l.onPause != nil {
			l.onPause(d, paused)
		}
	}
	if lowered && l.sfu != nil {
		l.sfu.caps[cause].Add(1)
	}
}

// steerProbe starts a probe when a track wants more than fits and the
// link has been calm, and ends it when the want is met, when the probe
// congested the link or the queue started to build (the next waits twice
// as long) or when the estimate stopped growing.
func (l *Downlink) steerProbe(now int64, a allocation) {
	st := l.bwe.Stats()
	lastDown := st.LastDecrease
	l.mu.Lock()
	defer l.mu.Unlock()
	p := &l.probe
	if p.active && float64(a.estimate) > float64(p.best)*probeGrowth {
		p.best, p.grewAt = a.estimate, now
	}
	switch {
	case p.active && p.congested(st):
		p.active, p.next, p.backoff = false, now+p.backoff, min(2*p.backoff, probeMaxBackoff)
	case p.active && a.deficit == 0:
		p.active, p.backoff = false, probeBackoff
	case p.active && now-p.grewAt > probeStall:
		p.active, p.next = false, now+p.backoff
	case !p.active && a.deficit > 0 && now >= p.next && now-lastDown > probeQuiet:
		p.active, p.start, p.best, p.grewAt, p.credit = true, now, a.estimate, now, 0
	}
	// Pad up to the estimate (and a little over, so it can grow): what
	// arrives is what the estimate may climb from.
	p.rate = 0
	if p.active {
		p.rate = max(a.estimate-a.media, 0) + a.estimate/10
	}
}

// pad sends this tick's share of the probe's padding on the highest
// ranked video that is flowing.
func (l *Downlink) pad(now int64) {
	l.mu.Lock()
	p := &l.probe
	if !p.active || p.rate == 0 {
		l.mu.Unlock()
		return
	}
	// at most three ticks' worth, but at least one packet: a slow probe
	// (a paused video's, beside audio that has no TWCC) must still send
	// something, or its link gets no feedback and its estimate never moves
	limit := max(float64(p.rate)/8*3*padEvery.Seconds(), paddingSize+rtpOverhead)
	p.credit = min(p.credit+float64(p.rate)/8*padEvery.Seconds(), limit)
	n := int(p.credit / (paddingSize + rtpOverhead))
	var best *DownTrack
	for _, d := range l.downs {
		// a paused video may carry padding: that is how it gets back
		if d.up.Kind == webrtc.RTPCodecTypeVideo && !d.Disabled() && (best == nil || d.Priority() > best.Priority()) {
			best = d
		}
	}
	l.mu.Unlock()
	if best == nil || n == 0 {
		return
	}
	sent := best.pad(n, now)
	if l.sfu != nil {
		l.sfu.padded.Add(uint64(sent))
	}
	l.mu.Lock()
	l.probe.credit -= float64(sent * (paddingSize + rtpOverhead))
	l.mu.Unlock()
}
