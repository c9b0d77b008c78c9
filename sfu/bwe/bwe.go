// Package bwe estimates the bandwidth toward one subscriber from the
// transport-wide congestion control feedback (TWCC) its client returns.
// Loss and a growing queue bring the estimate down to what the link was
// seen to carry; a clean link lets it climb, but never far above what
// actually arrived, so a higher rate is only believed once it was tried
// (by media or by padding probes).
package bwe

import (
	"sync"
	"sync/atomic"

	"github.com/pion/rtcp"
)

// Tuning; rates are bits per second.
const (
	streakGap     = int64(3e9) // ns: delay decreases further apart start a new streak
	decreaseEvery = 300e6      // ns between decreases: the queue needs time to drain
	lossHigh      = 0.10       // loss that lowers the estimate
	lossLow       = 0.02       // loss below which it may grow
	growFast      = 0.25       // share per second far from the last congestion
	growNear      = 40_000     // bits per second per second near it
	headroom      = 1.5        // the estimate grows to at most this × the received rate
	groupSpan     = 5_000      // µs: packets sent this close together form one group
	histSize      = 1 << 13
	rateSpan      = 500_000 // µs of arrivals the received rate is measured over
	lossMinCount  = 100     // packets a loss figure needs (fewer: 4 % random loss reads as 10 % too often)
	lossFewest    = 40      // or this many, over lossSpan at least
	lossSpan      = int64(500e6)
	// Receiver reports confirm TWCC's loss: a client that records arrivals
	// when its application reads (Pion does) reports a late-read stream's
	// packets lost, while its receiver reports, counted from what did
	// arrive, show none. Without reports for this long, TWCC alone counts.
	rrConfirmWithin = int64(2500e6)
)

// Estimator is one subscriber's bandwidth estimate. OnSend is called on
// the forwarding path and only touches atomics; everything else is
// guarded by mu.
type Estimator struct {
	// immutable
	base     int64 // unix nanos; send times are µs since base, in 32 bits
	min, max float64

	// atomic: the send path
	seq  atomic.Uint32
	sent [histSize]atomic.Uint64 // seq<<48 | uncounted<<47 | size<<32 | send µs
	fed  atomic.Bool             // feedback has arrived
	// bytes sent so far, for the send rate; untracked: of those, the ones
	// sent without a sequence number (see OnSendUntracked)
	bytesSent, untracked atomic.Uint64

	mu          sync.Mutex
	est         float64
	highest     uint16 // newest sequence number fed back
	det         detector
	missSeq     [histSize]uint16 // packets reported missing (see lossSettle)
	missAt      [histSize]int64  // when; 0 once found or settled
	missQ       []uint16         // the missing, oldest first
	sendRef     int64            // the latest send time fed back, µs since base
	rates       [16]rateSample
	rateN       int
	lastArr     int64 // newest arrival in the previous feedback, µs
	lastSend    int64 // newest send time fed back, µs since base (extended)
	lossN       int
	lossFrom    int64 // unix nanos the current loss count began
	lossLost    int
	loss        float64
	lastUpdate  int64   // unix nanos
	sentAt      int64   // unix nanos of the send rate's last sample
	sentBytes   uint64  // bytesSent then
	sendRate    float64 // bits per second sent lately, smoothed
	untrackedB  uint64  // untracked at sentAt
	otherRate   float64 // bits per second sent untracked lately, smoothed
	lastDown    int64   // unix nanos of the last decrease
	downSeq     uint16  // the first packet sent after it
	ceiling     float64
	lastCause   Cause
	delayStreak int   // delay decreases in a row, each within streakGap of the last
	rrAt        int64 // unix nanos of the latest receiver report
	rrLossAt    int64 // of the latest that reported loss of lossLow or more
	unconfirmed int   // heavy TWCC loss the receiver reports did not show
	decreases   [NumCauses]int
}

