package api

import (
	"crypto/subtle"
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"
	"golang.org/x/crypto/bcrypt"

	"github.com/zadankai/zadankai/rooms"
)

const (
	sessionCookie = "zadankai_session"
	csrfHeader    = "X-CSRF-Token"
	ctxMember     = "zadankai.member"
	ctxSession    = "zadankai.session"
)

// dummyHash is compared against when the email is unknown, so a login for
// a missing account costs as much time as one for a real account.
var dummyHash, _ = bcrypt.GenerateFromPassword([]byte("not a real password"), bcrypt.DefaultCost)

// HashPassword returns the bcrypt hash stored for a password.
func HashPassword(pw string) (string, error) { return hashPassword(pw, bcrypt.DefaultCost) }

func hashPassword(pw string, cost int) (string, error) {
	h, err := bcrypt.GenerateFromPassword([]byte(pw), cost)
	return string(h), err
}

type loginRequest struct {
	Email    string `json:"email"`
	Password string `json:"password"`
}

// MemberView is what the API shows of an account to its owner.
type MemberView struct {
	ID          rooms.MemberID  `json:"id"`
	CompanyID   rooms.CompanyID `json:"company_id,omitempty"`
	Email       string          `json:"email"`
	DisplayName string          `json:"display_name"`
	Role        rooms.Role      `json:"role"`
	Moderator   bool            `json:"moderator"`
	Locale      string          `json:"locale"`
	TimeZone    string          `json:"time_zone"`
}

func viewMember(m *rooms.Member) MemberView {
	return MemberView{ID: m.ID, CompanyID: m.CompanyID, Email: m.Email, DisplayName: m.DisplayName,
		Role: m.Role, Moderator: m.Moderator, Locale: m.Locale, TimeZone: m.TimeZone}
}

type sessionView struct {
	Member    MemberView `json:"member"`
	CSRFToken string     `json:"csrf_token"`
	ExpiresAt time.Time  `json:"expires_at"`
}

var errBadCredentials = &Error{Status: http.StatusUnauthorized, Code: "invalid_credentials", Message: "email or password is wrong"}

// login checks email and password and starts a session in a cookie.
func (a *API) login(c *gin.Context) {
	var req loginRequest
	if err := bindJSON(c, &req); err != nil {
		fail(c, err)
		return
	}
	email := rooms.NormalizeEmail(req.Email)
	switch {
	case email == "":
		fail(c, rooms.Invalid("email", "required", "email is required"))
		return
	case req.Password == "":
		fail(c, rooms.Invalid("password", "required", "password is required"))
		return
	case len(email) > 254:
		fail(c, rooms.Invalid("email", "too_long", "email is longer than 254 characters"))
		return
	case len(req.Password) > 72: // bcrypt's limit; longer input would be silently cut
		fail(c, rooms.Invalid("password", "too_long", "password is longer than 72 bytes"))
		return
	}
	a.checkLogin(c, email, req.Password)
}

// checkLogin applies the login limits (see LoginLimits), checks the
// password with bounded concurrency and starts the session.
func (a *API) checkLogin(c *gin.Context, email, password string) {
	ip := c.ClientIP()
	device, _ := c.Cookie(deviceCookie)
	known := a.guard.knownDevice(email, device)
	source := "ip:" + ip
	if known {
		source = "device" // her own browser: strangers at her address do not share its count
	}
	if !known && !a.ipLimit.allow("ip:"+ip) {
		a.loginRefused.WithLabelValues("address").Inc()
		fail(c, rateLimited(c, time.Minute, "too many login attempts from this address; wait a minute"))
		return
	}
	if wait, limit := a.guard.check(email, source, ip, known); wait > 0 {
		a.loginRefused.WithLabelValues(limit).Inc()
		fail(c, rateLimited(c, wait, "too many failed logins; wait a while, or reset your password"))
		return
	}
	m, err := a.store.GetMemberByEmail(c.Request.Context(), email)
	if err != nil && !errors.Is(err, rooms.ErrNotFound) {
		fail(c, err)
		return
	}
	hash := dummyHash
	if m != nil && m.PasswordHash != "" {
		hash = []byte(m.PasswordHash)
	}
	match, err := a.comparePassword(c, hash, password)
	if err != nil {
		fail(c, err)
		return
	}
	if !match || m == nil || m.PasswordHash == "" {
		a.guard.failed(email, source)
		fail(c, errBadCredentials)
		return
	}
	a.guard.succeeded(email, source, ip)
	a.startSession(c, m, http.StatusOK, &http.Cookie{Name: deviceCookie, Value: a.guard.deviceToken(email), Path: "/api/v1/auth/login",
		MaxAge: int(deviceCookieAge.Seconds()), HttpOnly: true, Secure: a.secure, SameSite: http.SameSiteStrictMode})
}

