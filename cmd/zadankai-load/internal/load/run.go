package load

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/livekit/protocol/livekit"
	lksdk "github.com/livekit/server-sdk-go/v2"
	"github.com/pion/webrtc/v4"

	"github.com/zadankai/zadankai/internal/sockbuf"
)

// run is the state of one load run.
type run struct {
	cfg      Config
	progress io.Writer

	// atomic
	sent       atomic.Uint64 // samples (frames) written by all publishers
	publishing atomic.Int64  // publishers whose tracks are all published

	mu      sync.Mutex
	members []*member // guarded by mu: joined ones, in join order
	failed  []string  // guarded by mu: join or publish errors
}

// Run joins everyone at the configured rate, lets media flow for the
// warm-up, measures for cfg.Duration, then disconnects everyone. Progress
// lines go to progress (nil = nowhere). It returns when all clients are
// gone; ctx cancels early (the report then covers what was measured).
func Run(ctx context.Context, cfg Config, progress io.Writer) (*Report, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if progress == nil {
		progress = io.Discard
	}
	r := &run{cfg: cfg, progress: progress}
	mediaCtx, stopMedia := context.WithCancel(context.Background())
	var pumps sync.WaitGroup
	defer func() {
		stopMedia()
		pumps.Wait()
		r.disconnectAll()
	}()
	started := time.Now()
	r.joinAll(ctx, mediaCtx, &pumps)
	fmt.Fprintf(progress, "joined %d of %d in %.1f s\n", len(r.joined()), cfg.Rooms*(cfg.Publishers+cfg.Subscribers), time.Since(started).Seconds())
	// A busy machine negotiates slowly: measure once everything flows.
	if !r.waitMedia(ctx, cfg.MediaWait) {
		return nil, ctx.Err()
	}
	fmt.Fprintf(progress, "media on every track after %.1f s; warming up %v\n", time.Since(started).Seconds(), cfg.Warmup)
	if !sleep(ctx, cfg.Warmup) {
		return nil, ctx.Err()
	}
	before, err := r.sample()
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(progress, "measuring for %v\n", cfg.Duration)
	sleep(ctx, cfg.Duration) // cancelled: report the shorter window
	after, err := r.sample()
	if err != nil {
		return nil, err
	}
	return r.report(before, after), nil
}

// waitMedia waits until every receiver has packets on every track it
// should, or d passes; false if ctx ended.
func (r *run) waitMedia(ctx context.Context, d time.Duration) bool {
	end := time.Now().Add(d)
	for time.Now().Before(end) && !r.allFlowing() {
		r.growBuffers() // sockets ICE opened since
		if !sleep(ctx, 100*time.Millisecond) {
			return false
		}
	}
	r.growBuffers()
	return true
}

// growBuffers gives the clients' UDP sockets the configured receive
// buffer, so that the tool's own starved process does not drop what the
// server sent (browsers, each in its own process, would read it).
func (r *run) growBuffers() {
	if r.cfg.ClientRcvBuf > 0 {
		_ = sockbuf.GrowUDP(0, r.cfg.ClientRcvBuf)
	}
}

// allFlowing reports whether every joined receiver has media on all the
// tracks it should.
func (r *run) allFlowing() bool {
	for _, m := range r.joined() {
		n := 0
		for _, t := range m.snapshot() {
			if t.packets > 0 {
				n++
			}
		}
		if n < r.wantTracks(m) {
			return false
		}
	}
	return true
}

// sleep waits d or until ctx ends; false if ctx ended.
func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}

// joinAll starts one join every 1/JoinRate seconds — publishers of every
// room first, so subscribers find media flowing — and waits for all.
func (r *run) joinAll(ctx, mediaCtx context.Context, pumps *sync.WaitGroup) {
	type plan struct {
		room, identity string
		publisher      bool
	}
	var plans []plan
	for _, pub := range []bool{true, false} {
		for i := range r.cfg.Rooms {
			n, role := r.cfg.Subscribers, "sub"
			if pub {
				n, role = r.cfg.Publishers, "pub"
			}
			for j := range n {
				plans = append(plans, plan{fmt.Sprintf("%s-%d", r.cfg.RoomPrefix, i), fmt.Sprintf("%s-%d", role, j), pub})
			}
		}
	}
	every := time.Duration(float64(time.Second) / r.cfg.JoinRate)
	var wg sync.WaitGroup
	next := time.Now()
	for _, p := range plans {
		if !sleep(ctx, time.Until(next)) {
			break
		}
		next = next.Add(every)
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := r.join(ctx, mediaCtx, pumps, newMember(p.room, p.identity, p.publisher)); err != nil {
				r.mu.Lock()
				r.failed = append(r.failed, fmt.Sprintf("%s/%s: %v", p.room, p.identity, err))
				r.mu.Unlock()
			}
		}()
	}
	wg.Wait()
}