// Cause is why the estimate was lowered.
type Cause int

// The causes of a decrease.
const (
	CauseNone  Cause = iota
	CauseDelay       // the queue toward the subscriber kept growing
	CauseLoss        // packets were lost
	NumCauses        // how many causes there are
)

func (c Cause) String() string {
	return [...]string{"none", "delay", "loss"}[c]
}

type rateSample struct{ bytes, span int64 }

// New returns an estimator starting at initial bits per second, kept
// between min and max; now is unix nanos.
func New(initial, min, max int, now int64) *Estimator {
	return &Estimator{base: now, min: float64(min), max: float64(max), est: float64(initial), det: newDetector()}
}

// OnSend records a packet of size bytes leaving at now (unix nanos) and
// returns the transport-wide sequence number to stamp on it.
func (e *Estimator) OnSend(size int, now int64) uint16 { return e.record(size, now, 0) }

// OnSendUncounted is OnSend for a packet whose loss, if reported, says
// nothing about the link: a retransmission (a receiver that got the
// first copy drops the second unseen, by SRTP replay protection, and
// reports it lost), or a packet of a stream the subscriber may not have
// set up yet (Firefox reports those lost).
func (e *Estimator) OnSendUncounted(size int, now int64) uint16 {
	return e.record(size, now, uncountedBit)
}

// OnSendUntracked records a packet of size bytes sent without a
// transport-wide sequence number (audio: the SFU negotiates TWCC for
// video only, as LiveKit's does, which spares each audio subscriber ten
// feedback packets a second). It counts in the send rate, and in the
// rate the link carried in the share the tracked packets got through.
func (e *Estimator) OnSendUntracked(size int) {
	e.bytesSent.Add(uint64(size))
	e.untracked.Add(uint64(size))
}

const (
	uncountedBit = 1 << 47
	sizeMask     = 0x7fff
)

func (e *Estimator) record(size int, now int64, flag uint64) uint16 {
	s := uint16(e.seq.Add(1) - 1)
	e.bytesSent.Add(uint64(size))
	t := uint32((now - e.base) / 1000)
	e.sent[s&(histSize-1)].Store(uint64(s)<<48 | flag | uint64(min(size, sizeMask))<<32 | uint64(t))
	return s
}

