package sfu

import (
	"context"
	"encoding/binary"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pion/rtcp"
	"github.com/pion/rtp"
	"github.com/pion/webrtc/v4"
)

// DownTrack forwards one UpTrack to one subscriber. It picks one simulcast
// layer and rewrites sequence numbers and timestamps so that switching
// layers (on keyframes only) looks like one continuous stream. It answers
// the subscriber's NACKs itself, from the UpTrack's packet rings, so the
// per-packet path copies nothing and allocates nothing.
type DownTrack struct {
	// immutable
	up    *UpTrack
	local *localTrack
	link  *Downlink    // the subscriber's transport; nil: no congestion control
	clock uint32       // RTP clock rate
	log   *slog.Logger // how the stream starts, at debug level

	// atomic
	target    atomic.Int32 // wanted quality
	disabled  atomic.Bool  // subscriber hid the video (or unsubscribed)
	written   atomic.Uint64
	dropped   atomic.Uint64
	lost      atomic.Uint32 // last fraction lost the subscriber reported, in 1/256
	delivered atomic.Bool   // a packet has reached the subscriber's transport
	needKey   atomic.Bool   // resumed after a pause: continue only at a keyframe
	heard     atomic.Bool   // the subscriber has sent RTCP about this stream
	connected atomic.Int64  // unix nanos the subscriber's transport came up; 0: not yet
	resent    atomic.Uint64
	bound     atomic.Pointer[binding] // nil until negotiated
	priority  atomic.Int32            // higher is served first when bandwidth is short
	capped    atomic.Int32            // highest layer the subscriber's bandwidth allows
	paused    atomic.Bool             // the bandwidth allows no video at all

	// owned by the downlink's ticking goroutine: when the pause began or
	// last ended, and how long this one holds without proof the link
	// carries the video (longer each time a resume did not last)
	pausedAt, resumedAt, hold int64

	mu       sync.Mutex // guards the rewrite state below (layers arrive on their own goroutines)
	current  Quality
	started  bool
	seqOff   uint16
	tsOff    uint32
	lastSeq  uint16
	lastTS   uint32
	lastSent int64       // unix nanos
	atFrame  bool        // the last packet sent ended a frame: padding may follow
	segs     [64]segment // the last segments, newest at segs[segN]; padding runs start new ones
	segN     int

	direct directState // the direct path's state, under its own lock
}

// segment is a run of outgoing packets taken from one layer with one
// rewrite; a NACKed outgoing sequence number maps back through it.
type segment struct {
	valid  bool
	closed bool   // a later segment began; end is its last packet
	start  uint16 // first outgoing sequence number
	end    uint16
	layer  Quality
	seqOff uint16
	tsOff  uint32
}

// NewDownTrack returns a DownTrack for up whose local track has the given
// id and stream id (LiveKit clients expect "PA_sid|TR_sid"), sent over
// link (the subscriber's transport; nil for none). log (nil: none) gets
// how the stream starts, at debug level.
func NewDownTrack(up *UpTrack, id, streamID string, link *Downlink, log *slog.Logger) (*DownTrack, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	d := &DownTrack{up: up, clock: up.Codec.ClockRate, link: link, log: log}
	d.local = &localTrack{id: id, streamID: streamID, kind: up.Kind, codec: up.Codec, d: d}
	d.target.Store(int32(High))
	d.capped.Store(int32(High))
	if link != nil {
		link.add(d)
	}
	return d, nil
}

// Close takes d off its link's allocation; call it once unsubscribed.
func (d *DownTrack) Close() {
	if d.link != nil {
		d.link.remove(d)
	}
}

// SetPriority ranks d among its subscriber's tracks when bandwidth is
// short (the spotlight, screen shares and active speakers rank higher).
func (d *DownTrack) SetPriority(p int) { d.priority.Store(int32(p)) }

// Priority is d's rank among its subscriber's tracks.
func (d *DownTrack) Priority() int { return int(d.priority.Load()) }

// Paused reports whether the subscriber's bandwidth stopped this video.
func (d *DownTrack) Paused() bool { return d.paused.Load() }

// Capped is the highest layer the subscriber's bandwidth allows now.
func (d *DownTrack) Capped() Quality { return Quality(d.capped.Load()) }

