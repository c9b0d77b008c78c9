package sfu

import (
	"strings"
	"time"

	"github.com/pion/sdp/v3"
	"github.com/pion/webrtc/v4"
)

// localTrack is the DownTrack's side of Pion's TrackLocal: it is bound to
// one RTPSender and writes straight into its interceptor chain. Unlike
// TrackLocalStaticRTP it hides plain "nack" feedback from that chain, so
// Pion's NACK responder (which copies every packet, per subscriber,
// allocating) is not bound: the DownTrack answers NACKs from the
// UpTrack's rings instead. The subscriber still negotiates NACK.
type localTrack struct {
	// immutable
	id, streamID string
	kind         webrtc.RTPCodecType
	codec        webrtc.RTPCodecCapability
	d            *DownTrack
}

// binding is what a negotiated sender gave us.
type binding struct {
	ctxID string
	ssrc  uint32
	pt    uint8
	twcc  uint8 // the transport-wide sequence number extension's id; 0: not negotiated
	w     webrtc.TrackLocalWriter
	since int64 // unix nanos it was bound
}

func (t *localTrack) ID() string                { return t.id }
func (t *localTrack) RID() string               { return "" }
func (t *localTrack) StreamID() string          { return t.streamID }
func (t *localTrack) Kind() webrtc.RTPCodecType { return t.kind }

// Bind picks the negotiated codec matching the UpTrack's.
func (t *localTrack) Bind(ctx webrtc.TrackLocalContext) (webrtc.RTPCodecParameters, error) {
	c, ok := matchCodec(t.codec, ctx.CodecParameters())
	if !ok {
		return webrtc.RTPCodecParameters{}, webrtc.ErrUnsupportedCodec
	}
	b := &binding{ctxID: ctx.ID(), ssrc: uint32(ctx.SSRC()), pt: uint8(c.PayloadType), w: ctx.WriteStream(), since: time.Now().UnixNano()}
	for _, e := range ctx.HeaderExtensions() {
		if e.URI == sdp.TransportCCURI && e.ID > 0 && e.ID < 15 {
			b.twcc = uint8(e.ID)
		}
	}
	t.d.bind(b)
	var fb []webrtc.RTCPFeedback
	for _, f := range c.RTCPFeedback {
		if f.Type != "nack" || f.Parameter != "" {
			fb = append(fb, f)
		}
	}
	c.RTCPFeedback = fb
	return c, nil
}

// Unbind stops writes (the sender was stopped or replaced).
func (t *localTrack) Unbind(ctx webrtc.TrackLocalContext) error {
	if b := t.d.bound.Load(); b != nil && b.ctxID == ctx.ID() {
		t.d.bound.CompareAndSwap(b, nil)
		return nil
	}
	return webrtc.ErrUnbindFailed
}

// matchCodec finds want among the negotiated codecs: same MIME type and
// the same format parameters, else (H.264) the same packetization mode
// and profile, else the MIME type alone.
func matchCodec(want webrtc.RTPCodecCapability, have []webrtc.RTPCodecParameters) (webrtc.RTPCodecParameters, bool) {
	wf := fmtpMap(want.SDPFmtpLine)
	for pass := range 3 {
		for _, c := range have {
			if !strings.EqualFold(c.MimeType, want.MimeType) {
				continue
			}
			hf := fmtpMap(c.SDPFmtpLine)
			switch {
			case pass == 0 && sameMap(wf, hf),
				pass == 1 && wf["packetization-mode"] == hf["packetization-mode"] && profile(wf) == profile(hf),
				pass == 2:
				return c, true
			}
		}
	}
	return webrtc.RTPCodecParameters{}, false
}

func fmtpMap(line string) map[string]string {
	m := map[string]string{}
	for _, kv := range strings.Split(line, ";") {
		k, v, _ := strings.Cut(strings.TrimSpace(kv), "=")
		if k != "" {
			m[strings.ToLower(k)] = strings.ToLower(v)
		}
	}
	return m
}

func sameMap(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// profile is an H.264 profile-level-id without its level byte.
func profile(m map[string]string) string {
	p := m["profile-level-id"]
	if len(p) >= 4 {
		return p[:4]
	}
	return p
}