// Estimate returns the estimate in bits per second; ok is false until the
// client has sent feedback (without it nothing is known: do not limit).
func (e *Estimator) Estimate() (bps int, ok bool) {
	if !e.fed.Load() {
		return 0, false
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	return int(e.est), true
}

// Stats is what the estimate is made of, for metrics and tests.
type Stats struct {
	Estimate, Received int     // bits per second; Received: what TWCC acknowledged
	Untracked          int     // bits per second sent without TWCC (audio)
	Loss               float64 // share of packets lost lately
	Trend, Threshold   float64 // the delay trend and what it is compared with (ms)
	Overusing          bool    // the delay trend says the queue keeps growing
	Building           bool    // the queue is growing now, even if not for long (a probe stops)
	NewestFed          int64   // unix nanos: when the newest packet fed back was sent
	Ignored            int     // overuse signals ignored for a receiver that was not reading
	Unconfirmed        int     // heavy TWCC loss ignored: the receiver's reports showed none
	LastDecrease       int64   // unix nanos; 0 if never
	LastCause          Cause
	// DelayStreak counts the delay-based decreases in a row; a lone one
	// may have been a receiver that read late, two are a queue that kept
	// growing after the first cut.
	DelayStreak int
	Decreases   [NumCauses]int // how many times, by cause
}

// Stats returns the current figures.
func (e *Estimator) Stats() Stats {
	e.mu.Lock()
	defer e.mu.Unlock()
	return Stats{Estimate: int(e.est), Received: int(e.rateLocked()), Untracked: int(e.otherRate), Loss: e.loss,
		Trend: e.det.lastSample, Threshold: e.det.threshold, Overusing: e.det.state == overusing,
		Building: e.det.building(), Ignored: e.det.ignored, Unconfirmed: e.unconfirmed, LastDecrease: e.lastDown,
		LastCause: e.lastCause, DelayStreak: e.delayStreak, Decreases: e.decreases,
		NewestFed: e.base + e.lastSend*1000}
}

// OnFeedback takes one TWCC feedback packet received at now (unix nanos).
func (e *Estimator) OnFeedback(fb *rtcp.TransportLayerCC, now int64) {
	e.onFeedback(feedback{parsed: fb, base: fb.BaseSequenceNumber, count: fb.PacketStatusCount}, now)
}

// OnFeedbackRaw is OnFeedback for a feedback packet as it came off the
// wire (one RTCP packet, header included), read in place: Pion's parse
// allocates per chunk and per packet reported, thirty times a second per
// subscriber. It reports false, changing nothing, if b is malformed.
func (e *Estimator) OnFeedbackRaw(b []byte, now int64) bool {
	base, count, ok := checkRaw(b)
	if ok {
		e.onFeedback(feedback{raw: b, base: base, count: count}, now)
	}
	return ok
}

// feedback is a TWCC feedback packet: parsed by Pion, or raw.
type feedback struct {
	parsed      *rtcp.TransportLayerCC
	raw         []byte
	base, count uint16
}

// walk calls f for every packet fb reports (see walk).
func (fb feedback) walk(f func(seq uint16, received bool, arrival int64)) {
	if fb.parsed != nil {
		walk(fb.parsed, f)
	} else {
		walkRaw(fb.raw, f)
	}
}

func (e *Estimator) onFeedback(fb feedback, now int64) {
	e.mu.Lock()
	defer e.mu.Unlock()
	var bytes, maxArr int64
	var n int
	fb.walk(func(seq uint16, received bool, arrival int64) {
		if e.fed.Load() && int16(seq-e.highest) <= 0 {
			if received {
				e.found(seq) // reported lost before, it came after all
			}
			return
		}
		v := e.sent[seq&(histSize-1)].Load()
		if uint16(v>>48) != seq {
			return // not ours, or too old to remember
		}
		// Packets sent before the last decrease met the queue that caused
		// it: their loss and delay would only decrease again.
		stale := e.lastDown != 0 && int16(seq-e.downSeq) < 0
		if !received {
			if !stale && v&uncountedBit == 0 {
				e.missing(seq, now)
			}
			return
		}
		bytes += int64(v >> 32 & sizeMask)
		maxArr = max(maxArr, arrival)
		send := e.extend(uint32(v))
		e.afterSilence(send)
		if !stale {
			n++
			e.det.onArrival(send, arrival)
		}
	})
	settled, lost := e.settle(now)
	if n == 0 && bytes == 0 && settled == 0 {
		return
	}
	if end := fb.base + fb.count - 1; !e.fed.Load() || int16(end-e.highest) > 0 {
		e.highest = end
	}
	e.fed.Store(true)
	if e.lastArr != 0 && maxArr > e.lastArr {
		e.rates[e.rateN%len(e.rates)] = rateSample{bytes: bytes, span: maxArr - e.lastArr}
		e.rateN++
	}
	if maxArr != 0 {
		e.lastArr = maxArr
	}
	e.noteLoss(n+settled, lost, now)
	e.update(now)
}

// afterSilence starts the reading of the link afresh when a packet was
// sent idleGap or more after the newest one fed back before it: nothing
// tracked was sent in between (the only video paused, between probes;
// audio has no TWCC), so the arrival gap is the sender's silence, not
// the link's rate, and the queue, the loss the trend last saw are gone.
// Measured across the gap, a probe's first half second read as a few
// kbit/s and held the estimate.
func (e *Estimator) afterSilence(send int64) {
	if e.lastSend != 0 && send-e.lastSend >= idleGap {
		e.rateN, e.lastArr = 0, 0
		e.lossN, e.lossLost, e.loss = 0, 0, 0
		e.missQ = e.missQ[:0]
		e.det.reset()
	}
	e.lastSend = max(e.lastSend, send)
}

// A packet reported missing is counted lost only once lossSettle has
// passed without a later feedback reporting it received: packets sent
// close together by different goroutines can leave in another order
// than they were numbered, and receivers report a late one again.
const lossSettle = int64(250e6) // ns

// missing notes that seq was reported not received at now.
func (e *Estimator) missing(seq uint16, now int64) {
	i := seq & (histSize - 1)
	e.missSeq[i], e.missAt[i] = seq, now
	if len(e.missQ) < histSize {
		e.missQ = append(e.missQ, seq)
	}
}

// found takes back a missing report for seq.
func (e *Estimator) found(seq uint16) {
	if i := seq & (histSize - 1); e.missSeq[i] == seq {
		e.missAt[i] = 0
	}
}

// settle counts the missing reports older than lossSettle: those still
// missing as lost, the others as received.
func (e *Estimator) settle(now int64) (settled, lost int) {
	k := 0
	for ; k < len(e.missQ); k++ {
		seq := e.missQ[k]
		i := seq & (histSize - 1)
		at := e.missAt[i]
		if e.missSeq[i] == seq && at != 0 && now-at < lossSettle {
			break
		}
		if e.lastDown != 0 && int16(seq-e.downSeq) < 0 {
			continue // sent before the last decrease: judged already
		}
		settled++
		if e.missSeq[i] == seq && at != 0 {
			lost++
			e.missAt[i] = 0
		}
	}
	e.missQ = append(e.missQ[:0], e.missQ[k:]...)
	return settled, lost
}

// extend turns a 32-bit send time (µs since base) into a full one,
// assuming it is within half the range (35 minutes) of the last one.
func (e *Estimator) extend(t uint32) int64 {
	e.sendRef += int64(int32(t - uint32(e.sendRef)))
	return e.sendRef
}

// noteLoss folds a feedback's counts into the loss figure, renewed every
// lossMinCount packets, or every lossSpan with lossFewest at least (a
// slow stream would wait too long for lossMinCount).
func (e *Estimator) noteLoss(n, lost int, now int64) {
	if e.lossN == 0 {
		e.lossFrom = now
	}
	e.lossN += n
	e.lossLost += lost
	if e.lossN >= lossMinCount || e.lossN >= lossFewest && now-e.lossFrom >= lossSpan {
		e.loss = float64(e.lossLost) / float64(e.lossN)
		e.lossN, e.lossLost = 0, 0
	}
}

// OnReceiverReport takes the worst fraction lost (0–1) of a receiver
// report from the subscriber, received at now.
func (e *Estimator) OnReceiverReport(fraction float64, now int64) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.rrAt = now
	if fraction >= lossLow {
		e.rrLossAt = now
	}
}