// setCap applies the link's allocation: the highest layer, or a pause.
// It reports whether the paused state changed.
func (d *DownTrack) setCap(q Quality, paused bool) bool {
	changedCap := Quality(d.capped.Swap(int32(q))) != q
	was := d.paused.Swap(paused)
	if was && !paused {
		d.resume()
	} else if changedCap && !paused {
		d.requestKeyframe("the bandwidth's cap changed")
	}
	return was != paused
}

// Local is the track to add to the subscriber's peer connection.
func (d *DownTrack) Local() webrtc.TrackLocal { return d.local }

// UpTrack is the track this forwards.
func (d *DownTrack) UpTrack() *UpTrack { return d.up }

// TargetQuality is the layer the subscriber wants.
func (d *DownTrack) TargetQuality() Quality { return Quality(d.target.Load()) }

// SetTargetQuality chooses the layer to forward from the next keyframe.
func (d *DownTrack) SetTargetQuality(q Quality) {
	if Quality(d.target.Swap(int32(q))) != q {
		d.requestKeyframe("the subscriber wants another layer")
	}
}

// SetDisabled stops (or resumes) forwarding; resuming asks for a keyframe.
func (d *DownTrack) SetDisabled(v bool) {
	if d.disabled.Swap(v) && !v {
		d.resume()
	}
}

// resume continues after a pause at a keyframe: the frames in between
// were never sent, so the decoder cannot go on from where it stopped.
func (d *DownTrack) resume() {
	d.needKey.Store(true)
	d.askStart(keyframeStartEvery, "resume")
}

// Start tells d that its subscriber's transport is up: call it when the
// connection comes up, and at once for a DownTrack added to a connection
// already up. Until then d forwards nothing and asks for no keyframe: a
// keyframe made for a subscriber that cannot receive it is lost, and a
// browser ignores keyframe requests for a while (Chrome: 300 ms) after
// one it answered, so the one that counts would be ignored.
func (d *DownTrack) Start() {
	d.connected.CompareAndSwap(0, time.Now().UnixNano())
	d.log.Debug("subscriber transport up", "track", d.local.id, "negotiated", d.bound.Load() != nil)
	if !d.delivered.Load() {
		// Once negotiated, this is the moment a keyframe can be used, so
		// only a burst of connections shares one (else bind asks).
		d.askStart(keyframeConnectEvery, "subscriber connected")
	}
}

// bind is called when the subscriber's sender is negotiated with b.
func (d *DownTrack) bind(b *binding) {
	d.bound.Store(b)
	d.log.Debug("subscription negotiated", "track", d.local.id, "transport_up", d.connected.Load() != 0)
	d.askStart(keyframeStartEvery, "subscription negotiated") // the stream starts at the next keyframe
}

// sending reports whether packets can reach the subscriber now: the
// sender is negotiated and the transport is up. Keyframes asked for
// before are lost to it (see Start).
func (d *DownTrack) sending() bool {
	return d.bound.Load() != nil && d.connected.Load() != 0
}

// requestKeyframe asks for a keyframe on the layer d forwards or climbs
// to, at most once per keyframeEvery, if it can reach the subscriber.
func (d *DownTrack) requestKeyframe(why string) {
	if d.sending() {
		d.up.RequestKeyframe(d.effective(), why)
	}
}

// askStart asks for the keyframes a subscriber that sees nothing (yet,
// or since a pause) waits for: on the lowest available layer, whose
// keyframe is the smallest and so arrives whole first, to begin with,
// and on the layer it wants, to climb to; each at most once per every
// (nanoseconds) per layer. Not before packets can reach it (Start).
func (d *DownTrack) askStart(every int64, why string) {
	if !d.sending() {
		return
	}
	avail := d.up.available(time.Now().UnixNano())
	want := d.effectiveIn(avail)
	if low, ok := lowest(avail, want); ok && low != want {
		d.up.requestKeyframe(low, every, why+": lowest layer, to start")
	}
	d.up.requestKeyframe(want, every, why)
}

// keyframeThrottle is how often this DownTrack may ask again for the
// keyframe it waits for: more often while its subscriber sees nothing
// (starting, or resuming after a pause), since a browser ignores requests
// that come soon after its last keyframe.
func (d *DownTrack) keyframeThrottle() int64 {
	if d.needKey.Load() || !d.delivered.Load() {
		return keyframeStartEvery
	}
	return keyframeEvery
}

