package signaling_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/livekit/protocol/auth"
	protologger "github.com/livekit/protocol/logger"
	lksdk "github.com/livekit/server-sdk-go/v2"
	"github.com/pion/webrtc/v4"
	"github.com/pion/webrtc/v4/pkg/media"

	"github.com/zadankai/zadankai/sfu"
	"github.com/zadankai/zadankai/sfu/sfutest"
	"github.com/zadankai/zadankai/signaling"
)

const (
	apiKey    = "testkey"
	apiSecret = "testsecret-testsecret-testsecret"
)

// TestMain runs the tests inside a network namespace of their own, with
// the SDK's own logging silenced.
func TestMain(m *testing.M) {
	if os.Getenv("ZADANKAI_TEST_LOG") == "" {
		// A zap logger at error level, not the discard logger: the SDK's
		// pion adapter for generic loggers formats every debug line
		// eagerly, which reads pion's track fields without its locks and
		// trips the race detector inside pion; the zap adapter checks the
		// level first.
		zl, err := protologger.NewZapLogger(&protologger.Config{Level: "error"})
		if err != nil {
			panic(err)
		}
		lksdk.SetLogger(zl)
	}
	os.Exit(sfutest.RunInNamespace(m))
}

type testServer struct {
	url string // ws://198.18.0.2:PORT
	sig *signaling.Server
	srv *httptest.Server
	sfu *sfu.SFU
}

// newServer runs the signaling server and SFU on the namespace address.
func newServer(t *testing.T) *testServer { return newServerTB(t) }

func newServerTB(t testing.TB) *testServer { return newServerWith(t, nil) }

// newServerWith lets a test adjust the server's parameters.
func newServerWith(t testing.TB, adjust func(*signaling.Params)) *testServer {
	t.Helper()
	return newServerSFU(t, sfu.Config{IPs: []string{sfutest.NamespaceIP}}, adjust)
}

