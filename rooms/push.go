package rooms

import (
	"encoding/base64"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// PushSubscriptionID identifies one device's Web Push subscription.
type PushSubscriptionID string

// NewPushSubscriptionID returns a fresh random PushSubscriptionID.
func NewPushSubscriptionID() PushSubscriptionID { return PushSubscriptionID(newID("ps_")) }

// Valid reports whether id is well formed.
func (id PushSubscriptionID) Valid() bool { return validID(string(id), "ps_") }

// PushSubscription is one browser's Web Push subscription (RFC 8030): the
// push service's endpoint and the keys the payload is encrypted to (RFC
// 8291). The endpoint is unique: a browser that subscribes again, for the
// same or another account, replaces its old record.
type PushSubscription struct {
	ID        PushSubscriptionID `json:"id" bson:"_id"`
	MemberID  MemberID           `json:"member_id" bson:"member_id"`
	Endpoint  string             `json:"endpoint" bson:"endpoint"`
	P256dh    string             `json:"p256dh" bson:"p256dh"` // the browser's P-256 public key, base64url
	Auth      string             `json:"auth" bson:"auth"`     // the 16-byte authentication secret, base64url
	Label     string             `json:"label" bson:"label"`   // which device, from its user agent ("Android · Chrome")
	CreatedAt time.Time          `json:"created_at" bson:"created_at"`
}

// Validate checks what a browser sent. The endpoint must be an https URL
// (http is allowed only when insecure is set, for tests) of at most 1 KiB,
// and the keys must have the sizes RFC 8291 gives them.
func (s *PushSubscription) Validate(insecure bool) error {
	s.Label = CleanLine(s.Label)
	if utf8.RuneCountInString(s.Label) > 80 || badLine(s.Label) {
		s.Label = ""
	}
	u, err := url.Parse(s.Endpoint)
	switch {
	case s.Endpoint == "":
		return Invalid("endpoint", "required", "endpoint is required")
	case len(s.Endpoint) > 1024:
		return Invalid("endpoint", "too_long", "endpoint is longer than 1024 characters")
	case err != nil || u.Host == "" || u.User != nil || !(u.Scheme == "https" || insecure && u.Scheme == "http"):
		return Invalid("endpoint", "malformed", "endpoint must be an https URL")
	}
	if b, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(s.P256dh, "=")); err != nil || len(b) != 65 || b[0] != 4 {
		return Invalid("keys.p256dh", "malformed", "p256dh must be an uncompressed P-256 point in base64url")
	}
	if b, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(s.Auth, "=")); err != nil || len(b) != 16 {
		return Invalid("keys.auth", "malformed", "auth must be 16 bytes in base64url")
	}
	return nil
}

// VAPIDKeys are the server's Web Push identity (RFC 8292): a P-256 key
// pair in base64url, generated on first start and kept in the store so
// every replica, and every restart, signs with the same key (browsers
// tie a subscription to it).
type VAPIDKeys struct {
	Public  string `json:"public" bson:"public"`
	Private string `json:"private" bson:"private"`
}

// NoticeKind groups notifications for preferences.
type NoticeKind string

// Notification kinds a member sets a channel for.
const (
	// NoticeRecommendations: a new weekly batch of recommended peers.
	NoticeRecommendations NoticeKind = "recommendations"
	// NoticeRequests: someone asked her for a consultation.
	NoticeRequests NoticeKind = "requests"
	// NoticeUpdates: her consultation was accepted, declined, moved or cancelled.
	NoticeUpdates NoticeKind = "updates"
	// NoticeReminders: a consultation or roundtable starts in minutes.
	NoticeReminders NoticeKind = "reminders"
	// NoticeRoundtables: a waitlist seat became hers, a roundtable was called off.
	NoticeRoundtables NoticeKind = "roundtables"
)

// NoticeKinds lists every kind, in the order the profile page shows them.
var NoticeKinds = []NoticeKind{NoticeRecommendations, NoticeRequests, NoticeUpdates, NoticeReminders, NoticeRoundtables}

// Channel is how a member wants a kind of notification.
type Channel string

// Channels.
const (
	ChannelPush  Channel = "push"  // to her subscribed devices; email when she has none
	ChannelEmail Channel = "email" // email only
	ChannelOff   Channel = "off"   // nothing (calendar invitations still come)
)

// NoticePrefs are a member's notification preferences. Quiet hours are
// minutes after midnight in her time zone; From == To turns them off.
type NoticePrefs struct {
	MemberID  MemberID               `json:"member_id" bson:"_id"`
	Channels  map[NoticeKind]Channel `json:"channels" bson:"channels"`
	QuietFrom int                    `json:"quiet_from" bson:"quiet_from"` // default 21:00
	QuietTo   int                    `json:"quiet_to" bson:"quiet_to"`     // default 07:00
	ShowNames bool                   `json:"show_names" bson:"show_names"` // notifications may name the other person
	UpdatedAt time.Time              `json:"updated_at" bson:"updated_at"`
	Version   int64                  `json:"version" bson:"version"`
}

