package sfu

import (
	"errors"
	"sync"
	"time"

	"github.com/pion/interceptor"
	"github.com/pion/interceptor/pkg/nack"
	"github.com/pion/interceptor/pkg/report"
	"github.com/pion/interceptor/pkg/twcc"
	"github.com/pion/sdp/v3"
	"github.com/pion/webrtc/v4"
)

// interceptors are Pion's defaults without its stats recorder, which
// copies every outgoing packet's header extensions (allocating once per
// packet and subscriber) for GetStats, which the SFU does not use.
//
// Pion starts the RTCP loops of the NACK generator, the receiver and
// sender reports and the TWCC feedback for every peer connection, each
// on a ticker of its own, although a publisher's connection sends no
// media and a subscriber's receives none. Each tick wakes an idle
// server (and the Go runtime's monitor with it), which in an audio room
// costs more than forwarding. So each loop starts with the first stream
// it serves, and the sender reports and TWCC feedback of all connections
// share one timer per interval: one wake-up for all of them.
func interceptors(m *webrtc.MediaEngine) (*interceptor.Registry, error) {
	responder, err1 := nack.NewResponderInterceptor()
	generator, err2 := nack.NewGeneratorInterceptor()
	receiver, err3 := report.NewReceiverInterceptor()
	sender, err4 := report.NewSenderInterceptor(report.SenderTicker(func(d time.Duration) report.Ticker { return sharedTicks.ticker(d) }))
	feedback, err5 := twcc.NewSenderInterceptor(twcc.SendTicker(func(d time.Duration) twcc.Ticker { return sharedTicks.ticker(d) }))
	if err := errors.Join(err1, err2, err3, err4, err5); err != nil {
		return nil, err
	}
	// What webrtc.ConfigureNack and ConfigureTWCCSender negotiate.
	m.RegisterFeedback(webrtc.RTCPFeedback{Type: "nack"}, webrtc.RTPCodecTypeVideo)
	m.RegisterFeedback(webrtc.RTCPFeedback{Type: "nack", Parameter: "pli"}, webrtc.RTPCodecTypeVideo)
	// TWCC for video only, as LiveKit negotiates it: on audio it cost each
	// subscriber ten feedback packets a second to read (and the publisher
	// ours), more CPU than forwarding in an audio room. The downlink counts
	// audio's bytes without it (bwe.Estimator.OnSendUntracked).
	m.RegisterFeedback(webrtc.RTCPFeedback{Type: webrtc.TypeRTCPFBTransportCC}, webrtc.RTPCodecTypeVideo)
	if err := m.RegisterHeaderExtension(webrtc.RTPHeaderExtensionCapability{URI: sdp.TransportCCURI}, webrtc.RTPCodecTypeVideo); err != nil {
		return nil, err
	}
	ir := &interceptor.Registry{}
	ir.Add(responder) // no loop; bound to nothing while localTrack hides "nack"
	ir.Add(&lazyFactory{inner: generator, remote: nacked})
	ir.Add(&lazyFactory{inner: receiver, remote: anyStream})
	ir.Add(&lazyFactory{inner: sender, local: true})
	ir.Add(&lazyFactory{inner: feedback, remote: twccStream})
	return ir, nil
}

func anyStream(*interceptor.StreamInfo) bool { return true }

// nacked is the NACK generator's own filter: plain "nack" negotiated.
func nacked(info *interceptor.StreamInfo) bool {
	for _, fb := range info.RTCPFeedback {
		if fb.Type == "nack" && fb.Parameter == "" {
			return true
		}
	}
	return false
}

// twccStream says whether the stream carries transport-wide sequence
// numbers, the only ones the TWCC feedback loop records.
func twccStream(info *interceptor.StreamInfo) bool {
	for _, e := range info.RTPHeaderExtensions {
		if e.URI == sdp.TransportCCURI {
			return true
		}
	}
	return false
}

// lazyFactory builds lazyLoops around an interceptor whose RTCP loop
// Pion would start at BindRTCPWriter (once per peer connection). The
// loop starts instead at the first remote stream remote accepts (nil:
// none), or at the first local stream if local.
type lazyFactory struct {
	inner  interceptor.Factory
	remote func(*interceptor.StreamInfo) bool
	local  bool
}

