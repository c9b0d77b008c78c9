package sfu

import (
	"net"
	"testing"

	"github.com/pion/rtp"
	"github.com/pion/webrtc/v4"
)

func TestKeyframeDetection(t *testing.T) {
	cases := []struct {
		name    string
		mime    string
		payload []byte
		want    bool
	}{
		{"vp8 keyframe start", "video/VP8", []byte{0x10, 0x10, 0, 0, 0x9d}, true},
		{"vp8 delta frame", "video/VP8", []byte{0x10, 0x11, 0, 0}, false},
		{"vp8 continuation packet", "video/VP8", []byte{0x00, 0x10}, false},
		{"vp8 extended descriptor, 2-byte picture id", "video/VP8", []byte{0x90, 0x80, 0x81, 0x23, 0x10}, true},
		{"vp8 extended descriptor, delta", "video/VP8", []byte{0x90, 0x80, 0x81, 0x23, 0x11}, false},
		{"vp8 truncated", "video/VP8", []byte{0x90}, false},
		{"h264 IDR", "video/H264", []byte{0x65, 0x88}, true},
		{"h264 SPS", "video/H264", []byte{0x67, 0x42}, true},
		{"h264 non-IDR slice", "video/H264", []byte{0x41, 0x9a}, false},
		{"h264 STAP-A with SPS", "video/H264", []byte{0x78, 0x00, 0x02, 0x67, 0x42, 0x00, 0x02, 0x68, 0xce}, true},
		{"h264 FU-A start of IDR", "video/H264", []byte{0x7c, 0x85, 0xb8}, true},
		{"h264 FU-A middle of IDR", "video/H264", []byte{0x7c, 0x05, 0xb8}, false},
		{"empty", "video/VP8", nil, false},
		{"audio", "audio/opus", []byte{1}, true},
	}
	for _, c := range cases {
		if got := IsKeyframe(c.mime, c.payload); got != c.want {
			t.Errorf("%s: IsKeyframe = %v, want %v", c.name, got, c.want)
		}
	}
}

func TestQualityForRID(t *testing.T) {
	for rid, want := range map[string]Quality{"q": Low, "h": Medium, "f": High, "": High} {
		if got := QualityForRID(rid); got != want {
			t.Errorf("QualityForRID(%q) = %d, want %d", rid, got, want)
		}
	}
}

func TestConfig(t *testing.T) {
	if err := (Config{NodeIP: "not-an-ip"}).Validate(); err == nil {
		t.Error("bad NodeIP accepted")
	}
	if err := (Config{IPs: []string{"198.18.0.0/33"}}).Validate(); err == nil {
		t.Error("bad CIDR accepted")
	}
	c := Config{IPs: []string{"198.18.0.0/24"}}
	if !c.allowIP(net.ParseIP("198.18.0.2")) || c.allowIP(net.ParseIP("10.0.0.1")) || c.allowIP(net.ParseIP("127.0.0.1")) {
		t.Error("IP filter wrong")
	}
	if (Config{}).allowIP(net.ParseIP("::1")) || !(Config{AllowLoopback: true}).allowIP(net.ParseIP("127.0.0.1")) {
		t.Error("loopback/IPv6 filter wrong")
	}
}

// BenchmarkFanOut measures the SFU's bare per-packet work for one video
// packet forwarded to 30 subscribers (layer check, header rewrite, write
// to an unbound local track): the floor under the real per-packet cost.
//
//	go test -run '^$' -bench FanOut -benchmem ./sfu
func BenchmarkFanOut(b *testing.B) {
	up := &UpTrack{ID: "TR_x", Kind: webrtc.RTPCodecTypeVideo, Codec: webrtc.RTPCodecCapability{MimeType: "video/VP8", ClockRate: 90000}, closed: make(chan struct{})}
	l := &layer{}
	l.lastPkt.Store(1 << 62) // always "recent"
	l.lastPLI.Store(1 << 62) // keyframe requests throttled away (no publisher here)
	up.layers[High].Store(l)
	empty := []*DownTrack{}
	up.downs.Store(&empty)
	for range 30 {
		d, err := NewDownTrack(up, "TR_x", "PA_x|TR_x", nil, nil)
		if err != nil {
			b.Fatal(err)
		}
		up.Subscribe(d)
	}
	p := &rtp.Packet{Header: rtp.Header{Version: 2, PayloadType: 96, SequenceNumber: 1, Timestamp: 1, SSRC: 1}, Payload: make([]byte, 1000)}
	p.Payload[0], p.Payload[1] = 0x10, 0x10 // VP8 keyframe start
	b.ReportAllocs()
	for b.Loop() {
		p.SequenceNumber++
		t := now()
		for _, d := range *up.downs.Load() {
			d.forward(High, p, true, 1<<High, t)
		}
	}
}

func TestSeqCounter(t *testing.T) {
	cases := []struct {
		name string
		seqs []uint16
		want uint64
	}{
		{"in order", []uint16{10, 11, 12, 13}, 4},
		{"a gap of two", []uint16{10, 11, 14}, 5},
		{"late and repeated do not count", []uint16{10, 12, 11, 12, 13}, 4},
		{"wrap-around", []uint16{65534, 65535, 0, 1}, 4},
		{"loss across the wrap", []uint16{65533, 2}, 6},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var s seqCounter
			var got uint64
			for _, q := range c.seqs {
				got = s.add(q)
			}
			if got != c.want {
				t.Errorf("expected %d packets, counted %d", c.want, got)
			}
		})
	}
}