// DefaultNoticePrefs are the preferences of a member who never set any:
// push for everything, quiet 21:00–7:00, no names on the lock screen.
func DefaultNoticePrefs(m MemberID) *NoticePrefs {
	p := &NoticePrefs{MemberID: m, Channels: map[NoticeKind]Channel{}, QuietFrom: 21 * 60, QuietTo: 7 * 60}
	for _, k := range NoticeKinds {
		p.Channels[k] = ChannelPush
	}
	return p
}

// ChannelFor returns the channel for kind (push when unset).
func (p *NoticePrefs) ChannelFor(k NoticeKind) Channel {
	if c, ok := p.Channels[k]; ok {
		return c
	}
	return ChannelPush
}

// Validate checks the preferences a member sent; unknown kinds and
// channels are refused rather than ignored, so a typo shows.
func (p *NoticePrefs) Validate() error {
	for k, c := range p.Channels {
		if !knownKind(k) {
			return Invalid("channels", "unknown_kind", "unknown notification kind "+strconv.Quote(string(k)))
		}
		if c != ChannelPush && c != ChannelEmail && c != ChannelOff {
			return Invalid("channels."+string(k), "unknown_value", "channel must be push, email or off")
		}
	}
	if p.QuietFrom < 0 || p.QuietFrom >= 24*60 {
		return Invalid("quiet_from", "out_of_range", "quiet_from must be a time of day, HH:MM")
	}
	if p.QuietTo < 0 || p.QuietTo >= 24*60 {
		return Invalid("quiet_to", "out_of_range", "quiet_to must be a time of day, HH:MM")
	}
	return nil
}

func knownKind(k NoticeKind) bool {
	for _, known := range NoticeKinds {
		if k == known {
			return true
		}
	}
	return false
}

// QuietUntil reports whether t falls in the quiet hours in zone tz, and if
// so when they end (the next QuietTo in that zone).
func (p *NoticePrefs) QuietUntil(t time.Time, tz string) (bool, time.Time) {
	if p.QuietFrom == p.QuietTo {
		return false, time.Time{}
	}
	loc, err := time.LoadLocation(tz)
	if err != nil {
		loc = tokyo
	}
	local := t.In(loc)
	min := local.Hour()*60 + local.Minute()
	var quiet bool
	if p.QuietFrom < p.QuietTo {
		quiet = min >= p.QuietFrom && min < p.QuietTo
	} else { // across midnight, the usual case
		quiet = min >= p.QuietFrom || min < p.QuietTo
	}
	if !quiet {
		return false, time.Time{}
	}
	end := time.Date(local.Year(), local.Month(), local.Day(), p.QuietTo/60, p.QuietTo%60, 0, 0, loc)
	if !end.After(local) {
		end = time.Date(local.Year(), local.Month(), local.Day()+1, p.QuietTo/60, p.QuietTo%60, 0, 0, loc)
	}
	return true, end
}

// ParseClock reads "HH:MM" as minutes after midnight.
func ParseClock(s string) (int, bool) {
	t, err := time.Parse("15:04", s)
	if err != nil {
		return 0, false
	}
	return t.Hour()*60 + t.Minute(), true
}

// FormatClock writes minutes after midnight as "HH:MM".
func FormatClock(min int) string {
	return time.Date(2000, 1, 1, min/60, min%60, 0, 0, time.UTC).Format("15:04")
}

// HeldNotice is a notification waiting for the end of a member's quiet
// hours. It is kept in the store, so a restart loses nothing and exactly
// one replica sends it (the one whose TakeHeldNotice succeeds).
type HeldNotice struct {
	ID       string    `json:"id" bson:"_id"` // "hn_…"
	MemberID MemberID  `json:"member_id" bson:"member_id"`
	Notice   Notice    `json:"notice" bson:"notice"`
	Mail     *Email    `json:"mail,omitempty" bson:"mail,omitempty"` // the email if no device takes it
	Due      time.Time `json:"due" bson:"due"`
}

// NewHeldNoticeID returns a fresh random id for a HeldNotice.
func NewHeldNoticeID() string { return newID("hn_") }

// RecordKey implements Record.
func (s *PushSubscription) RecordKey() string { return string(s.ID) }

// RecordKey implements Record.
func (p *NoticePrefs) RecordKey() string { return string(p.MemberID) }

// RecordKey implements Record: a store keeps one pair.
func (k *VAPIDKeys) RecordKey() string { return "vapid" }

// RecordKey implements Record.
func (h *HeldNotice) RecordKey() string { return h.ID }