// Disabled reports whether forwarding is paused (the subscriber hid it).
func (d *DownTrack) Disabled() bool { return d.disabled.Load() }

// Written returns how many packets went to the subscriber.
func (d *DownTrack) Written() uint64 { return d.written.Load() }

// Resent returns how many packets were retransmitted after NACKs.
func (d *DownTrack) Resent() uint64 { return d.resent.Load() }

// effective is the best available layer not above the target, now.
func (d *DownTrack) effective() Quality {
	return d.effectiveIn(d.up.available(time.Now().UnixNano()))
}

// effectiveIn is the best layer in the availability mask avail not above
// the target or the bandwidth's cap.
func (d *DownTrack) effectiveIn(avail uint8) Quality {
	t := min(d.TargetQuality(), d.Capped())
	for q := t; q >= Low; q-- {
		if avail&(1<<q) != 0 {
			return q
		}
	}
	for q := t + 1; q <= High; q++ { // nothing at or below: take what there is
		if avail&(1<<q) != 0 {
			return q
		}
	}
	return t
}

// forward is called by the UpTrack's layer readers for every packet,
// with the layers available and the time (unix nanos) at its arrival.
func (d *DownTrack) forward(q Quality, p *rtp.Packet, keyframe bool, avail uint8, now int64) {
	b := d.bound.Load()
	if d.disabled.Load() || d.paused.Load() || b == nil || d.connected.Load() == 0 {
		return // not negotiated or connected yet: starting now would spend the keyframe on nobody
	}
	want := d.effectiveIn(avail)
	d.mu.Lock()
	switched := false
	if q != d.current || !d.started || d.needKey.Load() {
		// Start (or resume) on the first keyframe of any layer up to the
		// wanted one, then climb at the wanted layer's keyframe: the
		// layers' keyframes come at different moments, and the lowest
		// layer's, the smallest, is asked for too, so this starts sooner.
		first := (!d.started || d.needKey.Load()) && q <= want
		if (q != want && !first) || !keyframe {
			d.mu.Unlock()
			if q == want {
				d.up.requestKeyframe(q, d.keyframeThrottle(), "waiting for the wanted layer's keyframe")
			} else if low, _ := lowest(avail, want); first && q == low {
				d.up.requestKeyframe(q, keyframeStartEvery, "waiting for a keyframe to start")
			}
			return
		}
		d.switchTo(q, p, now)
		d.needKey.Store(false)
		switched = true
	}
	seq, ts := p.SequenceNumber+d.seqOff, p.Timestamp+d.tsOff
	if switched || int16(seq-d.lastSeq) > 0 {
		// a late (retransmitted) packet must not move the line back: the
		// next layer switch continues from the newest packet sent
		d.lastSeq, d.lastTS, d.lastSent, d.atFrame = seq, ts, now, p.Marker
	}
	d.mu.Unlock()
	if d.write(b, seq, ts, p.Marker, p.Header.PaddingSize, p.Payload, now, false) {
		d.written.Add(1)
		if !d.delivered.Load() {
			d.delivered.Store(true)
			d.logFirst(b, q, now)
		}
		return
	}
	if !d.delivered.Load() {
		d.log.Debug("first keyframe dropped: the transport is not ready", "track", d.local.id, "layer", int(q))
		// Negotiated but the transport is not up yet (SRTP not ready): the
		// stream must begin again at a keyframe the subscriber receives,
		// or its decoder starts on frames it cannot decode.
		d.mu.Lock()
		d.started = false
		d.mu.Unlock()
	}
}

// logFirst notes at debug level the first packet that reached the
// subscriber (on layer q, at now): how long after negotiation and after
// its transport came up.
func (d *DownTrack) logFirst(b *binding, q Quality, now int64) {
	if d.log.Enabled(context.Background(), slog.LevelDebug) {
		d.log.Debug("first packet forwarded", "track", d.local.id, "layer", int(q),
			"since_negotiated_ms", msSince(b.since, now), "since_transport_up_ms", msSince(d.connected.Load(), now))
	}
}

