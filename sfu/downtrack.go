package sfu

import (
	"sync"
	"sync/atomic"
	"time"

	"github.com/pion/rtcp"
	"github.com/pion/rtp"
	"github.com/pion/webrtc/v4"
)

// DownTrack forwards one UpTrack to one subscriber. It picks one simulcast
// layer and rewrites sequence numbers and timestamps so that switching
// layers (on keyframes only) looks like one continuous stream.
type DownTrack struct {
	// immutable
	up    *UpTrack
	local *webrtc.TrackLocalStaticRTP
	clock uint32 // RTP clock rate

	target   atomic.Int32 // wanted quality
	disabled atomic.Bool  // subscriber hid the video (or unsubscribed)
	written  atomic.Uint64
	dropped  atomic.Uint64
	lost     atomic.Uint32 // last fraction lost the subscriber reported, in 1/256

	mu       sync.Mutex // guards the rewrite state below (layers arrive on their own goroutines)
	current  Quality
	started  bool
	seqOff   uint16
	tsOff    uint32
	lastSeq  uint16
	lastTS   uint32
	lastSent time.Time
}

// NewDownTrack returns a DownTrack for up whose local track has the given
// id and stream id (LiveKit clients expect "PA_sid|TR_sid").
func NewDownTrack(up *UpTrack, id, streamID string) (*DownTrack, error) {
	local, err := webrtc.NewTrackLocalStaticRTP(up.Codec, id, streamID)
	if err != nil {
		return nil, err
	}
	d := &DownTrack{up: up, local: local, clock: up.Codec.ClockRate}
	d.target.Store(int32(High))
	return d, nil
}

// Local is the track to add to the subscriber's peer connection.
func (d *DownTrack) Local() *webrtc.TrackLocalStaticRTP { return d.local }

// UpTrack is the track this forwards.
func (d *DownTrack) UpTrack() *UpTrack { return d.up }

// TargetQuality is the layer the subscriber wants.
func (d *DownTrack) TargetQuality() Quality { return Quality(d.target.Load()) }

// SetTargetQuality chooses the layer to forward from the next keyframe.
func (d *DownTrack) SetTargetQuality(q Quality) {
	if Quality(d.target.Swap(int32(q))) != q {
		d.up.RequestKeyframe(d.effective())
	}
}

// SetDisabled stops (or resumes) forwarding; resuming asks for a keyframe.
func (d *DownTrack) SetDisabled(v bool) {
	if d.disabled.Swap(v) && !v {
		d.up.RequestKeyframe(d.effective())
	}
}

// Disabled reports whether forwarding is paused (the subscriber hid it).
func (d *DownTrack) Disabled() bool { return d.disabled.Load() }

// Written returns how many packets went to the subscriber.
func (d *DownTrack) Written() uint64 { return d.written.Load() }

// effective is the best available layer not above the target.
func (d *DownTrack) effective() Quality {
	t := d.TargetQuality()
	for q := t; q >= Low; q-- {
		if d.up.Available(q) {
			return q
		}
	}
	for q := t + 1; q <= High; q++ { // nothing at or below: take what there is
		if d.up.Available(q) {
			return q
		}
	}
	return t
}

// forward is called by the UpTrack's layer readers for every packet.
func (d *DownTrack) forward(q Quality, p *rtp.Packet, keyframe bool) {
	if d.disabled.Load() {
		return
	}
	want := d.effective()
	d.mu.Lock()
	if q != d.current || !d.started {
		if q != want || !keyframe {
			d.mu.Unlock()
			if q == want {
				d.up.RequestKeyframe(q)
			}
			return
		}
		d.switchTo(q, p)
	}
	out := *p
	out.Header.SequenceNumber = p.SequenceNumber + d.seqOff
	out.Header.Timestamp = p.Timestamp + d.tsOff
	d.lastSeq, d.lastTS, d.lastSent = out.SequenceNumber, out.Timestamp, time.Now()
	d.mu.Unlock()
	if err := d.local.WriteRTP(&out); err != nil {
		d.dropped.Add(1)
		return
	}
	d.written.Add(1)
}

// switchTo starts forwarding layer q at packet p, continuing the outgoing
// sequence and timestamp lines. Called with mu held.
func (d *DownTrack) switchTo(q Quality, p *rtp.Packet) {
	if d.started {
		d.seqOff = d.lastSeq + 1 - p.SequenceNumber
		gap := uint32(time.Since(d.lastSent).Seconds()*float64(d.clock)) + 1
		d.tsOff = d.lastTS + gap - p.Timestamp
	}
	d.current, d.started = q, true
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
}

// FractionLost is the share of packets the subscriber last reported lost
// (0–1) on the way from the SFU.
func (d *DownTrack) FractionLost() float64 { return float64(d.lost.Load()) / 256 }

// ReadRTCP drains the subscriber's RTCP for this track (interceptors need
// it) and relays keyframe requests to the publisher. It returns when the
// sender is closed.
func (d *DownTrack) ReadRTCP(sender *webrtc.RTPSender) {
	for {
		pkts, _, err := sender.ReadRTCP()
		if err != nil {
			return
		}
		for _, p := range pkts {
			switch p := p.(type) {
			case *rtcp.PictureLossIndication, *rtcp.FullIntraRequest:
				d.up.RequestKeyframe(d.effective())
			case *rtcp.ReceiverReport:
				d.noteLoss(p.Reports)
			}
		}
	}
}
