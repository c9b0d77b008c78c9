package sfu

import (
	"context"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pion/rtcp"
	"github.com/pion/rtp"
	"github.com/pion/webrtc/v4"
)

// Quality is a simulcast layer: Low (q), Medium (h), High (f).
type Quality int

// Simulcast qualities, in LiveKit's numbering.
const (
	Low    Quality = 0
	Medium Quality = 1
	High   Quality = 2
)

// QualityForRID maps a simulcast rid to its quality ("" = a single layer,
// treated as High).
func QualityForRID(rid string) Quality {
	switch rid {
	case "q":
		return Low
	case "h":
		return Medium
	}
	return High
}

// UpTrack is one track a publisher sends, with up to three simulcast
// layers, fanned out to subscribers' DownTracks.
type UpTrack struct {
	// immutable
	ID     string
	Kind   webrtc.RTPCodecType
	Codec  webrtc.RTPCodecCapability
	pc     *webrtc.PeerConnection
	onRTP  func(q Quality, p *rtp.Packet) // optional observer (audio levels, first packet)
	log    *slog.Logger                   // keyframe requests and arrivals, at debug level
	closed chan struct{}

	mu sync.Mutex // serialises changes to downs

	// atomic: read on every packet, so without a lock
	layers [3]atomic.Pointer[layer]
	downs  atomic.Pointer[[]*DownTrack] // copy-on-write subscriber list
}

type layer struct {
	remote   *webrtc.TrackRemote
	ring     *packetRing  // video only: recent packets for retransmission
	lastPkt  atomic.Int64 // unix nanos of the last packet
	lastPLI  atomic.Int64 // unix nanos of the last keyframe request
	held     atomic.Int32 // keyframe requests the throttle held back since the last one sent
	received atomic.Uint64
	expected atomic.Uint64 // packets the sequence numbers say were sent
	bytes    atomic.Uint64 // RTP payload and header bytes received

	rateMu   sync.Mutex // guards the bitrate sample below
	rateAt   int64      // unix nanos of the sample
	rateSeen uint64     // bytes at the sample
	rate     int        // bits per second over the last sampled span
}

// NewUpTrack returns an UpTrack for a track arriving on pc. onRTP, if
// set, sees every packet (from the layer's reader goroutine); it must not
// keep the packet, which is reused for the next one. log (nil: none)
// gets the keyframe requests and arrivals at debug level.
func NewUpTrack(id string, remote *webrtc.TrackRemote, pc *webrtc.PeerConnection, onRTP func(Quality, *rtp.Packet), log *slog.Logger) *UpTrack {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	u := &UpTrack{ID: id, Kind: remote.Kind(), Codec: remote.Codec().RTPCodecCapability, pc: pc, onRTP: onRTP, log: log, closed: make(chan struct{})}
	empty := []*DownTrack{}
	u.downs.Store(&empty)
	return u
}

// AddLayer starts forwarding a (further) simulcast layer of the track.
func (u *UpTrack) AddLayer(remote *webrtc.TrackRemote) {
	q := QualityForRID(remote.RID())
	l := &layer{remote: remote}
	if u.Kind == webrtc.RTPCodecTypeVideo {
		l.ring = newPacketRing()
	}
	u.layers[q].Store(l)
	go u.readLoop(q, l)
}

