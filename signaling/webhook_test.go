package signaling_test

import (
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/livekit/protocol/auth"
	"github.com/livekit/protocol/livekit"
	lksdk "github.com/livekit/server-sdk-go/v2"
	"github.com/pion/webrtc/v4"
	"google.golang.org/protobuf/encoding/protojson"

	"github.com/zadankai/zadankai/sfu/sfutest"
	"github.com/zadankai/zadankai/signaling"
)

// TestWebhooks receives the events of a session as LiveKit posts them:
// signed (Authorization: a token whose sha256 claim is the body's hash)
// and retried when the receiver fails.
func TestWebhooks(t *testing.T) {
	var mu sync.Mutex
	var events []string
	var failures atomic.Int32
	recv := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if failures.Add(1) == 1 {
			http.Error(w, "try again", http.StatusServiceUnavailable) // the first delivery fails
			return
		}
		tok, err := auth.ParseAPIToken(r.Header.Get("Authorization"))
		if err != nil {
			t.Errorf("webhook authorization: %v", err)
			return
		}
		_, claims, err := tok.Verify(apiSecret)
		sum := sha256.Sum256(body)
		if err != nil || claims.Sha256 != base64.StdEncoding.EncodeToString(sum[:]) {
			t.Errorf("webhook signature does not match the body (%v)", err)
			return
		}
		var ev livekit.WebhookEvent
		if err := protojson.Unmarshal(body, &ev); err != nil {
			t.Errorf("webhook body: %v", err)
			return
		}
		mu.Lock()
		events = append(events, ev.Event)
		mu.Unlock()
	})
	ln, err := net.Listen("tcp", sfutest.NamespaceIP+":0")
	if err != nil {
		t.Fatal(err)
	}
	hookSrv := httptest.NewUnstartedServer(recv)
	hookSrv.Listener = ln
	hookSrv.Start()
	defer hookSrv.Close()
	ts := newServerWith(t, func(p *signaling.Params) {
		p.Webhooks = signaling.WebhookConfig{URLs: []string{hookSrv.URL}, APIKey: apiKey}
	})
	alice := connect(t, ts, "alice", grants{}, nil)
	mic, _ := lksdk.NewLocalSampleTrack(webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeOpus, ClockRate: 48000, Channels: 2})
	if _, err := alice.LocalParticipant.PublishTrack(mic, &lksdk.TrackPublicationOptions{Name: "mic", Source: livekit.TrackSource_MICROPHONE}); err != nil {
		t.Fatal(err)
	}
	stop := make(chan struct{})
	go pump(stop, mic)
	time.Sleep(time.Second)
	close(stop)
	alice.Disconnect()
	want := []string{"room_started", "participant_joined", "track_published", "track_unpublished", "participant_left", "room_finished"}
	waitFor(t, 15*time.Second, func() string {
		mu.Lock()
		defer mu.Unlock()
		if !slices.Equal(events, want) {
			return fmt.Sprintf("webhook events %v, want %v", events, want)
		}
		return ""
	})
}
