package push

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"slices"
	"strconv"
	"syscall"
	"time"

	webpush "github.com/SherClockHolmes/webpush-go"

	"github.com/zadankai/zadankai/rooms"
)

// outcome is what a push service said about one device.
type outcome int

const (
	delivered outcome = iota
	gone              // 404/410: the subscription is over
	later             // 429/5xx or no answer: try again
	refused           // any other answer: retrying will not help
)

// deliver sends j to the member's devices, or holds it for the morning.
func (n *Notifier) deliver(ctx context.Context, j *job) {
	m := j.member
	// A retry (attempt > 0) of a notice already under way is not held.
	if !j.notice.Urgent() && !j.quietOK && j.attempt == 0 {
		if quiet, until := j.prefs.QuietUntil(n.now(), m.TimeZone); quiet {
			n.holdQuiet(ctx, j, until)
			return
		}
	}
	subs, err := n.store.ListPushSubscriptions(ctx, m.ID)
	if err != nil {
		n.log.WarnContext(ctx, "push: listing devices", "member_id", m.ID, "err", err)
		if !n.again(j, 0) {
			n.sendMail(ctx, m, j.fallback)
		}
		return
	}
	payload, _ := json.Marshal(j.notice.Message(m.Locale, n.baseURL, j.prefs.ShowNames))
	var retry []rooms.PushSubscriptionID
	var wait time.Duration
	sent := 0
	for _, s := range subs {
		if j.only != nil && !slices.Contains(j.only, s.ID) {
			continue
		}
		out, after := n.post(ctx, s, payload, j.notice)
		switch out {
		case delivered:
			sent++
		case gone:
			if err := n.store.DeletePushSubscription(ctx, m.ID, s.ID); err != nil && !errors.Is(err, rooms.ErrNotFound) {
				n.log.WarnContext(ctx, "push: removing an ended subscription", "member_id", m.ID, "err", err)
			}
		case later:
			retry, wait = append(retry, s.ID), max(wait, after)
		}
	}
	if sent > 0 {
		j.fallback = nil // she has it; a retry only reaches her other devices
	}
	n.retryOrFallBack(ctx, j, retry, wait)
}

// retryOrFallBack schedules another attempt for the devices in retry;
// when nothing is left to try and no device took the notice, the member
// gets the email instead.
func (n *Notifier) retryOrFallBack(ctx context.Context, j *job, retry []rooms.PushSubscriptionID, after time.Duration) {
	if len(retry) > 0 && j.attempt < n.cfg.Retries {
		j.only = retry // before again hands j to another goroutine
		n.again(j, after)
		return
	}
	if j.fallback != nil {
		n.sendMail(ctx, j.member, j.fallback)
	}
}

// again holds j for another attempt with exponential backoff (or the
// push service's Retry-After, if longer, up to an hour); false when the
// attempts are used up.
func (n *Notifier) again(j *job, after time.Duration) bool {
	if j.attempt >= n.cfg.Retries {
		return false
	}
	j.attempt++
	j.due = n.now().Add(max(n.cfg.Backoff<<(j.attempt-1), min(after, time.Hour)))
	n.hold(j)
	return true
}

// post sends one encrypted notification to one device.
func (n *Notifier) post(ctx context.Context, s *rooms.PushSubscription, payload []byte, note rooms.Notice) (outcome, time.Duration) {
	ttl, urgency := 24*3600, webpush.UrgencyNormal
	if note.Urgent() { // a reminder an hour late is noise
		ttl, urgency = 15*60, webpush.UrgencyHigh
	}
	res, err := webpush.SendNotificationWithContext(ctx, payload, &webpush.Subscription{Endpoint: s.Endpoint,
		Keys: webpush.Keys{Auth: s.Auth, P256dh: s.P256dh}}, &webpush.Options{HTTPClient: n.client, Subscriber: n.cfg.Subject,
		TTL: ttl, Urgency: urgency, VAPIDPublicKey: n.keys.Public, VAPIDPrivateKey: n.keys.Private})
	if err != nil {
		n.log.InfoContext(ctx, "push: no answer", "member_id", s.MemberID, "err", err)
		return later, 0
	}
	defer res.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(res.Body, 64<<10)) // lets the connection be reused
	switch code := res.StatusCode; {
	case code >= 200 && code < 300:
		return delivered, 0
	case code == http.StatusNotFound || code == http.StatusGone:
		return gone, 0
	case code == http.StatusTooManyRequests || code >= 500:
		secs, _ := strconv.Atoi(res.Header.Get("Retry-After"))
		return later, time.Duration(max(secs, 0)) * time.Second
	default:
		n.log.WarnContext(ctx, "push: refused", "member_id", s.MemberID, "status", code)
		return refused, 0
	}
}

// newClient is the HTTP client for push services: bounded in time, no
// redirects, and (outside tests) never to this machine or its networks,
// so a crafted endpoint cannot make the server reach inside.
func newClient(allowPrivate bool) *http.Client {
	d := &net.Dialer{Timeout: 10 * time.Second}
	if !allowPrivate {
		d.Control = func(_, address string, _ syscall.RawConn) error {
			host, _, err := net.SplitHostPort(address)
			ip := net.ParseIP(host)
			if err != nil || ip == nil || !publicIP(ip) {
				return fmt.Errorf("push: endpoint address %s is not public", address)
			}
			return nil
		}
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.DialContext, tr.Proxy = d.DialContext, nil
	return &http.Client{Transport: tr, Timeout: 20 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

func publicIP(ip net.IP) bool {
	return ip.IsGlobalUnicast() && !ip.IsPrivate() && !ip.IsLoopback() && !ip.IsLinkLocalUnicast()
}