// readLoop owns one layer: it reads, keeps, observes and fans out each
// packet. The packet and its buffer are reused, so a packet costs no
// allocation here.
func (u *UpTrack) readLoop(q Quality, l *layer) {
	buf := make([]byte, 1500)
	var seq seqCounter // owned by this loop
	var p rtp.Packet
	for {
		n, _, err := l.remote.Read(buf)
		if err != nil {
			return // the publisher's transceiver stopped (EOF) or the PC closed
		}
		if p.Unmarshal(buf[:n]) != nil {
			continue
		}
		now := time.Now().UnixNano()
		l.lastPkt.Store(now)
		l.received.Add(1)
		l.bytes.Add(uint64(n))
		l.expected.Store(seq.add(p.SequenceNumber))
		if l.ring != nil {
			l.ring.put(p.SequenceNumber, p.Timestamp, p.Marker, p.Header.PaddingSize, p.Payload)
		}
		if u.onRTP != nil {
			u.onRTP(q, &p)
		}
		key := u.Kind != webrtc.RTPCodecTypeVideo || IsKeyframe(u.Codec.MimeType, p.Payload)
		if key && u.Kind == webrtc.RTPCodecTypeVideo {
			u.logKeyframe(q, l, now)
		}
		avail := u.available(now) // once per packet, not per subscriber
		for _, d := range *u.downs.Load() {
			d.forward(q, &p, key, avail, now)
		}
	}
}

// seqCounter extends 16-bit sequence numbers to count the packets a
// sender sent, for loss figures. Late and repeated packets do not count.
type seqCounter struct {
	started bool
	first   uint64
	highest uint64
}

// add records seq and returns how many packets were expected so far.
func (c *seqCounter) add(seq uint16) uint64 {
	if !c.started {
		c.started, c.first, c.highest = true, uint64(seq), uint64(seq)
		return 1
	}
	// The signed 16-bit difference to the highest one seen tells forward
	// from late across wrap-arounds.
	if d := int16(seq - uint16(c.highest)); d > 0 {
		c.highest += uint64(d)
	}
	return c.highest - c.first + 1
}

// Stats returns the packets received and expected on all layers; their
// difference is the loss on the way from the publisher.
func (u *UpTrack) Stats() (received, expected uint64) {
	for q := range u.layers {
		if l := u.layers[q].Load(); l != nil {
			received += l.received.Load()
			expected += l.expected.Load()
		}
	}
	return received, expected
}

// ring returns layer q's retransmission buffer, nil if none.
func (u *UpTrack) ring(q Quality) *packetRing {
	if l := u.layers[q].Load(); l != nil {
		return l.ring
	}
	return nil
}

// availableFor is how long a silent layer still counts as available.
const availableFor = int64(2 * time.Second)

// available returns a bit mask (1<<q) of the layers that had packets in
// the last two seconds at now (unix nanos).
func (u *UpTrack) available(now int64) uint8 {
	var m uint8
	for q := range u.layers {
		if l := u.layers[q].Load(); l != nil && now-l.lastPkt.Load() < availableFor {
			m |= 1 << q
		}
	}
	return m
}

// Available reports whether layer q has received packets in the last
// two seconds (a publisher may stop sending layers its bandwidth lacks).
func (u *UpTrack) Available(q Quality) bool {
	return u.available(time.Now().UnixNano())&(1<<q) != 0
}

// Layers reports which layers have been seen at all.
func (u *UpTrack) Layers() []Quality {
	var out []Quality
	for q := range u.layers {
		if u.layers[q].Load() != nil {
			out = append(out, Quality(q))
		}
	}
	return out
}

// rateSpan is how long a layer's bitrate is averaged over: at least a
// keyframe interval, so keyframes count in it.
const rateSpan = int64(time.Second)

// Bitrate returns layer q's received bitrate in bits per second (0 if it
// is not received), averaged over about a second.
func (u *UpTrack) Bitrate(q Quality) int {
	l := u.layers[q].Load()
	if l == nil {
		return 0
	}
	now := time.Now().UnixNano()
	l.rateMu.Lock()
	defer l.rateMu.Unlock()
	if span := now - l.rateAt; span >= rateSpan {
		seen := l.bytes.Load()
		if l.rateAt != 0 {
			l.rate = int(float64(seen-l.rateSeen) * 8 * 1e9 / float64(span))
		}
		l.rateAt, l.rateSeen = now, seen
	}
	return l.rate
}

