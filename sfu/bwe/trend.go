package bwe

import "math"

// Delay-based overuse detection, after the idea of Google Congestion
// Control: what matters is whether the queue toward the subscriber keeps
// growing, not how long it is. Packets are grouped by send time (and
// packets that arrive in a burst join the group before them: a receiver
// that was off the CPU reads a backlog at once), the change in one-way
// delay between groups is accumulated and smoothed, and the slope of
// that over the last groups is the trend. Overuse is a trend above a
// threshold that adapts to the jitter seen, held for a while.
const (
	burstSpan     = 5_000   // µs: arrivals this close after the group's last that came early join it
	burstMax      = 100_000 // µs: a burst group spans at most this much arrival time
	trendWindow   = 20      // groups the slope is fitted over
	trendSmooth   = 0.9     // smoothing of the accumulated delay
	trendGain     = 4.0     // the slope times this and the sample count (≤ 60) is compared with the threshold
	thresholdInit = 12.5    // ms
	thresholdMin  = 6.0
	thresholdMax  = 600.0
	thresholdUp   = 0.0087 // per ms, while the trend is above the threshold (jitter raises it slowly)
	thresholdDown = 0.039  // per ms, while below
	overuseTime   = 30.0   // ms the trend must stay above the threshold
	overuseGroups = 3      // over at least this many groups (a single late burst lifts it for one or two)
	overuseQueue  = 10.0   // ms the delay must still be above the window's lowest (not a spike already gone)
	// Groups a fresh trend (after a decrease, or a silence: see
	// Estimator.afterSilence) needs before it may end a probe: waiting for
	// trendWindow of them, 400 ms of padding, let a probe overfill a
	// narrow link's queue and drop audio.
	warmGroups = 8

	// A receiver that reads packets sent over stallSpan or more in a third
	// of that time (or less) was catching up on a backlog: it had not been
	// reading. A link's queue drains at the link's pace, which is about
	// what is sent, not three times faster. For stallHold after that,
	// delay says nothing about the link (loss still does).
	stallSpan  = 20_000    // µs of send time, at least
	stallLook  = 150_000   // µs of send time looked back over, at most
	stallPace  = 3         // caught up this many times faster than sent
	stallHold  = 2_000_000 // µs of arrival time
	stallTrail = 128       // packets remembered for it
)

// signal is the detector's reading of the link.
type signal int

const (
	normal signal = iota
	overusing
	underusing
)

// pktGroup is packets sent within groupSpan (or arriving in a burst).
type pktGroup struct {
	valid        bool
	first, last  int64 // send µs (extended)
	firstArrival int64
	arrival      int64 // of the group's newest packet, µs on the receiver's clock
}

// trendPoint is one group: its arrival (ms since the first), the
// smoothed and the raw accumulated delay change (ms).
type trendPoint struct{ x, y, raw float64 }

// detector holds the delay trend of one subscriber's link.
type detector struct {
	cur, prev pktGroup

	acc, smoothed float64
	firstArrival  int64
	points        [trendWindow]trendPoint
	n             int // points recorded (the last trendWindow are kept)
	deltas        int // group deltas seen, for the gain
	trend         float64
	early         float64 // the slope over the first groups, before trendWindow of them (for building)

	threshold  float64
	thrUpdated int64 // arrival µs of the last threshold update; 0 = never
	overTime   float64
	overCount  int
	prevTrend  float64
	state      signal
	lastSample float64 // the latest modified trend, for stats

	trail   [stallTrail]trailPoint // the latest packets, for noteStall
	trailN  int
	stallAt int64 // arrival µs the receiver last showed a stall; 0 = never
	ignored int   // overuse signals ignored for a stalled receiver
}

func newDetector() detector { return detector{threshold: thresholdInit, overTime: -1} }

// reset forgets the groups and the trend (after a decrease the link is
// judged afresh); the threshold, which tracks jitter, stays.
func (d *detector) reset() {
	thr, stall, ignored := d.threshold, d.stallAt, d.ignored
	*d = newDetector()
	d.threshold, d.stallAt, d.ignored = thr, stall, ignored
}

// noteStall watches for a receiver catching up on a backlog (see
// stallSpan): it compares the packet with the latest one sent stallSpan
// before it or earlier, and with the oldest one sent within stallLook.
func (d *detector) noteStall(send, arrival int64) {
	caughtUp := func(p trailPoint) bool {
		span := send - p.send
		return span >= stallSpan && (arrival-p.arrival)*stallPace <= span
	}
	var oldest *trailPoint
	nearest := true
	for i := 1; i <= min(d.trailN, stallTrail); i++ {
		p := &d.trail[(d.trailN-i)%stallTrail]
		span := send - p.send
		if span >= stallSpan && nearest {
			nearest = false
			if caughtUp(*p) {
				d.stallAt = arrival
				break
			}
		}
		if span > stallLook {
			break
		}
		oldest = p
	}
	if oldest != nil && caughtUp(*oldest) {
		d.stallAt = arrival
	}
	d.trail[d.trailN%stallTrail] = trailPoint{send, arrival}
	d.trailN++
}

// trailPoint is one packet's send and arrival time (µs).
type trailPoint struct{ send, arrival int64 }

// stalled says whether the receiver stalled lately.
func (d *detector) stalled(arrival int64) bool {
	return d.stallAt != 0 && arrival-d.stallAt < stallHold
}