// switchTo starts forwarding layer q at packet p, continuing the outgoing
// sequence and timestamp lines. Called with mu held.
func (d *DownTrack) switchTo(q Quality, p *rtp.Packet, now int64) {
	if d.started && q != d.current {
		d.log.Debug("layer switch", "track", d.local.id, "from", int(d.current), "to", int(q))
	}
	if d.started {
		d.seqOff = d.lastSeq + 1 - p.SequenceNumber
		gap := uint32(float64(now-d.lastSent)/1e9*float64(d.clock)) + 1
		d.tsOff = d.lastTS + gap - p.Timestamp
	}
	d.current, d.started = q, true
	d.newSegment(p.SequenceNumber+d.seqOff, q)
}

// newSegment closes the current segment and opens one at outgoing
// sequence number start with the current offsets. Called with mu held.
func (d *DownTrack) newSegment(start uint16, q Quality) {
	if cur := &d.segs[d.segN]; cur.valid {
		cur.closed, cur.end = true, d.lastSeq
	}
	d.segN = (d.segN + 1) % len(d.segs)
	d.segs[d.segN] = segment{valid: true, start: start, layer: q, seqOff: d.seqOff, tsOff: d.tsOff}
}

// header is reused across writes: the interceptor chain takes a pointer,
// which would otherwise escape to the heap once per packet; twcc holds
// the transport-wide sequence number extension's payload.
type header struct {
	h    rtp.Header
	exts [2]rtp.Extension // backing for h.Extensions
	twcc [2]byte
}

var headers = sync.Pool{New: func() any {
	hb := &header{}
	hb.h.Extensions = hb.exts[:0]
	return hb
}}

// unheardFor bounds how long a new stream's losses go uncounted while the
// subscriber has sent no RTCP about it: until it has applied the answer
// that announces the stream, a receiver may drop (and report lost) what
// arrives for it.
const unheardFor = int64(3 * time.Second)

// rtpOverhead approximates what a packet adds to its payload on the wire
// (RTP header and extension, SRTP tag), for the bandwidth estimate.
const rtpOverhead = 12 + 8 + 10

// write sends one packet to the subscriber through its binding b at now
// (unix nanos); false if it was dropped (the transport is not up yet, or
// the sender closed). With congestion control it carries a transport-wide
// sequence number where one was negotiated.
func (d *DownTrack) write(b *binding, seq uint16, ts uint32, marker bool, padding byte, payload []byte, now int64, resend bool) bool {
	hb := headers.Get().(*header)
	h := &hb.h
	ext := h.Extensions[:0] // keep capacity for interceptors that add extensions
	*h = rtp.Header{Version: 2, Padding: padding > 0, PaddingSize: padding, Marker: marker, PayloadType: b.pt,
		SequenceNumber: seq, Timestamp: ts, SSRC: b.ssrc, Extensions: ext}
	if b.twcc != 0 && d.link != nil {
		size, tw := len(payload)+int(padding)+rtpOverhead, uint16(0)
		if resend || !d.heard.Load() && now-b.since < unheardFor {
			tw = d.link.bwe.OnSendUncounted(size, now)
		} else {
			tw = d.link.bwe.OnSend(size, now)
		}
		binary.BigEndian.PutUint16(hb.twcc[:], tw)
		_ = h.SetExtension(b.twcc, hb.twcc[:])
	} else if d.link != nil { // audio: TWCC is negotiated for video only
		d.link.bwe.OnSendUntracked(len(payload) + int(padding) + rtpOverhead)
	}
	var sent bool
	if p, k, to := d.link.directPath(); p != nil {
		sent = d.sendDirect(p, k, to, h, payload)
	} else {
		n, err := b.w.WriteRTP(h, payload)
		sent = err == nil && n > 0 // n == 0: Pion dropped it, SRTP is not ready yet
	}
	headers.Put(hb)
	if !sent {
		d.dropped.Add(1)
		return false
	}
	return true
}

// noteLoss keeps the worst fraction lost of a receiver report's blocks
// (the subscriber reports on the one stream this sender carries).
func (d *DownTrack) noteLoss(reports []rtcp.ReceptionReport) {
	if len(reports) == 0 {
		return
	}
	var worst uint8
	for _, r := range reports {
		worst = max(worst, r.FractionLost)
	}
	d.lost.Store(uint32(worst))
	switch b := d.bound.Load(); {
	case d.link == nil:
	case b != nil && b.twcc == 0: // audio: its reports are all that says it arrives
		d.link.bwe.OnUntrackedReport(float64(worst)/256, time.Now().UnixNano())
	default:
		d.link.bwe.OnReceiverReport(float64(worst)/256, time.Now().UnixNano())
	}
}

