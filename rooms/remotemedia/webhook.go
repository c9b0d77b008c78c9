package remotemedia

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"time"

	"github.com/livekit/protocol/auth"
	"github.com/livekit/protocol/livekit"
	"github.com/livekit/protocol/webhook"

	"github.com/zadankai/zadankai/rooms"
)

// Rules says what a room's rules make of one person in it
// (rooms.RoomRules reads them from the store).
type Rules interface {
	Entry(ctx context.Context, room, identity string) (rooms.Entry, error)
}

var _ Rules = rooms.RoomRules{}

const (
	// maxWebhookBody bounds an event: LiveKit's are a few KB.
	maxWebhookBody = 1 << 20
	// enforceTimeout bounds the store read and RoomService calls one
	// event may cause.
	enforceTimeout = 10 * time.Second
)

// Receiver takes a LiveKit server's webhooks (its webhook.urls point at
// the path media.webhook names) and keeps the room rules on it.
//
// A LiveKit server cannot revoke a token it has not seen, so removal,
// lock, lobby and end hold there in two ways. Join tokens live a minute
// and the room page fetches one right before it connects, so a token
// minted before a rule changed soon stops opening the room. And whoever
// joins against the rules anyway (a token still valid, or one the server
// refreshed while she was inside) is dealt with as her participant_joined
// event arrives: refused people are removed through RoomService, people
// who belong in the lobby are stripped of their grants and marked as
// waiting, as the embedded SFU does at the join itself. The delay is the
// webhook's (well under a second on a LAN), during which she is in the
// room: that is the price of a media plane that does not know our rules.
//
// Events are verified as LiveKit signs them: a token signed with one of
// our API keys whose sha256 claim is the body's hash; anything else is
// refused (401) and changes nothing. A replayed event only makes the
// receiver look at the current rules again.
type Receiver struct {
	keys  auth.KeyProvider
	rules Rules
	media rooms.MediaPlane
	log   *slog.Logger
}

// NewReceiver returns a Receiver that verifies events with keys (API key
// → secret), reads the rules from rules and acts through media.
func NewReceiver(keys map[string]string, rules Rules, media rooms.MediaPlane, log *slog.Logger) *Receiver {
	return &Receiver{keys: auth.NewFileBasedKeyProviderFromMap(keys), rules: rules, media: media, log: log}
}

// ServeHTTP verifies one event and acts on it. A failure to act answers
// 503, so that LiveKit tries again.
func (rc *Receiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		http.Error(w, "POST only", http.StatusMethodNotAllowed)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxWebhookBody)
	ev, err := webhook.ReceiveWebhookEvent(r, rc.keys)
	if err != nil {
		rc.log.Warn("media webhook refused", "remote", r.RemoteAddr, "err", err)
		http.Error(w, "the event is not signed with a known key", http.StatusUnauthorized)
		return
	}
	if ev.Event == webhook.EventParticipantJoined && ev.Room != nil && ev.Participant != nil {
		ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), enforceTimeout)
		defer cancel()
		if err := rc.enforce(ctx, ev.Room.Name, ev.Participant); err != nil {
			rc.log.Error("media webhook: keeping the room's rules", "room", ev.Room.Name, "identity", ev.Participant.Identity, "err", err)
			http.Error(w, "try again", http.StatusServiceUnavailable)
			return
		}
	}
	w.WriteHeader(http.StatusNoContent)
}

// enforce deals with p, who just joined room, by the room's rules.
func (rc *Receiver) enforce(ctx context.Context, room string, p *livekit.ParticipantInfo) error {
	e, err := rc.rules.Entry(ctx, room, p.Identity)
	if err != nil {
		return err
	}
	log := rc.log.With("room", room, "identity", p.Identity)
	switch {
	case e.Refused != "":
		log.Info("removing a participant who joined against the room's rules", "rule", e.Refused)
		err = rc.media.RemoveParticipant(ctx, room, p.Identity)
	case e.Lobby && granted(p.Permission):
		log.Info("sending a participant who joined with a stale token to the lobby")
		if err = rc.media.SetPermissions(ctx, room, p.Identity, rooms.MediaPermission{}); err == nil {
			err = rc.media.SetAttributes(ctx, room, p.Identity, map[string]string{"lobby": "1"})
		}
	}
	if errors.Is(err, rooms.ErrNotFound) {
		return nil // already gone
	}
	return err
}

// granted reports whether perm lets its holder do anything in the room.
func granted(perm *livekit.ParticipantPermission) bool {
	return perm != nil && (perm.CanPublish || perm.CanSubscribe || perm.CanPublishData)
}