// OnUntrackedReport is OnReceiverReport for a stream sent without TWCC
// (audio). While nothing tracked is sent (the only video paused, no
// probe under way) no TWCC feedback comes and the estimate would stay
// where the last probe left it; a report of no loss shows the link
// carried the untracked stream, and the estimate grows from that rate
// as it would from TWCC's (as it did when audio carried TWCC), so the
// next probe starts from what the audio proved.
func (e *Estimator) OnUntrackedReport(fraction float64, now int64) {
	e.OnReceiverReport(fraction, now)
	e.mu.Lock()
	defer e.mu.Unlock()
	if !e.trackedIdle(now) || now-e.lastDown <= decreaseEvery {
		return
	}
	// Reports come every 1 to 5 s (Chrome's audio: 5 s on average); the
	// growth is bounded by the rate anyway.
	dt := min(float64(now-e.lastUpdate)/1e9, untrackedSpan)
	if e.lastUpdate == 0 {
		dt = 0
	}
	e.lastUpdate = now
	e.noteSendRate(now)
	if fraction < lossLow {
		e.grow(e.otherRate, dt, false)
	}
}

// untrackedSpan is the longest time (s) one report's growth may cover.
const untrackedSpan = 5.0

// trackedIdle says whether no packet with a transport-wide sequence
// number was sent for idleGap: only then is TWCC silent for lack of
// anything to report on.
func (e *Estimator) trackedIdle(now int64) bool {
	n := e.seq.Load()
	if n == 0 {
		return true
	}
	s := uint16(n - 1)
	v := e.sent[s&(histSize-1)].Load()
	if uint16(v>>48) != s {
		return false // being recorded right now
	}
	// send times are 32-bit µs: the difference is right within 35
	// minutes either way (a packet stamped by another goroutine may be a
	// little newer than now)
	return int32(uint32((now-e.base)/1000)-uint32(v)) > idleGap
}