// FractionLost is the share of packets the subscriber last reported lost
// (0–1) on the way from the SFU.
func (d *DownTrack) FractionLost() float64 { return float64(d.lost.Load()) / 256 }

// ReadRTCP drains the subscriber's RTCP for this track (interceptors need
// it), relays keyframe requests to the publisher and answers NACKs. It
// returns when the sender is closed.
func (d *DownTrack) ReadRTCP(sender *webrtc.RTPSender) {
	buf := make([]byte, maxPayload)
	in := make([]byte, 1500)
	for {
		// Not sender.ReadRTCP, which allocates a buffer per packet and
		// parses again what the interceptors parsed into the attributes.
		n, attr, err := sender.Read(in)
		if err != nil {
			return
		}
		pkts, err := attr.GetRTCPPackets(in[:n])
		if err != nil {
			return
		}
		d.heard.Store(true)
		for _, p := range pkts {
			d.onRTCP(p, buf)
		}
	}
}

// onRTCP handles one RTCP packet from the subscriber about this track.
// buf is the caller's scratch space.
func (d *DownTrack) onRTCP(p rtcp.Packet, buf []byte) {
	switch p := p.(type) {
	case *rtcp.PictureLossIndication, *rtcp.FullIntraRequest:
		d.up.RequestKeyframe(d.effective(), "the subscriber asked")
	case *rtcp.ReceiverReport:
		d.noteLoss(p.Reports)
	case *rtcp.TransportLayerCC:
		// transport-wide: whichever sender's SSRC it names, it
		// is about everything sent over the link
		if d.link != nil {
			d.link.bwe.OnFeedback(p, time.Now().UnixNano())
		}
	case *rtcp.TransportLayerNack:
		for _, pair := range p.Nacks {
			pair.Range(func(seq uint16) bool {
				d.resend(seq, buf)
				return true
			})
		}
	}
}

// resend retransmits outgoing packet seq if its layer's ring still has
// it. buf is the caller's scratch space.
func (d *DownTrack) resend(seq uint16, buf []byte) {
	if d.paused.Load() || d.disabled.Load() {
		return // the bandwidth (or the subscriber) has no room for it
	}
	d.mu.Lock()
	var seg segment
	if int16(d.lastSeq-seq) >= 0 {
		for i := range len(d.segs) {
			s := d.segs[(d.segN-i+len(d.segs))%len(d.segs)]
			if s.valid && int16(seq-s.start) >= 0 {
				seg = s
				break
			}
		}
	}
	d.mu.Unlock()
	if !seg.valid || seg.closed && int16(seq-seg.end) > 0 {
		return // unknown, or padding (nothing to repair)
	}
	ring := d.up.ring(seg.layer)
	if ring == nil {
		return
	}
	b := d.bound.Load()
	if b == nil {
		return
	}
	slot, ok := ring.get(seq-seg.seqOff, buf)
	now := time.Now().UnixNano()
	if !ok || d.link != nil && !d.link.allowResend(slot.n+rtpOverhead, now) {
		return
	}
	if d.write(b, seq, slot.ts+seg.tsOff, slot.marker, slot.padding, buf[:slot.n], now, true) {
		d.resent.Add(1)
	}
}

// paddingSize is the padding of one probe packet: the most RTP allows.
const paddingSize = 255

// pad sends up to n padding-only packets right after the last frame, to
// probe for bandwidth without touching the media; it returns how many it
// sent. The media that follows continues the sequence after them.
func (d *DownTrack) pad(n int, now int64) int {
	b := d.bound.Load()
	if b == nil || b.twcc == 0 || n <= 0 {
		return 0
	}
	d.mu.Lock()
	// Only between frames, unless paused: then the frame was cut anyway
	// and the stream resumes at a keyframe.
	if !d.started || !d.atFrame && !d.paused.Load() || !d.delivered.Load() {
		d.mu.Unlock()
		return 0
	}
	first, ts := d.lastSeq+1, d.lastTS
	d.lastSeq += uint16(n)
	d.seqOff += uint16(n)
	d.newSegment(d.lastSeq+1, d.current)
	d.mu.Unlock()
	sent := 0
	for i := range n {
		if !d.write(b, first+uint16(i), ts, false, paddingSize, nil, now, false) {
			break
		}
		sent++
	}
	return sent
}