// rateLimited is a 429 telling the client when to come back.
func rateLimited(c *gin.Context, wait time.Duration, msg string) *Error {
	c.Header("Retry-After", strconv.Itoa(int((wait+time.Second-1)/time.Second)))
	return &Error{Status: http.StatusTooManyRequests, Code: "rate_limited", Message: msg}
}

// limitReset applies the per-address limit and a per-account one to
// reset requests (each sends an email).
func (a *API) limitReset(c *gin.Context, email string) bool {
	ipOK := a.ipLimit.allow("ip:" + c.ClientIP())
	return a.resetLimit.allow("reset:"+email) && ipOK
}

// startSession logs m in: a stored session and its cookie, then the
// extra cookies.
func (a *API) startSession(c *gin.Context, m *rooms.Member, status int, extra ...*http.Cookie) {
	secret := rooms.NewSecret()
	s := &rooms.Session{ID: rooms.SessionIDFor(secret), MemberID: m.ID, CSRFToken: rooms.NewSecret(),
		UserAgent: truncate(c.Request.UserAgent(), 200), ExpiresAt: a.now().Add(a.sessionTTL)}
	if err := a.store.CreateSession(c.Request.Context(), s); err != nil {
		fail(c, err)
		return
	}
	http.SetCookie(c.Writer, &http.Cookie{Name: sessionCookie, Value: secret, Path: "/", Expires: s.ExpiresAt,
		HttpOnly: true, Secure: a.secure, SameSite: http.SameSiteLaxMode})
	for _, ck := range extra {
		http.SetCookie(c.Writer, ck)
	}
	c.JSON(status, sessionView{Member: viewMember(m), CSRFToken: s.CSRFToken, ExpiresAt: s.ExpiresAt})
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

// requireSession loads the member of the session cookie, refusing
// requests without a live session, and state-changing requests without
// the session's CSRF token.
func (a *API) requireSession(c *gin.Context) {
	secret, err := c.Cookie(sessionCookie)
	if err != nil || secret == "" || len(secret) > 64 {
		fail(c, rooms.ErrUnauthenticated)
		return
	}
	ctx := c.Request.Context()
	s, err := a.store.GetSession(ctx, rooms.SessionIDFor(secret))
	if errors.Is(err, rooms.ErrNotFound) || (err == nil && s.Expired(a.now())) {
		fail(c, rooms.ErrUnauthenticated)
		return
	} else if err != nil {
		fail(c, err)
		return
	}
	if !safeMethod(c.Request.Method) && subtle.ConstantTimeCompare([]byte(c.GetHeader(csrfHeader)), []byte(s.CSRFToken)) != 1 {
		fail(c, &Error{Status: http.StatusForbidden, Code: "csrf_token_invalid", Message: "missing or wrong " + csrfHeader + " header"})
		return
	}
	m, err := a.store.GetMember(ctx, s.MemberID)
	if errors.Is(err, rooms.ErrNotFound) {
		fail(c, rooms.ErrUnauthenticated)
		return
	} else if err != nil {
		fail(c, err)
		return
	}
	c.Set(ctxSession, s)
	c.Set(ctxMember, m)
	c.Next()
}

func safeMethod(m string) bool {
	return m == http.MethodGet || m == http.MethodHead || m == http.MethodOptions
}

func currentMember(c *gin.Context) *rooms.Member { return c.MustGet(ctxMember).(*rooms.Member) }

func currentSession(c *gin.Context) *rooms.Session { return c.MustGet(ctxSession).(*rooms.Session) }

// logout ends the session on the server and in the browser.
func (a *API) logout(c *gin.Context) {
	if err := a.store.DeleteSession(c.Request.Context(), currentSession(c).ID); err != nil {
		fail(c, err)
		return
	}
	http.SetCookie(c.Writer, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, Secure: a.secure, SameSite: http.SameSiteLaxMode})
	c.Status(http.StatusNoContent)
}

// me returns the logged-in account and the CSRF token pages need.
func (a *API) me(c *gin.Context) {
	s := currentSession(c)
	c.JSON(http.StatusOK, sessionView{Member: viewMember(currentMember(c)), CSRFToken: s.CSRFToken, ExpiresAt: s.ExpiresAt})
}
