package signaling

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"log/slog"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/livekit/protocol/auth"
	"github.com/livekit/protocol/livekit"
	"google.golang.org/protobuf/encoding/protojson"
)

// WebhookConfig says where room and participant events are posted.
type WebhookConfig struct {
	URLs []string
	// APIKey signs the events (its secret comes from the server's keys).
	APIKey string
}

// Webhook event names, as LiveKit posts them.
const (
	EventRoomStarted        = "room_started"
	EventRoomFinished       = "room_finished"
	EventParticipantJoined  = "participant_joined"
	EventParticipantLeft    = "participant_left"
	EventTrackPublished     = "track_published"
	EventTrackUnpublished   = "track_unpublished"
	webhookQueue            = 1024
	webhookAttempts         = 4
	webhookFirstRetryWait   = 500 * time.Millisecond
	webhookRequestTimeout   = 5 * time.Second
	webhookContentType      = "application/webhook+json"
	webhookAuthorizationTTL = 5 * time.Minute
)

// notifier posts webhook events from one goroutine, in order, with
// retries; a full queue drops events (counted) rather than block a room.
type notifier struct {
	cfg     WebhookConfig
	secret  string
	log     *slog.Logger
	client  *http.Client
	queue   chan *livekit.WebhookEvent
	dropped atomic.Int64
	wg      sync.WaitGroup
	stop    chan struct{}
	once    sync.Once
}

func newNotifier(cfg WebhookConfig, secret string, log *slog.Logger) *notifier {
	n := &notifier{cfg: cfg, secret: secret, log: log, client: &http.Client{Timeout: webhookRequestTimeout},
		queue: make(chan *livekit.WebhookEvent, webhookQueue), stop: make(chan struct{})}
	n.wg.Add(1)
	go n.run()
	return n
}

// notify queues an event (a nil notifier does nothing).
func (n *notifier) notify(event string, r *livekit.Room, p *livekit.ParticipantInfo, t *livekit.TrackInfo) {
	if n == nil {
		return
	}
	ev := &livekit.WebhookEvent{Event: event, Room: r, Participant: p, Track: t, Id: newSID("EV_"), CreatedAt: time.Now().Unix()}
	select {
	case n.queue <- ev:
	default:
		n.dropped.Add(1)
	}
}

func (n *notifier) run() {
	defer n.wg.Done()
	for {
		select {
		case ev := <-n.queue:
			n.post(ev)
		case <-n.stop:
			for { // deliver what is queued, without retries, then stop
				select {
				case ev := <-n.queue:
					n.postOnce(ev)
				default:
					return
				}
			}
		}
	}
}

func (n *notifier) post(ev *livekit.WebhookEvent) {
	wait := webhookFirstRetryWait
	for attempt := 1; ; attempt++ {
		if n.postOnce(ev) || attempt == webhookAttempts {
			return
		}
		select {
		case <-time.After(wait):
			wait *= 2
		case <-n.stop:
			return
		}
	}
}

// postOnce sends ev to every URL; it reports whether all accepted it.
func (n *notifier) postOnce(ev *livekit.WebhookEvent) bool {
	body, err := protojson.Marshal(ev)
	if err != nil {
		return true
	}
	sum := sha256.Sum256(body)
	tok, err := auth.NewAccessToken(n.cfg.APIKey, n.secret).SetValidFor(webhookAuthorizationTTL).
		SetSha256(base64.StdEncoding.EncodeToString(sum[:])).ToJWT()
	if err != nil {
		return true
	}
	ok := true
	for _, url := range n.cfg.URLs {
		ctx, cancel := context.WithTimeout(context.Background(), webhookRequestTimeout)
		req, _ := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
		req.Header.Set("Content-Type", webhookContentType)
		req.Header.Set("Authorization", tok)
		res, err := n.client.Do(req)
		cancel()
		if err != nil || res.StatusCode >= 300 {
			ok = false
			n.log.Debug("webhook not delivered", "url", url, "event", ev.Event, "err", err)
		}
		if res != nil {
			res.Body.Close()
		}
	}
	return ok
}

func (n *notifier) close() {
	if n == nil {
		return
	}
	n.once.Do(func() { close(n.stop) })
	n.wg.Wait()
}