// join connects m (and publishes, for a publisher).
func (r *run) join(ctx, mediaCtx context.Context, pumps *sync.WaitGroup, m *member) error {
	jctx, cancel := context.WithTimeout(ctx, r.cfg.JoinTimeout)
	defer cancel()
	subscribe := !m.publisher || r.cfg.PublishersSubscribe
	room := lksdk.NewRoom(m.callback())
	m.joinStart = time.Now()
	err := room.JoinWithContext(jctx, r.cfg.URL, lksdk.ConnectInfo{APIKey: r.cfg.APIKey, APISecret: r.cfg.APISecret,
		RoomName: m.room, ParticipantIdentity: m.identity, ParticipantName: m.identity},
		lksdk.WithAutoSubscribe(subscribe), lksdk.WithConnectTimeout(r.cfg.JoinTimeout))
	if err != nil {
		return fmt.Errorf("join: %w", err)
	}
	m.joinTook = time.Since(m.joinStart)
	m.lkRoom = room
	r.growBuffers()
	r.mu.Lock()
	r.members = append(r.members, m)
	r.mu.Unlock()
	if m.publisher {
		return r.publish(mediaCtx, pumps, m)
	}
	return nil
}

// publish sends m's audio and (simulcast) video and starts their pumps.
func (r *run) publish(mediaCtx context.Context, pumps *sync.WaitGroup, m *member) error {
	lp := m.lkRoom.LocalParticipant
	if r.cfg.Audio {
		audio, err := lksdk.NewLocalSampleTrack(webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeOpus, ClockRate: 48000, Channels: 2})
		if err != nil {
			return err
		}
		if _, err := lp.PublishTrack(audio, &lksdk.TrackPublicationOptions{Name: "mic", Source: livekit.TrackSource_MICROPHONE}); err != nil {
			return fmt.Errorf("publish audio: %w", err)
		}
		pumps.Go(func() { pumpAudio(mediaCtx, audio, &r.sent) })
	}
	if !r.cfg.Video {
		r.publishing.Add(1)
		return nil
	}
	tracks, err := newVideoTracks(r.cfg.Simulcast, r.cfg.AnswerPLI, m.room+"-"+m.identity)
	if err != nil {
		return err
	}
	top := tracks[len(tracks)-1].layer
	opts := &lksdk.TrackPublicationOptions{Name: "cam", Source: livekit.TrackSource_CAMERA, VideoWidth: top.width, VideoHeight: top.height}
	local := make([]*lksdk.LocalTrack, len(tracks))
	for i, v := range tracks {
		local[i] = v.track
	}
	if r.cfg.Simulcast {
		_, err = lp.PublishSimulcastTrack(local, opts)
	} else {
		_, err = lp.PublishTrack(local[0], opts)
	}
	if err != nil {
		return fmt.Errorf("publish video: %w", err)
	}
	for _, v := range tracks {
		pumps.Go(func() { pumpVideo(mediaCtx, v, &r.sent) })
	}
	r.publishing.Add(1)
	return nil
}

func (r *run) joined() []*member {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]*member(nil), r.members...)
}

// disconnectAll leaves every room, a few clients at a time.
func (r *run) disconnectAll() {
	sem := make(chan struct{}, 8)
	var wg sync.WaitGroup
	for _, m := range r.joined() {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			m.lkRoom.Disconnect()
		})
	}
	wg.Wait()
}

// sample is every counter at one instant.
type sample struct {
	at        time.Time
	serverCPU time.Duration
	toolCPU   time.Duration
	sent      uint64
	counts    map[*member][]trackCount
}

func (r *run) sample() (sample, error) {
	s := sample{at: time.Now(), sent: r.sent.Load(), counts: map[*member][]trackCount{}}
	for _, m := range r.joined() {
		s.counts[m] = m.snapshot()
	}
	var err error
	if r.cfg.ServerPID > 0 {
		if s.serverCPU, err = processCPU(r.cfg.ServerPID); err != nil {
			return s, err
		}
	}
	if s.toolCPU, err = processCPU(os.Getpid()); err != nil {
		return s, errors.New("tool CPU: " + err.Error())
	}
	return s, nil
}