// Received returns how many packets layer q has received.
func (u *UpTrack) Received(q Quality) uint64 {
	if l := u.layers[q].Load(); l != nil {
		return l.received.Load()
	}
	return 0
}

// RequestKeyframe asks the publisher for a keyframe on layer q, at most
// once per 500 ms per layer; why says for whom, in the debug log.
func (u *UpTrack) RequestKeyframe(q Quality, why string) { u.requestKeyframe(q, keyframeEvery, why) }

// keyframeEvery is the throttle of keyframe requests per layer;
// keyframeStartEvery the shorter one while a subscriber waits for the
// keyframe that begins (or resumes) its stream, and keyframeConnectEvery
// the one at the moment its connection comes up (once per subscriber;
// it only merges a burst of connections: an encoder answers requests
// that come within a frame with one keyframe).
const (
	keyframeEvery        = int64(500 * time.Millisecond)
	keyframeStartEvery   = int64(100 * time.Millisecond)
	keyframeConnectEvery = int64(20 * time.Millisecond)
)

func (u *UpTrack) requestKeyframe(q Quality, every int64, why string) {
	l := u.layers[q].Load()
	if l == nil || u.Kind != webrtc.RTPCodecTypeVideo {
		return
	}
	now := time.Now().UnixNano()
	last := l.lastPLI.Load()
	if now-last < every || !l.lastPLI.CompareAndSwap(last, now) {
		l.held.Add(1)
		return
	}
	_ = u.pc.WriteRTCP([]rtcp.Packet{&rtcp.PictureLossIndication{MediaSSRC: uint32(l.remote.SSRC())}})
	if u.debug() {
		u.log.Debug("keyframe requested", "track", u.ID, "layer", int(q), "why", why,
			"since_last_ms", msSince(last, now), "held_back", l.held.Swap(0))
	}
}

// logKeyframe notes at debug level a keyframe's arrival on layer q at
// now (unix nanos): how long after the last request tells whether the
// publisher answered it.
func (u *UpTrack) logKeyframe(q Quality, l *layer, now int64) {
	if u.debug() {
		u.log.Debug("keyframe from the publisher", "track", u.ID, "layer", int(q), "since_request_ms", msSince(l.lastPLI.Load(), now))
	}
}

// debug reports whether u logs at debug level (a test's UpTrack may have
// no logger).
func (u *UpTrack) debug() bool {
	return u.log != nil && u.log.Enabled(context.Background(), slog.LevelDebug)
}

// msSince is the time from then to now (unix nanos) in milliseconds, -1
// if then never happened.
func msSince(then, now int64) float64 {
	if then == 0 {
		return -1
	}
	return float64((now-then)/1e4) / 100
}

// Subscribe adds d to the fan-out.
func (u *UpTrack) Subscribe(d *DownTrack) {
	u.mu.Lock()
	old := *u.downs.Load()
	next := append(append(make([]*DownTrack, 0, len(old)+1), old...), d)
	u.downs.Store(&next)
	u.mu.Unlock()
	// No keyframe request here: d cannot send before it is negotiated; its
	// binding asks for one (a keyframe now would reach nobody).
}

// Unsubscribe removes d from the fan-out.
func (u *UpTrack) Unsubscribe(d *DownTrack) {
	u.mu.Lock()
	defer u.mu.Unlock()
	old := *u.downs.Load()
	next := make([]*DownTrack, 0, len(old))
	for _, x := range old {
		if x != d {
			next = append(next, x)
		}
	}
	u.downs.Store(&next)
}

// Subscribers returns the current DownTracks.
func (u *UpTrack) Subscribers() []*DownTrack { return *u.downs.Load() }

// Close stops the fan-out; the reader goroutines end with the publisher's
// transceiver.
func (u *UpTrack) Close() {
	select {
	case <-u.closed:
	default:
		close(u.closed)
	}
	empty := []*DownTrack{}
	u.downs.Store(&empty)
}
