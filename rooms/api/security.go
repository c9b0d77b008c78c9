package api

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"runtime"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// setLoginLimits checks the trusted proxies and sets up the login limits.
func (a *API) setLoginLimits(p Params) error {
	for _, s := range p.TrustedProxies {
		if !validProxy(s) {
			return fmt.Errorf("api: trusted proxy %q is not an IP address or CIDR network", s)
		}
	}
	a.trusted = p.TrustedProxies
	lim := p.Login.withDefaults(runtime.GOMAXPROCS(0))
	a.ipLimit = newLimiter(lim.PerIPPerMinute, time.Minute, a.now)
	// Ten reset emails a minute per address asked for: enough for a person
	// who retries, not a mail bomb.
	a.resetLimit = newLimiter(10, time.Minute, a.now)
	a.guard = newLoginGuard(lim, a.now, deviceKey(p.Media.APISecret))
	a.passwords = newPasswordGate(lim)
	a.loginRefused = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "zadankai_login_refused_total",
		Help: "Login attempts refused before any password check, by limit: address, backoff, account, busy (no password-check slot in time) or queue (too many waiting)."}, []string{"limit"})
	a.metricsToken, a.noMetrics = p.MetricsToken, p.MetricsElsewhere
	a.prom = promhttp.HandlerFor(a.reg, promhttp.HandlerOpts{Registry: a.reg})
	a.mediaURL, a.https = p.Media.URL, p.SecureCookies
	a.SetMediaNodes(nil)
	if err := p.Registry.Register(a.passwords.checks); err != nil {
		return err
	}
	return p.Registry.Register(a.loginRefused)
}

// trustProxies makes r believe X-Forwarded-For only from the configured
// proxies (Gin's default trusts everyone's).
func (a *API) trustProxies(r *gin.Engine) {
	if err := r.SetTrustedProxies(a.trusted); err != nil {
		_ = r.SetTrustedProxies(nil) // checked in New; never trust every X-Forwarded-For
	}
}

// validProxy accepts what gin's SetTrustedProxies accepts.
func validProxy(s string) bool {
	if strings.Contains(s, "/") {
		_, _, err := net.ParseCIDR(s)
		return err == nil
	}
	return net.ParseIP(s) != nil
}

// deviceKey signs device cookies. Derived from the media secret, it is the
// same on every replica and across restarts; without one, it is random.
func deviceKey(secret string) []byte {
	if secret == "" {
		k := make([]byte, 32)
		_, _ = rand.Read(k) // never fails (crypto/rand)
		return k
	}
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte("zadankai login device cookies"))
	return mac.Sum(nil)
}

// securityHeaders are sent with every response: pages, assets and API.
// The policy allows no inline script or style, no framing, and network
// connections only to this origin and the media plane (which livekit-client
// reaches over WebSocket and, to diagnose failures, over HTTP): its URL,
// and with rooms placed on replicas, every replica's.
func securityHeaders(mediaURLs []string, https bool) http.Header {
	connect := []string{"'self'"}
	for _, m := range mediaURLs {
		u, err := url.Parse(m)
		if err != nil || u.Host == "" {
			continue
		}
		switch u.Scheme {
		case "wss":
			connect = append(connect, "wss://"+u.Host, "https://"+u.Host)
		case "ws":
			connect = append(connect, "ws://"+u.Host, "http://"+u.Host)
		}
	}
	csp := strings.Join([]string{"default-src 'self'", "script-src 'self'", "style-src 'self'",
		"img-src 'self' blob:", "media-src 'self' blob:", "connect-src " + strings.Join(connect, " "),
		"worker-src 'self'", "manifest-src 'self'", // the installed app's service worker and manifest
		"object-src 'none'", "base-uri 'none'", "form-action 'self'", "frame-ancestors 'none'"}, "; ")
	h := http.Header{}
	h.Set("Content-Security-Policy", csp)
	h.Set("X-Frame-Options", "DENY")
	h.Set("X-Content-Type-Options", "nosniff")
	// Invitation and reset links carry their secret in the query: no page
	// sends its address anywhere.
	h.Set("Referrer-Policy", "no-referrer")
	if https {
		h.Set("Strict-Transport-Security", "max-age=31536000")
	}
	return h
}

// SetMediaNodes lets pages connect to the embedded SFUs of these nodes
// too (rooms placed on replicas: a join answer may name any of them); the
// cluster calls it as replicas come and go. A page keeps the policy it was
// loaded with.
func (a *API) SetMediaNodes(urls []string) {
	h := securityHeaders(append([]string{a.mediaURL}, urls...), a.https)
	a.headers.Store(&h)
}

// securityHeadersMiddleware sets the security headers before anything is
// written, so even errors and 404s carry them.
func (a *API) securityHeadersMiddleware(c *gin.Context) {
	dst := c.Writer.Header()
	for k, v := range *a.headers.Load() {
		dst[k] = v
	}
	c.Next()
}

// metricsAllowed checks the bearer token of /metrics, when one is set.
func (a *API) metricsAllowed(r *http.Request) bool {
	return a.metricsToken == "" ||
		subtle.ConstantTimeCompare([]byte(r.Header.Get("Authorization")), []byte("Bearer "+a.metricsToken)) == 1
}

var errMetricsToken = &Error{Status: http.StatusUnauthorized, Code: "metrics_token_required",
	Message: "/metrics needs its bearer token (Authorization: Bearer …)"}

// MetricsHandler serves the Prometheus metrics, behind the bearer token
// when one is set; for serving them on an address of their own.
func (a *API) MetricsHandler() http.Handler {
	h := a.prom
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !a.metricsAllowed(r) {
			w.Header().Set("WWW-Authenticate", `Bearer realm="metrics"`)
			w.Header().Set("Content-Type", "application/json; charset=utf-8")
			w.WriteHeader(errMetricsToken.Status)
			fmt.Fprintf(w, `{"error":{"code":%q,"message":%q}}`, errMetricsToken.Code, errMetricsToken.Message)
			return
		}
		h.ServeHTTP(w, r)
	})
}

// metricsRoute is /metrics on the main router, unless they are served
// elsewhere.
func (a *API) metricsRoute(c *gin.Context) {
	if a.noMetrics {
		fail(c, &Error{Status: http.StatusNotFound, Code: "not_found", Message: "no such endpoint: GET /metrics"})
		return
	}
	if !a.metricsAllowed(c.Request) {
		c.Header("WWW-Authenticate", `Bearer realm="metrics"`)
		fail(c, errMetricsToken)
		return
	}
	a.prom.ServeHTTP(c.Writer, c.Request)
}
