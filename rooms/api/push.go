package api

import (
	"cmp"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/zadankai/zadankai/rooms"
)

// Notifier tells a member what happened, by her preferences: push, email
// or nothing (rooms/push). Without one the API mails as it always did.
type Notifier interface {
	// Notify tells m about n; mail is the email for it (nil: none). It
	// never waits for a push service.
	Notify(ctx context.Context, m *rooms.Member, n rooms.Notice, mail *rooms.Email)
	// PublicKey is the VAPID key browsers subscribe with.
	PublicKey() string
	// InsecureEndpoints reports whether http endpoints are accepted (tests).
	InsecureEndpoints() bool
}

// mailOnly is the Notifier of a server without push: the email goes.
type mailOnly struct {
	mailer rooms.Mailer
	log    *slog.Logger
}

var _ Notifier = mailOnly{}

func (o mailOnly) Notify(ctx context.Context, m *rooms.Member, _ rooms.Notice, mail *rooms.Email) {
	if mail == nil {
		return
	}
	if err := o.mailer.Send(ctx, *mail); err != nil {
		o.log.WarnContext(ctx, "notification email failed", "member_id", m.ID, "err", err)
	}
}

func (mailOnly) PublicKey() string       { return "" }
func (mailOnly) InsecureEndpoints() bool { return false }

// maxDevices bounds one member's subscriptions: a phone, a tablet, a
// laptop or two, with room for browsers that renewed without telling us.
const maxDevices = 10

// DeviceView is a subscribed device as its owner sees it; the endpoint
// and keys never leave the server again.
type DeviceView struct {
	ID        rooms.PushSubscriptionID `json:"id"`
	Label     string                   `json:"label"`
	CreatedAt time.Time                `json:"created_at"`
}

type subscribeRequest struct {
	Endpoint       string `json:"endpoint"`
	ExpirationTime *int64 `json:"expirationTime"` // PushSubscription.toJSON() sends it; unused
	// OldEndpoint is the subscription this one replaces: the service
	// worker sends it when the browser renewed the subscription by
	// itself (pushsubscriptionchange), so the device keeps its id and
	// label instead of being listed twice.
	OldEndpoint string `json:"old_endpoint"`
	Keys        struct {
		P256dh string `json:"p256dh"`
		Auth   string `json:"auth"`
	} `json:"keys"`
}

// pushKey answers the VAPID public key the browser subscribes with.
func (a *API) pushKey(c *gin.Context) {
	key := a.notifier.PublicKey()
	if key == "" {
		fail(c, &Error{Status: http.StatusServiceUnavailable, Code: "push_unavailable", Message: "this server does not send push notifications"})
		return
	}
	c.JSON(http.StatusOK, gin.H{"public_key": key})
}

// listDevices lists the caller's subscribed devices.
func (a *API) listDevices(c *gin.Context) {
	list, err := a.store.ListPushSubscriptions(c.Request.Context(), currentMember(c).ID)
	if err != nil {
		fail(c, err)
		return
	}
	out := []DeviceView{}
	for _, s := range list {
		out = append(out, DeviceView{ID: s.ID, Label: s.Label, CreatedAt: s.CreatedAt})
	}
	c.JSON(http.StatusOK, out)
}

// subscribeDevice stores the browser's push subscription for the caller.
func (a *API) subscribeDevice(c *gin.Context) {
	me := currentMember(c)
	if a.notifier.PublicKey() == "" {
		fail(c, &Error{Status: http.StatusServiceUnavailable, Code: "push_unavailable", Message: "this server does not send push notifications"})
		return
	}
	var req subscribeRequest
	if err := bindJSON(c, &req); err != nil {
		fail(c, err)
		return
	}
	s := &rooms.PushSubscription{ID: rooms.NewPushSubscriptionID(), MemberID: me.ID, Endpoint: req.Endpoint,
		P256dh: req.Keys.P256dh, Auth: req.Keys.Auth, Label: deviceLabel(c.GetHeader("User-Agent"))}
	if err := s.Validate(a.notifier.InsecureEndpoints()); err != nil {
		fail(c, err)
		return
	}
	ctx := c.Request.Context()
	list, err := a.store.ListPushSubscriptions(ctx, me.ID)
	if err != nil {
		fail(c, err)
		return
	}
	others, replaced := 0, (*rooms.PushSubscription)(nil)
	for _, old := range list {
		switch {
		case req.OldEndpoint != "" && old.Endpoint == req.OldEndpoint && old.Endpoint != s.Endpoint:
			replaced = old
		case old.Endpoint != s.Endpoint:
			others++
		}
	}
	if others >= maxDevices {
		fail(c, &Error{Status: http.StatusConflict, Code: "too_many_devices", Field: "endpoint",
			Message: "ten devices receive notifications already; remove one first"})
		return
	}
	if replaced != nil {
		if err := a.store.DeletePushSubscription(ctx, me.ID, replaced.ID); err != nil && !errors.Is(err, rooms.ErrNotFound) {
			fail(c, err)
			return
		}
		s.ID, s.Label = replaced.ID, cmp.Or(s.Label, replaced.Label)
	}
	if err := a.store.SavePushSubscription(ctx, s); err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, DeviceView{ID: s.ID, Label: s.Label, CreatedAt: s.CreatedAt})
}

// deleteDevice removes one of the caller's devices; another member's id
// is answered like a missing one.
func (a *API) deleteDevice(c *gin.Context) {
	id := rooms.PushSubscriptionID(c.Param("id"))
	if !id.Valid() {
		fail(c, &Error{Status: http.StatusNotFound, Code: "not_found", Field: "id", Message: "no such device"})
		return
	}
	if err := a.store.DeletePushSubscription(c.Request.Context(), currentMember(c).ID, id); err != nil {
		if errors.Is(err, rooms.ErrNotFound) {
			err = &Error{Status: http.StatusNotFound, Code: "not_found", Field: "id", Message: "no such device"}
		}
		fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

// deviceLabel names a device from its user agent, coarsely ("iPhone ·
// Safari"): enough to tell her phone from her laptop, no version details.
func deviceLabel(ua string) string {
	os := "?"
	for _, o := range [][2]string{{"iPhone", "iPhone"}, {"iPad", "iPad"}, {"Android", "Android"}, {"Windows", "Windows"},
		{"Mac OS X", "Mac"}, {"CrOS", "ChromeOS"}, {"Linux", "Linux"}} {
		if strings.Contains(ua, o[0]) {
			os = o[1]
			break
		}
	}
	browser := "?"
	for _, b := range [][2]string{{"Edg/", "Edge"}, {"Firefox/", "Firefox"}, {"CriOS/", "Chrome"}, {"Chrome/", "Chrome"},
		{"Safari/", "Safari"}} {
		if strings.Contains(ua, b[0]) {
			browser = b[1]
			break
		}
	}
	return os + " · " + browser
}