// onArrival takes one received packet, sent at send and read at arrival
// (µs on each side's clock).
func (d *detector) onArrival(send, arrival int64) {
	d.noteStall(send, arrival)
	c := &d.cur
	switch {
	case !c.valid:
		*c = pktGroup{valid: true, first: send, last: send, firstArrival: arrival, arrival: arrival}
		return
	case send < c.first:
		return // reordered: sent before this group began
	case send-c.first <= groupSpan || d.inBurst(send, arrival):
		c.last, c.arrival = max(c.last, send), max(c.arrival, arrival)
		return
	}
	if d.prev.valid {
		d.addDelta(float64(c.arrival-d.prev.arrival)/1000, float64(c.last-d.prev.last)/1000, c.arrival)
	}
	d.prev = *c
	*c = pktGroup{valid: true, first: send, last: send, firstArrival: arrival, arrival: arrival}
}

// inBurst says whether a packet arrived right behind the current group,
// earlier than its send spacing would have it: the receiver read a
// backlog, which says nothing about the link.
func (d *detector) inBurst(send, arrival int64) bool {
	c := &d.cur
	arrDelta := arrival - c.arrival
	if send == c.last {
		return true
	}
	return arrDelta-(send-c.last) < 0 && arrDelta <= burstSpan && arrival-c.firstArrival < burstMax
}

// addDelta folds one group's delay change (ms) into the trend and reads
// the link.
func (d *detector) addDelta(arrDelta, sendDelta float64, arrival int64) {
	if d.deltas == 0 {
		d.firstArrival = arrival
	}
	d.deltas = min(d.deltas+1, 1000)
	d.acc += arrDelta - sendDelta
	d.smoothed = trendSmooth*d.smoothed + (1-trendSmooth)*d.acc
	d.points[d.n%trendWindow] = trendPoint{x: float64(arrival-d.firstArrival) / 1000, y: d.smoothed, raw: d.acc}
	d.n++
	switch {
	case d.n >= trendWindow:
		if s, ok := slope(d.points[:]); ok {
			d.trend = s
		}
	case d.n >= warmGroups:
		if s, ok := slope(d.points[:d.n]); ok {
			d.early = s
		}
	}
	d.detect(sendDelta, arrival)
}

// slope fits a line through the points by least squares.
func slope(pts []trendPoint) (float64, bool) {
	var sx, sy float64
	for _, p := range pts {
		sx += p.x
		sy += p.y
	}
	mx, my := sx/float64(len(pts)), sy/float64(len(pts))
	var num, den float64
	for _, p := range pts {
		num += (p.x - mx) * (p.y - my)
		den += (p.x - mx) * (p.x - mx)
	}
	if den == 0 {
		return 0, false
	}
	return num / den, true
}

// built is how far the delay now stands above its lowest in the window:
// a late burst whose delay is already gone leaves the smoothed trend up
// for a while, but not this.
func (d *detector) built() float64 {
	low := d.acc
	for _, p := range d.points[:min(d.n, trendWindow)] {
		low = min(low, p.raw)
	}
	return d.acc - low
}

// probeQueue is the growth of the queue (ms) that ends a probe for more
// bandwidth: a probe is cheap to give up, a full queue drops audio.
const probeQueue = 15.0

// building reports a queue that has grown by probeQueue and still grows,
// stalled receiver or not.
func (d *detector) building() bool {
	t := d.trend
	if d.n < trendWindow {
		t = d.early
	}
	return t > 0 && d.built() > probeQueue
}

// detect compares the trend with the threshold: overuse once it has
// stayed above for overuseTime over more than one group and is not
// falling.
func (d *detector) detect(sendDelta float64, arrival int64) {
	if d.deltas < 2 {
		return
	}
	t := float64(min(d.deltas, 60)) * d.trend * trendGain
	d.lastSample = t
	switch {
	case t > d.threshold:
		if d.overTime < 0 {
			d.overTime = sendDelta / 2
		} else {
			d.overTime += sendDelta
		}
		d.overCount++
		if d.overTime > overuseTime && d.overCount >= overuseGroups && d.trend >= d.prevTrend && d.built() > overuseQueue {
			d.overTime, d.overCount = 0, 0
			if d.stalled(arrival) {
				d.ignored++
			} else {
				d.state = overusing
			}
		}
	case t < -d.threshold:
		d.overTime, d.overCount = -1, 0
		d.state = underusing
	default:
		d.overTime, d.overCount = -1, 0
		d.state = normal
	}
	d.prevTrend = d.trend
	d.adapt(t, arrival)
}

// adapt moves the threshold toward the trend's size: quickly down, slowly
// up, so jitter that keeps crossing it raises it, and a jump far above it
// (a real queue) does not.
func (d *detector) adapt(t float64, arrival int64) {
	if d.thrUpdated == 0 {
		d.thrUpdated = arrival
	}
	if math.Abs(t) > d.threshold+15 {
		d.thrUpdated = arrival
		return
	}
	k := thresholdUp
	if math.Abs(t) < d.threshold {
		k = thresholdDown
	}
	dt := min(float64(arrival-d.thrUpdated)/1000, 100)
	d.threshold = max(thresholdMin, min(thresholdMax, d.threshold+k*(math.Abs(t)-d.threshold)*dt))
	d.thrUpdated = arrival
}