// idleGap (µs) without tracked packets is a silence of the sender's, not
// the link's: longer than the gaps of a video at 1 frame a second.
const idleGap = 1_000_000

// lossConfirmed says whether TWCC's loss may be believed: the receiver
// reported loss lately too, or sends no reports to go by.
func (e *Estimator) lossConfirmed(now int64) bool {
	return e.rrAt == 0 || now-e.rrAt > rrConfirmWithin || now-e.rrLossAt <= rrConfirmWithin
}

// rateLocked is the received rate over the last rateSpan of arrivals,
// bits per second; 0 when unknown.
func (e *Estimator) rateLocked() float64 {
	var bytes, span int64
	for i := 1; i <= min(e.rateN, len(e.rates)) && span < rateSpan; i++ {
		s := e.rates[(e.rateN-i)%len(e.rates)]
		bytes += s.bytes
		span += s.span
	}
	if span <= 0 {
		return 0
	}
	return float64(bytes) * 8 * 1e6 / float64(span)
}

// update moves the estimate: down on a full queue or heavy loss, up on
// a clean link, held otherwise.
func (e *Estimator) update(now int64) {
	dt := min(float64(now-e.lastUpdate)/1e9, 1)
	if e.lastUpdate == 0 {
		dt = 0
	}
	e.lastUpdate = now
	e.noteSendRate(now)
	rate := e.rateLocked()
	if rate > 0 {
		rate += e.carriedUntracked(rate)
	}
	if now-e.lastDown > decreaseEvery {
		target, cause := e.est, CauseNone
		if e.det.state == overusing && rate > 0 {
			// the link is full at what arrives; but at most half of what
			// is sent goes in one step (a receiver reading late measures
			// too little; a real queue keeps growing and halves it again)
			target, cause = min(target, max(0.85*rate, 0.5*e.sendRate)), CauseDelay
		}
		if e.loss > lossHigh && !e.lossConfirmed(now) {
			e.unconfirmed++
			e.lossN, e.lossLost, e.loss = 0, 0, 0
		}
		if e.loss > lossHigh {
			cause = CauseLoss
			// heavy loss: down by half the share lost; and from a receiver
			// that reads on time (so its rate means something), not above
			// what got through, nor below most of it
			what := min(e.est, e.sendRate) * (1 - 0.5*e.loss)
			if !e.det.stalled(e.lastArr) {
				what = max(min(what, rate), 0.85*rate)
			}
			target = min(target, what)
			e.lossN, e.lossLost, e.loss = 0, 0, 0 // judge the new rate on its own losses
		}
		if target < e.est {
			e.decrease(max(e.min, target), cause, now)
			return
		}
	}
	// Grow while the queue stays short: fast on a clean link, at half the
	// pace with some loss (Wi-Fi loses packets without being full; a
	// policer's loss soon passes lossHigh and brings it down again).
	if e.det.state == normal && e.loss <= lossHigh {
		e.grow(rate, dt, e.loss >= lossLow)
	}
	e.est = max(e.min, min(e.max, e.est))
}

