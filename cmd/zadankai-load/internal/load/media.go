package load

import (
	"context"
	"encoding/binary"
	"sync/atomic"
	"time"

	"github.com/livekit/protocol/livekit"
	lksdk "github.com/livekit/server-sdk-go/v2"
	"github.com/pion/rtcp"
	"github.com/pion/webrtc/v4"
	"github.com/pion/webrtc/v4/pkg/media"
)

// videoLayer is one simulcast layer's shape, after LiveKit's presets
// (h180, h360, h720): the SFU forwards the real bitrates, so the sizes
// matter for the CPU figure.
type videoLayer struct {
	quality       livekit.VideoQuality
	width, height int
	bitrate       int // bits per second
	fps           int
}

var videoLayers = []videoLayer{
	{livekit.VideoQuality_LOW, 320, 180, 160_000, 15},
	{livekit.VideoQuality_MEDIUM, 640, 360, 450_000, 20},
	{livekit.VideoQuality_HIGH, 1280, 720, 1_700_000, 30},
}

// keyWeight is how much larger a keyframe is than a delta frame.
const keyWeight = 5

// frameSizes returns the delta and key frame sizes in bytes that make a
// second (fps-1 deltas, one keyframe) add up to the layer's bitrate.
func (l videoLayer) frameSizes() (delta, key int) {
	perSecond := l.bitrate / 8
	delta = perSecond / (l.fps - 1 + keyWeight)
	return delta, delta * keyWeight
}

// vp8Frame fills b with a VP8-shaped frame: the 3-byte frame tag (the
// lowest bit is 0 for a keyframe; show_frame set; first partition size),
// and for keyframes the start code and dimensions. The SDK's VP8
// payloader puts the real payload descriptor (with picture id) in front.
func vp8Frame(b []byte, key bool, width, height int) {
	part := uint32(len(b) / 4)
	tag := part<<5 | 0x10 // version 0, show_frame
	if !key {
		tag |= 1
	}
	b[0], b[1], b[2] = byte(tag), byte(tag>>8), byte(tag>>16)
	if key && len(b) >= 10 {
		copy(b[3:], []byte{0x9d, 0x01, 0x2a})
		binary.LittleEndian.PutUint16(b[6:], uint16(width))
		binary.LittleEndian.PutUint16(b[8:], uint16(height))
	}
}

// videoTrack is one layer of the publisher's video and whether a
// keyframe was asked for.
type videoTrack struct {
	track    *lksdk.LocalTrack
	layer    videoLayer
	keyAsked atomic.Bool
}

// newVideoTracks creates the publisher's video: three simulcast layers,
// or the high layer alone. With answerPLI, a layer answers the server's
// keyframe requests (PLI, FIR) with a keyframe at its next frame, as a
// browser's encoder does; else keyframes come only every second.
func newVideoTracks(simulcast, answerPLI bool, id string) ([]*videoTrack, error) {
	layers := videoLayers
	if !simulcast {
		layers = videoLayers[2:]
	}
	var tracks []*videoTrack
	for _, l := range layers {
		v := &videoTrack{layer: l}
		var opts []lksdk.LocalTrackOptions
		if simulcast {
			opts = append(opts, lksdk.WithSimulcast("cam-"+id, &livekit.VideoLayer{Quality: l.quality, Width: uint32(l.width), Height: uint32(l.height), Bitrate: uint32(l.bitrate)}))
		}
		if answerPLI {
			opts = append(opts, lksdk.WithRTCPHandler(v.onRTCP))
		}
		t, err := lksdk.NewLocalSampleTrack(webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeVP8, ClockRate: 90000}, opts...)
		if err != nil {
			return nil, err
		}
		v.track = t
		tracks = append(tracks, v)
	}
	return tracks, nil
}

// onRTCP notes a keyframe request for this layer's stream.
func (v *videoTrack) onRTCP(p rtcp.Packet) {
	ssrc := uint32(v.track.SSRC())
	switch p := p.(type) {
	case *rtcp.PictureLossIndication:
		if p.MediaSSRC == ssrc {
			v.keyAsked.Store(true)
		}
	case *rtcp.FullIntraRequest:
		for _, e := range p.FIR {
			if e.SSRC == ssrc {
				v.keyAsked.Store(true)
			}
		}
	}
}

// framesPerSecond is what one publisher should write in a second.
func (c Config) framesPerSecond() int {
	n := 0
	if c.Audio {
		n += int(time.Second / opusFrame)
	}
	if c.Video {
		layers := videoLayers
		if !c.Simulcast {
			layers = videoLayers[2:]
		}
		for _, l := range layers {
			n += l.fps
		}
	}
	return n
}

// pumpVideo writes one layer's frames in real time, a keyframe every
// second and when asked, until ctx ends.
func pumpVideo(ctx context.Context, v *videoTrack, sent *atomic.Uint64) {
	t, l := v.track, v.layer
	delta, key := l.frameSizes()
	buf := make([]byte, key)
	for i := range buf {
		buf[i] = byte(i*7 + 3) // not all zeros: some paths special-case them
	}
	interval := time.Second / time.Duration(l.fps)
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for i := 0; ; i++ {
		isKey := v.keyAsked.Swap(false) || i%l.fps == 0
		frame := buf[:delta]
		if isKey {
			frame = buf[:key]
		}
		vp8Frame(frame, isKey, l.width, l.height)
		if t.WriteSample(media.Sample{Data: frame, Duration: interval}, nil) == nil {
			sent.Add(1)
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// Opus at 20 ms frames and about 32 kb/s (LiveKit's speech preset is
// 24-32 kb/s): 80 bytes a packet, 50 packets a second.
const (
	opusFrame = 20 * time.Millisecond
	opusBytes = 80
)

// pumpAudio writes Opus-shaped packets (a TOC byte for 20 ms fullband
// CELT, then filler) until ctx ends.
func pumpAudio(ctx context.Context, t *lksdk.LocalTrack, sent *atomic.Uint64) {
	buf := make([]byte, opusBytes)
	buf[0] = 0xf8 // config 31 (CELT FB 20 ms), mono, one frame
	for i := 1; i < len(buf); i++ {
		buf[i] = byte(i * 13)
	}
	tick := time.NewTicker(opusFrame)
	defer tick.Stop()
	for {
		if t.WriteSample(media.Sample{Data: buf, Duration: opusFrame}, nil) == nil {
			sent.Add(1)
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}