// newServerSFU also chooses the SFU's configuration.
func newServerSFU(t testing.TB, cfg sfu.Config, adjust func(*signaling.Params)) *testServer {
	t.Helper()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	if os.Getenv("ZADANKAI_TEST_LOG") != "" {
		log = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	s, err := sfu.New(cfg, log)
	if err != nil {
		t.Fatal(err)
	}
	params := signaling.Params{Keys: map[string]string{apiKey: apiSecret}, SFU: s, Logger: log}
	if adjust != nil {
		adjust(&params)
	}
	sig, err := signaling.New(params)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", sfutest.NamespaceIP+":0")
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("/twirp/", sig.RoomServiceHandler())
	mux.Handle("/", sig)
	srv := httptest.NewUnstartedServer(mux)
	srv.Listener = ln
	srv.Start()
	ts := &testServer{url: "ws://" + ln.Addr().String(), sig: sig, srv: srv, sfu: s}
	t.Cleanup(ts.close)
	return ts
}

// close stops the server as serve's drain does (again: a no-op).
func (ts *testServer) close() {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_ = ts.sig.Close(ctx)
	ts.srv.Close()
	_ = ts.sfu.Close()
}

type grants struct {
	noPublish, noData bool
	room              string
	selfMeta          bool              // canUpdateOwnMetadata, as the control plane grants it
	attrs             map[string]string // set by the token's minter (role…)
}

// expiredToken signs, by hand, a token that expired two hours ago (the
// SDK's builder cannot make one, and verification allows a minute's skew).
func expiredToken(identity string) string {
	now := time.Now().Unix()
	return handSigned(fmt.Sprintf(`{"iss":%q,"sub":%q,"nbf":%d,"exp":%d,"video":{"roomJoin":true,"room":"test-room"}}`,
		apiKey, identity, now-3*3600, now-2*3600))
}

// handSigned signs claims (JSON) with the test key, as the SDK would but
// with whatever claims a test needs.
func handSigned(claims string) string {
	enc := base64.RawURLEncoding
	head := enc.EncodeToString([]byte(`{"alg":"HS256","typ":"JWT"}`))
	body := enc.EncodeToString([]byte(claims))
	mac := hmac.New(sha256.New, []byte(apiSecret))
	mac.Write([]byte(head + "." + body))
	return head + "." + body + "." + enc.EncodeToString(mac.Sum(nil))
}

func tokenTB(t testing.TB, identity string) string { return token(t, identity, grants{}) }

func token(t testing.TB, identity string, g grants) string {
	t.Helper()
	room := g.room
	if room == "" {
		room = "test-room"
	}
	yes, pub, data, self := true, !g.noPublish, !g.noData, g.selfMeta
	at := auth.NewAccessToken(apiKey, apiSecret).SetIdentity(identity).SetName("Name of " + identity).
		SetVideoGrant(&auth.VideoGrant{RoomJoin: true, Room: room, CanPublish: &pub, CanSubscribe: &yes, CanPublishData: &data, CanUpdateOwnMetadata: &self})
	if g.attrs != nil {
		at.SetAttributes(g.attrs)
	}
	jwt, err := at.ToJWT()
	if err != nil {
		t.Fatal(err)
	}
	return jwt
}

// recorder counts what a client receives.
type recorder struct {
	mu       sync.Mutex
	packets  map[string]*atomic.Int64 // by track sid
	kinds    map[string]string
	payloads map[string]uint8
	data     []lksdk.DataReceiveParams
	dataBody []string
	gone     []string
	muted    map[string]bool
}

func newRecorder() *recorder {
	return &recorder{packets: map[string]*atomic.Int64{}, kinds: map[string]string{}, payloads: map[string]uint8{}, muted: map[string]bool{}}
}

func (r *recorder) callback() *lksdk.RoomCallback {
	return &lksdk.RoomCallback{
		ParticipantCallback: lksdk.ParticipantCallback{
			OnTrackSubscribed: func(track *webrtc.TrackRemote, pub *lksdk.RemoteTrackPublication, _ *lksdk.RemoteParticipant) {
				n := &atomic.Int64{}
				r.mu.Lock()
				r.packets[pub.SID()] = n
				r.kinds[pub.SID()] = track.Kind().String()
				r.mu.Unlock()
				go func() {
					for {
						p, _, err := track.ReadRTP()
						if err != nil {
							return
						}
						r.mu.Lock()
						r.payloads[pub.SID()] = p.PayloadType
						r.mu.Unlock()
						n.Add(1)
					}
				}()
			},
			OnDataPacket: func(d lksdk.DataPacket, params lksdk.DataReceiveParams) {
				r.mu.Lock()
				defer r.mu.Unlock()
				r.data = append(r.data, params)
				if u, ok := d.(*lksdk.UserDataPacket); ok {
					r.dataBody = append(r.dataBody, string(u.Payload))
				}
			},
			OnTrackMuted: func(pub lksdk.TrackPublication, _ lksdk.Participant) {
				r.mu.Lock()
				r.muted[pub.SID()] = true
				r.mu.Unlock()
			},
			OnTrackUnmuted: func(pub lksdk.TrackPublication, _ lksdk.Participant) {
				r.mu.Lock()
				r.muted[pub.SID()] = false
				r.mu.Unlock()
			},
		},
		OnParticipantDisconnected: func(p *lksdk.RemoteParticipant) {
			r.mu.Lock()
			r.gone = append(r.gone, p.Identity())
			r.mu.Unlock()
		},
	}
}

func (r *recorder) count(sid string) int64 {
	r.mu.Lock()
	defer r.mu.Unlock()
	if n := r.packets[sid]; n != nil {
		return n.Load()
	}
	return -1
}

// waitFor polls cond until it returns "" or d passes; the last message is
// the failure.
func waitFor(t *testing.T, d time.Duration, cond func() string) {
	t.Helper()
	deadline := time.Now().Add(d)
	msg := ""
	for time.Now().Before(deadline) {
		if msg = cond(); msg == "" {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatal(msg)
}

func connect(t *testing.T, ts *testServer, identity string, g grants, r *recorder) *lksdk.Room {
	t.Helper()
	if r == nil {
		r = newRecorder()
	}
	room, err := lksdk.ConnectToRoomWithToken(ts.url, token(t, identity, g), r.callback(), lksdk.WithAutoSubscribe(true))
	if err != nil {
		t.Fatalf("%s: connect: %v", identity, err)
	}
	t.Cleanup(room.Disconnect)
	return room
}

// vp8Frame is a tiny VP8-shaped frame: the frame tag's lowest bit says
// keyframe (0) or not; the SFU switches layers only on keyframes.
func vp8Frame(key bool, size int) []byte {
	b := make([]byte, size)
	b[0] = 0x11
	if key {
		b[0] = 0x10
		copy(b[3:], []byte{0x9d, 0x01, 0x2a, 0x40, 0x01, 0xf0, 0x00})
	}
	return b
}

// everyTick calls f with 0, 1, 2, … every d until the test ends.
func everyTick(t *testing.T, d time.Duration, f func(i int)) {
	stop := make(chan struct{})
	t.Cleanup(func() { close(stop) })
	go func() {
		tick := time.NewTicker(d)
		defer tick.Stop()
		start, next := time.Now(), 0
		for {
			select {
			case <-stop:
				return
			case <-tick.C:
			}
			// A ticker drops the ticks a busy machine made it miss, and the
			// publisher would send less than its nominal rate: catch up on
			// the last few (a longer stall is lost, as with a real encoder).
			due := int(time.Since(start) / d)
			for next = max(next, due-4); next <= due; next++ {
				f(next)
			}
		}
	}()
}

// pump writes samples to tracks until stop is closed.
func pump(stop <-chan struct{}, audio *lksdk.LocalTrack, video ...*lksdk.LocalTrack) {
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for i := 0; ; i++ {
		select {
		case <-stop:
			return
		case <-tick.C:
		}
		if audio != nil {
			_ = audio.WriteSample(media.Sample{Data: make([]byte, 40), Duration: 20 * time.Millisecond}, nil)
		}
		if i%2 == 0 {
			for j, v := range video {
				_ = v.WriteSample(media.Sample{Data: vp8Frame(i%50 == 0, 300*(j+1)), Duration: 40 * time.Millisecond}, nil)
			}
		}
	}
}

func isSubstr(s, sub string) bool { return strings.Contains(s, sub) }