// grow raises the estimate for dt seconds of a clean link that carried
// rate, at half the pace if lossy, never far above rate.
func (e *Estimator) grow(rate, dt float64, lossy bool) {
	limit := headroom*rate + 50_000
	if e.est >= limit {
		return
	}
	fast := growFast
	if lossy {
		fast /= 2
	}
	if e.est > 0.9*e.ceiling && e.est < 1.1*e.ceiling {
		e.est += growNear * dt // close to where it filled: creep
	} else {
		e.est *= 1 + fast*dt
	}
	e.est = max(e.min, min(e.max, e.est, limit))
}

// carriedUntracked is how much of the untracked rate the link carried,
// given that it carried acked of what was sent tracked: both share its
// queue, so a link that delivered two thirds of the tracked packets
// (a probe over its capacity) delivered about two thirds of the audio.
func (e *Estimator) carriedUntracked(acked float64) float64 {
	tracked := e.sendRate - e.otherRate
	if tracked > 0 && acked < tracked {
		return e.otherRate * acked / tracked
	}
	return e.otherRate
}

// noteSendRate samples what was sent since the last sample (at least
// 100 ms ago) into a smoothed rate: unlike the received rate, it does not
// depend on when the receiver got to read. The untracked part is
// smoothed alike.
func (e *Estimator) noteSendRate(now int64) {
	if e.sentAt == 0 {
		e.sentAt, e.sentBytes, e.untrackedB = now, e.bytesSent.Load(), e.untracked.Load()
		return
	}
	if dt := now - e.sentAt; dt >= int64(100e6) {
		b, u := e.bytesSent.Load(), e.untracked.Load()
		r := float64(b-e.sentBytes) * 8 * 1e9 / float64(dt)
		o := float64(u-e.untrackedB) * 8 * 1e9 / float64(dt)
		if e.sendRate == 0 {
			e.sendRate, e.otherRate = r, o
		}
		e.sendRate += 0.3 * (r - e.sendRate)
		e.otherRate += 0.3 * (o - e.otherRate)
		e.sentAt, e.sentBytes, e.untrackedB = now, b, u
	}
}

func (e *Estimator) decrease(to float64, cause Cause, now int64) {
	switch {
	case cause != CauseDelay:
		e.delayStreak = 0
	case now-e.lastDown < streakGap:
		e.delayStreak++
	default:
		e.delayStreak = 1
	}
	e.est, e.ceiling, e.lastDown = to, to, now
	e.lastCause = cause
	e.decreases[cause]++
	e.downSeq = uint16(e.seq.Load())
	e.det.reset()
}

// walk calls f for every packet a feedback reports, in order, with its
// arrival time in µs on the receiver's clock (received packets only).
func walk(fb *rtcp.TransportLayerCC, f func(seq uint16, received bool, arrival int64)) {
	arrival := int64(fb.ReferenceTime) * 64_000
	seq, left, d := fb.BaseSequenceNumber, int(fb.PacketStatusCount), 0
	status := func(sym uint16) {
		if left == 0 {
			return
		}
		left--
		received := sym == rtcp.TypeTCCPacketReceivedSmallDelta || sym == rtcp.TypeTCCPacketReceivedLargeDelta
		if received && d < len(fb.RecvDeltas) {
			arrival += fb.RecvDeltas[d].Delta
			d++
		}
		f(seq, received, arrival)
		seq++
	}
	for _, c := range fb.PacketChunks {
		switch c := c.(type) {
		case *rtcp.RunLengthChunk:
			for range c.RunLength {
				status(c.PacketStatusSymbol)
			}
		case *rtcp.StatusVectorChunk:
			for _, sym := range c.SymbolList { // one-bit symbols use the same values
				status(sym)
			}
		}
	}
}
