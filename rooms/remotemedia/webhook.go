package remotemedia

import (
	"context"
	"encoding/json"
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

// Events is what keeps the control plane's view of media rooms true
// (rooms.RoomEvents records them in the store).
type Events interface {
	Record(ctx context.Context, ev rooms.MediaEvent) error
}

var _ Events = rooms.RoomEvents{}

// Receiver takes a LiveKit server's webhooks (its webhook.urls point at
// the path media.webhook names), keeps the room rules on it and keeps the
// control plane's view of its rooms true: who is in which room, who came,
// which roundtable's room has finished (rooms.RoomEvents).
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
// refused (401, code webhook_unverified) and changes nothing. LiveKit
// retries and may reorder events; every step they cause is idempotent, so
// a replayed event only makes the receiver look at the current rules
// again.
type Receiver struct {
	keys   auth.KeyProvider
	rules  Rules
	media  rooms.MediaPlane
	events Events
	log    *slog.Logger
}

// ReceiverParams are what a Receiver works with.
type ReceiverParams struct {
	Keys   map[string]string // API key → secret, which sign the events
	Rules  Rules             // the room rules, read at each join
	Media  rooms.MediaPlane  // where rule breakers are removed
	Events Events            // where what happened is recorded; nil: nowhere
	Logger *slog.Logger
}

// NewReceiver returns a Receiver; Keys, Rules, Media and Logger are
// required.
func NewReceiver(p ReceiverParams) (*Receiver, error) {
	if len(p.Keys) == 0 || p.Rules == nil || p.Media == nil || p.Logger == nil {
		return nil, errors.New("remotemedia: a webhook receiver needs keys, rules, a media plane and a logger")
	}
	return &Receiver{keys: auth.NewFileBasedKeyProviderFromMap(p.Keys), rules: p.Rules, media: p.Media, events: p.Events, log: p.Logger}, nil
}

// ServeHTTP verifies one event and acts on it. A failure to act answers
// 503, so that LiveKit tries again.
func (rc *Receiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		refuse(w, http.StatusMethodNotAllowed, "method_not_allowed", "POST only")
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxWebhookBody)
	ev, err := webhook.ReceiveWebhookEvent(r, rc.keys)
	if err != nil {
		rc.log.Warn("media webhook refused", "remote", r.RemoteAddr, "err", err)
		refuse(w, http.StatusUnauthorized, "webhook_unverified", "the event is not signed with a known key")
		return
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), enforceTimeout)
	defer cancel()
	if err := rc.handle(ctx, ev); err != nil {
		rc.log.Error("media webhook: acting on an event", "event", ev.Event, "id", ev.Id, "room", ev.Room.GetName(),
			"identity", ev.Participant.GetIdentity(), "err", err)
		refuse(w, http.StatusServiceUnavailable, "try_again", "the event could not be acted on; send it again")
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// refuse answers in the API's error shape, {"error":{"code","message"}},
// whose code is stable.
func refuse(w http.ResponseWriter, status int, code, msg string) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{"error": map[string]string{"code": code, "message": msg}})
}

// handle keeps the rules on a participant who joined, then records what
// happened. Both are idempotent, so a retry redoes whatever failed.
func (rc *Receiver) handle(ctx context.Context, ev *livekit.WebhookEvent) error {
	if ev.Room == nil {
		return nil
	}
	if ev.Event == webhook.EventParticipantJoined && ev.Participant != nil {
		if err := rc.enforce(ctx, ev.Room.Name, ev.Participant); err != nil {
			return err
		}
	}
	if me, ok := mediaEvent(ev); ok && rc.events != nil {
		return rc.events.Record(ctx, me)
	}
	return nil
}

// mediaEvent turns the events that change who is in a room into the
// domain's terms.
func mediaEvent(ev *livekit.WebhookEvent) (rooms.MediaEvent, bool) {
	at := time.Unix(ev.CreatedAt, 0).UTC()
	if ev.CreatedAt == 0 {
		at = time.Now().UTC()
	}
	me := rooms.MediaEvent{Kind: ev.Event, Room: ev.Room.Name, RoomSID: ev.Room.Sid, At: at}
	switch ev.Event {
	case webhook.EventParticipantJoined, webhook.EventParticipantLeft:
		if ev.Participant == nil {
			return me, false
		}
		me.SID, me.Identity = ev.Participant.Sid, ev.Participant.Identity
		return me, true
	case webhook.EventRoomFinished:
		return me, true
	}
	return me, false
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
