package api

import (
	"context"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"
	"golang.org/x/crypto/bcrypt"
)

var errServerBusy = &Error{Status: http.StatusServiceUnavailable, Code: "server_busy",
	Message: "the server is busy checking passwords; try again in a moment"}

// passwordGate bounds bcrypt work: a few slots run at once, a bounded
// queue waits for them, and the rest is refused at once. A login storm
// then takes at most the slots' cores and a bounded number of goroutines.
type passwordGate struct {
	slots  chan struct{}
	queue  chan struct{} // a token per request waiting for a slot
	wait   time.Duration
	checks *prometheus.GaugeVec // running and waiting
}

func newPasswordGate(lim LoginLimits) *passwordGate {
	return &passwordGate{slots: make(chan struct{}, lim.PasswordChecks), queue: make(chan struct{}, lim.PasswordQueue),
		wait: lim.PasswordWait, checks: prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "zadankai_password_checks",
			Help: "Password hashes being computed (running) and requests waiting for a turn (waiting)."}, []string{"state"})}
}

// enter takes a slot, waiting in the queue if there is room and until the
// request ends or the wait is over; the returned reason says why not.
func (g *passwordGate) enter(ctx context.Context) (refused string, err error) {
	select {
	case g.slots <- struct{}{}:
		return "", nil
	default:
	}
	select {
	case g.queue <- struct{}{}:
	default:
		return "queue", errServerBusy
	}
	g.checks.WithLabelValues("waiting").Inc()
	defer func() { <-g.queue; g.checks.WithLabelValues("waiting").Dec() }()
	t := time.NewTimer(g.wait)
	defer t.Stop()
	select {
	case g.slots <- struct{}{}:
		return "", nil
	case <-t.C:
		return "busy", errServerBusy
	case <-ctx.Done():
		return "", ctx.Err()
	}
}

// withPasswordSlot runs f, bcrypt work, in one of the gate's slots; what
// cannot get one soon is refused with 503 server_busy.
func (a *API) withPasswordSlot(c *gin.Context, f func()) error {
	g := a.passwords
	if refused, err := g.enter(c.Request.Context()); err != nil {
		if refused != "" {
			a.loginRefused.WithLabelValues(refused).Inc()
			c.Header("Retry-After", "1")
		}
		return err
	}
	g.checks.WithLabelValues("running").Inc()
	defer func() { <-g.slots; g.checks.WithLabelValues("running").Dec() }()
	f()
	return nil
}

// comparePassword reports whether password matches hash.
func (a *API) comparePassword(c *gin.Context, hash []byte, password string) (bool, error) {
	var match bool
	err := a.withPasswordSlot(c, func() { match = bcrypt.CompareHashAndPassword(hash, []byte(password)) == nil })
	return match, err
}

// hashNewPassword hashes a new password at the API's cost.
func (a *API) hashNewPassword(c *gin.Context, password string) (string, error) {
	var hash string
	var herr error
	if err := a.withPasswordSlot(c, func() { hash, herr = hashPassword(password, a.passwordCost) }); err != nil {
		return "", err
	}
	return hash, herr
}
