// Package push tells members what happened on Zadankai: by Web Push (RFC
// 8030 with VAPID, RFC 8291 payloads, through
// github.com/SherClockHolmes/webpush-go) to the devices they subscribed,
// by email when they have none or chose email, or not at all. Delivery is
// asynchronous through a bounded queue, so no request ever waits for a
// push service; quiet hours hold all but starting-now reminders until
// the morning.
package push

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/zadankai/zadankai/rooms"
)

// Config tunes the notifier; zero values take the defaults.
type Config struct {
	// Subject is the VAPID "sub" claim: a mailto: address or https URL
	// where push services can reach the operator.
	Subject string
	// QueueSize bounds the notifications waiting to go out; default 1024.
	// When it is full, a notification goes by email instead.
	QueueSize int
	// Workers is how many deliveries run at once; default 2.
	Workers int
	// Retries is how often a 429/5xx answer is retried; default 4.
	Retries int
	// Backoff is the first retry's wait, doubled each time; default 5 s.
	Backoff time.Duration
	// Recheck is how often held notifications are looked at even when
	// nothing is due (a suspended machine's clock jumps); default 1 min.
	Recheck time.Duration
	// AllowPrivateNetworks lets endpoints resolve to loopback and private
	// addresses, and use http. Tests only: otherwise a subscription could
	// make the server post to its own network.
	AllowPrivateNetworks bool
}

func (c Config) withDefaults() Config {
	if c.QueueSize <= 0 {
		c.QueueSize = 1024
	}
	if c.Workers <= 0 {
		c.Workers = 2
	}
	if c.Retries <= 0 {
		c.Retries = 4
	}
	if c.Backoff <= 0 {
		c.Backoff = 5 * time.Second
	}
	if c.Recheck <= 0 {
		c.Recheck = time.Minute
	}
	if c.Subject == "" {
		c.Subject = "mailto:no-reply@zadankai.invalid"
	}
	return c
}

// Params are the notifier's dependencies.
type Params struct {
	Store  rooms.Store
	Mailer rooms.Mailer
	Logger *slog.Logger
	// Keys are the server's VAPID keys (see LoadKeys).
	Keys *rooms.VAPIDKeys
	// BaseURL is where members reach the server; tapping a notification
	// opens a page under it.
	BaseURL string
	Config  Config
	// Now is the clock; default time.Now.
	Now func() time.Time
}

// Notifier sends notifications. Notify is safe for concurrent use; Run
// delivers them until its context ends.
type Notifier struct {
	// immutable
	store   rooms.Store
	mailer  rooms.Mailer
	log     *slog.Logger
	keys    rooms.VAPIDKeys
	baseURL string
	cfg     Config
	now     func() time.Time
	client  *http.Client

	queue chan *job     // bounded: Notify never waits on it
	wake  chan struct{} // a held job was added (buffered, one slot)

	// guarded by mu
	mu   sync.Mutex
	held []*job // waiting for a retry (or the morning, when the store failed), unordered
}

// job is one notice for one member.
type job struct {
	member   *rooms.Member
	notice   rooms.Notice
	prefs    *rooms.NoticePrefs
	fallback *rooms.Email // sent when no device took the notice; nil: none
	due      time.Time    // zero: at once
	attempt  int
	only     []rooms.PushSubscriptionID // retry these devices only; nil: all
	quietOK  bool                       // quiet hours were over when it was released
}

// New checks p and returns a notifier; call Run to deliver.
func New(p Params) (*Notifier, error) {
	if p.Store == nil || p.Mailer == nil || p.Logger == nil || p.Keys == nil || p.Keys.Public == "" || p.Keys.Private == "" {
		return nil, errors.New("push: Store, Mailer, Logger and Keys are required")
	}
	cfg := p.Config.withDefaults()
	n := &Notifier{store: p.Store, mailer: p.Mailer, log: p.Logger.With("component", "push"), keys: *p.Keys,
		baseURL: strings.TrimSuffix(p.BaseURL, "/"), cfg: cfg, now: p.Now,
		queue: make(chan *job, cfg.QueueSize), wake: make(chan struct{}, 1)}
	if n.now == nil {
		n.now = time.Now
	}
	n.client = newClient(cfg.AllowPrivateNetworks)
	return n, nil
}

// PublicKey is the VAPID public key browsers subscribe with
// (applicationServerKey), base64url.
func (n *Notifier) PublicKey() string { return n.keys.Public }

// InsecureEndpoints reports whether http endpoints are accepted (tests).
func (n *Notifier) InsecureEndpoints() bool { return n.cfg.AllowPrivateNetworks }

// Notify tells m about note by her preferences: by push to her devices
// (queued, never waited for), by mail (sent now, as before push existed)
// when she chose email or has no device, or not at all when she turned
// that kind off. A mail with attachments (calendar invitations) is always
// sent, since her calendar needs it whatever else she chose.
func (n *Notifier) Notify(ctx context.Context, m *rooms.Member, note rooms.Notice, mail *rooms.Email) {
	prefs := n.prefsOf(ctx, m.ID)
	keep := mail != nil && len(mail.Attachments) > 0
	if keep {
		n.sendMail(ctx, m, mail)
	}
	switch prefs.ChannelFor(note.Kind()) {
	case rooms.ChannelOff:
		return
	case rooms.ChannelEmail:
		if !keep {
			n.sendMail(ctx, m, mail)
		}
		return
	}
	subs, err := n.store.ListPushSubscriptions(ctx, m.ID)
	if err != nil || len(subs) == 0 {
		if !keep {
			n.sendMail(ctx, m, mail)
		}
		return
	}
	j := &job{member: m, notice: note, prefs: prefs}
	if !keep {
		j.fallback = mail
	}
	select {
	case n.queue <- j:
	default: // full: the member still hears of it
		n.log.WarnContext(ctx, "push queue full, sending email instead", "member_id", m.ID)
		n.sendMail(ctx, m, j.fallback)
	}
}

// prefsOf returns m's preferences, the defaults when she has none (or
// the store fails: she still hears of it).
func (n *Notifier) prefsOf(ctx context.Context, m rooms.MemberID) *rooms.NoticePrefs {
	prefs, err := n.store.GetNoticePrefs(ctx, m)
	if err != nil {
		if !errors.Is(err, rooms.ErrNotFound) {
			n.log.WarnContext(ctx, "loading notification preferences", "member_id", m, "err", err)
		}
		return rooms.DefaultNoticePrefs(m)
	}
	return prefs
}

func (n *Notifier) sendMail(ctx context.Context, m *rooms.Member, mail *rooms.Email) {
	if mail == nil {
		return
	}
	if err := n.mailer.Send(ctx, *mail); err != nil {
		n.log.WarnContext(ctx, "notification email failed", "member_id", m.ID, "err", err)
	}
}

// Run delivers queued notifications and releases held ones until ctx
// ends; it returns when its workers have stopped.
func (n *Notifier) Run(ctx context.Context) {
	var wg sync.WaitGroup
	for range n.cfg.Workers {
		wg.Go(func() {
			for {
				select {
				case <-ctx.Done():
					return
				case j := <-n.queue:
					n.deliver(ctx, j)
				}
			}
		})
	}
	n.releaseLoop(ctx)
	wg.Wait()
}

// Held returns how many notifications wait in memory for a retry (those
// held for the morning wait in the store).
func (n *Notifier) Held() int {
	n.mu.Lock()
	defer n.mu.Unlock()
	return len(n.held)
}