func (f *lazyFactory) NewInterceptor(id string) (interceptor.Interceptor, error) {
	in, err := f.inner.NewInterceptor(id)
	if err != nil {
		return nil, err
	}
	return &lazyLoop{Interceptor: in, f: f}, nil
}

// lazyLoop holds back the inner interceptor's BindRTCPWriter. That is
// transparent for the interceptors wrapped here: they return the writer
// they are given, and only start their loop with it.
type lazyLoop struct {
	interceptor.Interceptor
	f *lazyFactory

	mu      sync.Mutex
	writer  interceptor.RTCPWriter // guarded by mu; nil before BindRTCPWriter
	started bool                   // guarded by mu
}

func (l *lazyLoop) BindRTCPWriter(w interceptor.RTCPWriter) interceptor.RTCPWriter {
	l.mu.Lock()
	l.writer = w
	l.mu.Unlock()
	return w
}

// start binds the held writer to the inner interceptor, once.
func (l *lazyLoop) start() {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.started || l.writer == nil {
		return
	}
	l.started = true
	l.Interceptor.BindRTCPWriter(l.writer)
}

func (l *lazyLoop) BindRemoteStream(info *interceptor.StreamInfo, r interceptor.RTPReader) interceptor.RTPReader {
	if l.f.remote != nil && l.f.remote(info) {
		l.start()
	}
	return l.Interceptor.BindRemoteStream(info, r)
}

func (l *lazyLoop) BindLocalStream(info *interceptor.StreamInfo, w interceptor.RTPWriter) interceptor.RTPWriter {
	if l.f.local {
		l.start()
	}
	return l.Interceptor.BindLocalStream(info, w)
}

// sharedTicks drives the tickers of every peer connection's loops.
var sharedTicks = &tickHub{groups: map[time.Duration]*tickGroup{}}

// tickHub keeps one timer per interval, running while a ticker of that
// interval is in use; each tick goes to all of them at once.
type tickHub struct {
	mu     sync.Mutex
	groups map[time.Duration]*tickGroup // guarded by mu
}

type tickGroup struct {
	every   time.Duration
	tickers map[*sharedTicker]struct{} // guarded by the hub's mu
	stop    chan struct{}
}

// sharedTicker is a ticker on its interval's shared timer; like a
// time.Ticker it drops ticks its reader is too slow for.
type sharedTicker struct {
	hub *tickHub
	g   *tickGroup
	c   chan time.Time
}

func (t *sharedTicker) Ch() <-chan time.Time { return t.c }

// Stop takes t off its timer, which stops with its last ticker.
func (t *sharedTicker) Stop() {
	t.hub.mu.Lock()
	defer t.hub.mu.Unlock()
	if _, ok := t.g.tickers[t]; !ok {
		return
	}
	delete(t.g.tickers, t)
	if len(t.g.tickers) == 0 {
		close(t.g.stop)
		delete(t.hub.groups, t.g.every)
	}
}

// ticker returns a ticker of interval every on the shared timer.
func (h *tickHub) ticker(every time.Duration) *sharedTicker {
	h.mu.Lock()
	defer h.mu.Unlock()
	g := h.groups[every]
	if g == nil {
		g = &tickGroup{every: every, tickers: map[*sharedTicker]struct{}{}, stop: make(chan struct{})}
		h.groups[every] = g
		go h.run(g)
	}
	t := &sharedTicker{hub: h, g: g, c: make(chan time.Time, 1)}
	g.tickers[t] = struct{}{}
	return t
}

// run ticks g's tickers until its last one stops.
func (h *tickHub) run(g *tickGroup) {
	tk := time.NewTicker(g.every)
	defer tk.Stop()
	for {
		select {
		case <-g.stop:
			return
		case now := <-tk.C:
			h.mu.Lock()
			for t := range g.tickers {
				select {
				case t.c <- now:
				default:
				}
			}
			h.mu.Unlock()
		}
	}
}
