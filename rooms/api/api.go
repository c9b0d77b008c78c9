// Package api is Zadankai's control plane over HTTP (Gin): health,
// readiness, metrics, and the JSON API under /api/v1 with its OpenAPI
// document. Errors use one JSON shape with stable codes (see Error).
package api

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"runtime"
	"strings"
	"sync/atomic"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"
	"golang.org/x/crypto/bcrypt"

	"github.com/zadankai/zadankai/rooms"
	"github.com/zadankai/zadankai/rooms/mail"
)

// Params are the dependencies and settings of the API.
type Params struct {
	Store    rooms.Store
	Logger   *slog.Logger
	Registry *prometheus.Registry // serves /metrics; request metrics go here
	Version  string
	// SecureCookies marks session cookies Secure (set behind HTTPS).
	SecureCookies bool
	// SessionTTL is how long a login lasts; default 14 days.
	SessionTTL time.Duration
	// MaxBodyBytes caps request bodies; default 1 MiB.
	MaxBodyBytes int64
	// Now is the clock; default time.Now.
	Now func() time.Time
	// Mailer sends invitations and other emails.
	Mailer rooms.Mailer
	// PublicURL is the address people reach the server at, for links in
	// emails, e.g. https://zadankai.example.com (no trailing slash).
	PublicURL string
	// DevOutbox, when set (dev mode only), is shown at /dev/mail.
	DevOutbox *mail.Outbox
	// FromAddress is the platform's email address (calendar organizer).
	FromAddress string
	// Consultations tunes requests and reminders; zero values take defaults.
	Consultations ConsultationConfig
	// Media is the LiveKit-compatible media plane that tokens are minted for.
	Media MediaConfig
	// MediaPlane carries out moderation in live rooms; nil answers 503.
	MediaPlane rooms.MediaPlane
	// Recommend tunes the recommendation job.
	Recommend RecommendConfig
	// PasswordCost is bcrypt's cost for new passwords; default
	// bcrypt.DefaultCost (tests lower it to keep the race detector fast).
	PasswordCost int
	// NotFoundPage, when set, is the HTML answered (with 404) to a browser
	// asking for a page that does not exist; the API keeps its JSON.
	NotFoundPage []byte
	// Login bounds password guessing and password-hashing work.
	Login LoginLimits
	// TrustedProxies are the addresses or CIDR networks of reverse proxies
	// whose X-Forwarded-For is believed; default none: the client address
	// is the connection's peer.
	TrustedProxies []string
	// MetricsToken, when set, is the bearer token /metrics asks for.
	MetricsToken string
	// MetricsElsewhere leaves /metrics off this router (it is served on
	// another address, see MetricsHandler).
	MetricsElsewhere bool
	// Leases run each job on one of the replicas sharing Store; nil makes
	// this server a node of its own (a random name, the default TTL).
	Leases *rooms.Leases
	// Placement, when set, puts each media room on one node of the
	// embedded SFU: join answers send people to the node that hosts it.
	Placement *rooms.Placement
	// Notifier tells members what happened by push, email or not at all,
	// by their preferences; nil mails everything, as before push.
	Notifier Notifier
}

// ConsultationConfig tunes the consultation flow.
type ConsultationConfig struct {
	// RequestTTL is how long a request waits for an answer; default 72 h.
	RequestTTL time.Duration
	// ReminderOffsets are how long before the start reminders go out;
	// default 24 h and 15 min.
	ReminderOffsets []time.Duration
	// MinNotice is how soon a proposed time may start; default
	// rooms.DefaultMinNotice (15 min).
	MinNotice time.Duration
}

// MediaConfig says where clients connect for video and how tokens are signed.
type MediaConfig struct {
	URL       string // ws(s):// address clients connect to
	APIKey    string
	APISecret string
	// EventsRecordAttendance: the media plane's events (a LiveKit
	// cluster's webhooks through rooms.RoomEvents) record who came, from
	// her actual join. Without them, fetching a join token counts as
	// coming.
	EventsRecordAttendance bool
}

// API serves the control plane.
type API struct {
	store        rooms.Store
	log          *slog.Logger
	reg          *prometheus.Registry
	version      string
	secure       bool
	sessionTTL   time.Duration
	maxBody      int64
	now          func() time.Time
	metrics      *httpMetrics
	ipLimit      *limiter
	inviteLimit  *limiter
	mailer       rooms.Mailer
	publicURL    string
	outbox       *mail.Outbox
	fromAddress  string
	cfg          ConsultationConfig
	media        MediaConfig
	requestLimit *limiter
	passwordCost int
	mediaPlane   rooms.MediaPlane
	rec          RecommendConfig
	decodes      chan struct{} // photo decoding turns (photoDecodes)
	lists        listCache     // the upcoming-roundtable snapshot (roundtable_cache.go)
	stamps       stampReader   // the list stamp, read for many lists at once
	listTurns    chan struct{} // roundtable lists built at once (listTurn)
	notFoundPage []byte
	leases       *rooms.Leases    // jobs run once across replicas
	placement    *rooms.Placement // nil: one node, rooms are not placed

	// Login limits, trusted proxies, headers and metrics (security.go).
	resetLimit   *limiter
	noticeLimit  *limiter // "you already have an account" notes, per address
	guard        *loginGuard
	passwords    *passwordGate // bounds bcrypt work (password.go)
	loginRefused *prometheus.CounterVec
	trusted      []string
	metricsToken string
	noMetrics    bool
	prom         http.Handler                // the Prometheus exposition of reg
	headers      atomic.Pointer[http.Header] // security headers of every response (SetMediaNodes)
	mediaURL     string
	https        bool
	notifier     Notifier
	// Questions and votes per member (questions.go).
	questionLimit *limiter
	voteLimit     *limiter
}

// New checks p and returns the API.
func New(p Params) (*API, error) {
	if p.Store == nil || p.Logger == nil || p.Registry == nil || p.Mailer == nil || p.PublicURL == "" {
		return nil, errors.New("api: Store, Logger, Registry, Mailer and PublicURL are required")
	}
	a := &API{store: p.Store, log: p.Logger, reg: p.Registry, version: p.Version, secure: p.SecureCookies,
		sessionTTL: p.SessionTTL, maxBody: p.MaxBodyBytes, now: p.Now, mailer: p.Mailer,
		publicURL: strings.TrimSuffix(p.PublicURL, "/"), outbox: p.DevOutbox}
	if a.sessionTTL <= 0 {
		a.sessionTTL = 14 * 24 * time.Hour
	}
	if a.maxBody <= 0 {
		a.maxBody = 1 << 20
	}
	if a.now == nil {
		a.now = time.Now
	}
	a.metrics = newHTTPMetrics(p.Registry)
	if err := a.setLoginLimits(p); err != nil {
		return nil, err
	}
	a.requestLimit = newLimiter(20, 24*time.Hour, a.now)
	a.cfg, a.media, a.fromAddress = p.Consultations, p.Media, p.FromAddress
	if a.cfg.RequestTTL <= 0 {
		a.cfg.RequestTTL = 72 * time.Hour
	}
	if a.cfg.MinNotice <= 0 {
		a.cfg.MinNotice = rooms.DefaultMinNotice
	}
	if a.cfg.ReminderOffsets == nil {
		a.cfg.ReminderOffsets = []time.Duration{24 * time.Hour, 15 * time.Minute}
	}
	a.passwordCost, a.mediaPlane, a.rec = p.PasswordCost, p.MediaPlane, p.Recommend.withDefaults()
	if a.passwordCost == 0 {
		a.passwordCost = bcrypt.DefaultCost
	}
	if a.fromAddress == "" {
		a.fromAddress = "no-reply@zadankai.invalid"
	}
	a.inviteLimit = newLimiter(200, time.Hour, a.now)
	a.noticeLimit = newLimiter(1, 24*time.Hour, a.now)
	a.decodes = make(chan struct{}, photoDecodes)
	a.listTurns = make(chan struct{}, runtime.GOMAXPROCS(0))
	a.notFoundPage = p.NotFoundPage
	a.notifier = p.Notifier
	if a.notifier == nil {
		a.notifier = mailOnly{mailer: a.mailer, log: a.log}
	}
	a.questionLimit = newLimiter(questionsPerWindow, questionWindow, a.now)
	a.voteLimit = newLimiter(votesPerWindow, voteWindow, a.now)
	a.leases, a.placement = p.Leases, p.Placement
	if a.leases == nil {
		a.leases = &rooms.Leases{Store: a.store, Node: "node-" + rooms.NewSecret()[:8], TTL: rooms.DefaultLeaseTTL, Now: a.now}
	}
	return a, nil
}

// Register installs the global middleware on r (so routes added later,
// such as the signal WebSocket, get it too) and the API's routes.
func (a *API) Register(r *gin.Engine) {
	a.trustProxies(r)
	r.Use(a.securityHeadersMiddleware, requestIDMiddleware, accessLog(a.log), a.metrics.middleware, a.recovery, a.errorMiddleware)
	r.NoRoute(func(c *gin.Context) {
		if a.notFoundPage != nil && wantsPage(c.Request) {
			c.Header("Cache-Control", "no-cache")
			c.Data(http.StatusNotFound, "text/html; charset=utf-8", a.notFoundPage)
			return
		}
		fail(c, &Error{Status: http.StatusNotFound, Code: "not_found", Message: "no such endpoint: " + c.Request.Method + " " + c.Request.URL.Path})
	})
	r.NoMethod(func(c *gin.Context) {
		fail(c, &Error{Status: http.StatusMethodNotAllowed, Code: "method_not_allowed", Message: c.Request.Method + " is not allowed here"})
	})
	r.GET("/healthz", a.healthz)
	r.GET("/readyz", a.readyz)
	r.GET("/metrics", a.metricsRoute)

	v1 := r.Group("/api/v1", a.limitBody) // the photo upload sets its own, larger limit
	v1.GET("/openapi.json", a.openAPI)
	v1.POST("/auth/login", a.login)
	v1.POST("/auth/password-reset", a.requestPasswordReset)
	v1.POST("/auth/password-reset/confirm", a.confirmPasswordReset)
	v1.GET("/invitations/lookup", a.lookupInvitation)
	v1.POST("/invitations/accept", a.acceptInvitation)

	authed := v1.Group("", a.requireSession)
	authed.POST("/auth/logout", a.logout)
	authed.GET("/me", a.me)
	authed.GET("/companies/:id", a.getCompany)
	authed.GET("/profile-options", a.profileOptions)
	authed.GET("/me/export", a.exportMyData)
	authed.POST("/me/delete", a.deleteMyAccount)
	authed.GET("/me/profile", a.getMyProfile)
	authed.PUT("/me/profile", a.putMyProfile)
	authed.GET("/me/availability", a.getMyAvailability)
	authed.PUT("/me/availability", a.putMyAvailability)
	authed.PUT("/me/photo", a.putMyPhoto)
	authed.GET("/members/:id/photo", a.getPhoto)
	authed.GET("/recommendations", a.getRecommendations)
	authed.GET("/consultations", a.listConsultations)
	authed.POST("/consultations", a.createConsultation)
	authed.GET("/consultations/:id", a.getConsultation)
	authed.POST("/consultations/:id/accept", a.acceptConsultation)
	authed.POST("/consultations/:id/decline", a.declineConsultation)
	authed.POST("/consultations/:id/cancel", a.cancelConsultation)
	authed.POST("/consultations/:id/reschedule", a.rescheduleConsultation)
	authed.DELETE("/consultations/:id/reschedule", a.keepBookedTime)
	authed.POST("/consultations/:id/no-show", a.reportNoShow)
	authed.POST("/consultations/:id/feedback", a.createFeedback)
	authed.POST("/consultations/:id/join", a.joinConsultation)
	authed.GET("/consultations/:id/calendar.ics", a.consultationICS)
	authed.GET("/roundtables", a.listRoundtables)
	authed.POST("/roundtables", a.createRoundtable)
	authed.GET("/roundtables/:id", a.getRoundtable)
	authed.PUT("/roundtables/:id", a.updateRoundtable)
	authed.POST("/roundtables/:id/cancel", a.cancelRoundtable)
	authed.POST("/roundtables/:id/register", a.registerRoundtable)
	authed.POST("/roundtables/:id/withdraw", a.withdrawRoundtable)
	authed.POST("/roundtables/:id/join", a.joinRoundtable)
	authed.GET("/roundtables/:id/registrations", a.listRegistrations)
	authed.POST("/roundtables/:id/moderation", a.moderate)
	authed.GET("/roundtables/:id/audit", a.listAudit)
	authed.GET("/blocks", a.listBlocks)
	authed.POST("/blocks", a.createBlock)
	authed.DELETE("/blocks/:id", a.deleteBlock)
	operator := authed.Group("", requireRole(rooms.RoleOperator))
	operator.POST("/companies", a.createCompany)
	operator.GET("/companies", a.listCompanies)
	operator.PATCH("/companies/:id", a.updateCompany)
	operator.GET("/stats", a.platformStats)
	operator.GET("/overview", a.platformOverview)
	operator.GET("/feedback", a.listFeedback)
	authed.GET("/companies/:id/stats", a.companyStats)
	inviters := authed.Group("", requireRole(rooms.RoleOperator, rooms.RoleCompanyAdmin))
	inviters.POST("/invitations", a.createInvitation)
	inviters.GET("/invitations", a.listInvitations)
	// --- control plane, second pass (issue 5) ---
	authed.PATCH("/me", a.patchMe)
	authed.GET("/members/:id/free-slots", a.freeSlots)
	inviters.POST("/invitations/:id/revoke", a.revokeInvitation)
	inviters.POST("/invitations/:id/resend", a.resendInvitation)
	// --- end control plane ---
	if a.outbox != nil {
		r.GET("/dev/mail", a.devMail)
	}
	a.registerRoundtableExtras(authed, operator)
	a.registerQA(authed, operator)
	a.registerBreakout(authed)
	a.registerNotifications(authed)
}

// registerNotifications adds push devices and notification preferences
// (issue 17).
func (a *API) registerNotifications(authed *gin.RouterGroup) {
	authed.GET("/push/key", a.pushKey)
	authed.GET("/me/devices", a.listDevices)
	authed.POST("/me/devices", a.subscribeDevice)
	authed.DELETE("/me/devices/:id", a.deleteDevice)
	authed.GET("/me/notifications", a.getMyNoticePrefs)
	authed.PUT("/me/notifications", a.putMyNoticePrefs)
}

// wantsPage tells a person's browser asking for a page (a mistyped
// address, an old link) from a program: those keep the JSON error.
func wantsPage(r *http.Request) bool {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		return false
	}
	for _, prefix := range []string{"/api/", "/rtc", "/twirp/", "/dev/", "/assets/"} {
		if strings.HasPrefix(r.URL.Path, prefix) {
			return false
		}
	}
	return strings.Contains(r.Header.Get("Accept"), "text/html")
}

// registerRoundtableExtras adds roundtable feedback, calendar files, the
// organisers' people list and the operators' audit listing (issue 6).
func (a *API) registerRoundtableExtras(authed, operator *gin.RouterGroup) {
	authed.POST("/roundtables/:id/feedback", a.createRoundtableFeedback)
	authed.GET("/roundtables/:id/calendar.ics", a.roundtableICS)
	authed.GET("/roundtable-people", a.listRoundtablePeople)
	operator.GET("/roundtables/:id/feedback", a.listRoundtableFeedback)
	operator.GET("/feedback/roundtables", a.listAllRoundtableFeedback)
	operator.GET("/audit", a.listAllAudit)
	operator.POST("/roundtable-people/moderators", a.nameModerator)
}

// registerQA adds a roundtable's anonymous questions and quick polls
// (issue 16).
func (a *API) registerQA(authed, operator *gin.RouterGroup) {
	authed.GET("/roundtables/:id/questions", a.listQuestions)
	authed.POST("/roundtables/:id/questions", a.askQuestion)
	authed.POST("/roundtables/:id/questions/:qid/vote", a.voteQuestion)
	authed.DELETE("/roundtables/:id/questions/:qid/vote", a.unvoteQuestion)
	authed.POST("/roundtables/:id/questions/:qid/state", a.setQuestionState)
	authed.GET("/roundtables/:id/polls", a.listPolls)
	authed.POST("/roundtables/:id/polls", a.createPoll)
	authed.POST("/roundtables/:id/polls/:pid/close", a.closePoll)
	authed.POST("/roundtables/:id/polls/:pid/vote", a.votePoll)
	operator.GET("/roundtables/:id/question-authors", a.questionAuthors)
	operator.GET("/feedback/polls", a.listAllPolls)
}

// registerBreakout adds a roundtable's breakout groups (issue 16).
func (a *API) registerBreakout(authed *gin.RouterGroup) {
	authed.GET("/roundtables/:id/breakout", a.getBreakout)
	authed.POST("/roundtables/:id/breakout/plan", a.planBreakout)
	authed.POST("/roundtables/:id/breakout/open", a.openBreakoutGroups)
	authed.POST("/roundtables/:id/breakout/move", a.moveBreakout)
	authed.POST("/roundtables/:id/breakout/broadcast", a.broadcastBreakout)
	authed.POST("/roundtables/:id/breakout/extend", a.extendBreakout)
	authed.POST("/roundtables/:id/breakout/close", a.closeBreakout)
}

func (a *API) healthz(c *gin.Context) {
	c.JSON(http.StatusOK, gin.H{"status": "ok", "version": a.version})
}

// readyz answers 200 only when the store answers a ping within 2 s.
func (a *API) readyz(c *gin.Context) {
	ctx, cancel := context.WithTimeout(c.Request.Context(), 2*time.Second)
	defer cancel()
	if err := a.store.Ping(ctx); err != nil {
		a.log.WarnContext(ctx, "readiness: store unreachable", "err", err)
		fail(c, &Error{Status: http.StatusServiceUnavailable, Code: "store_unavailable", Message: "the store does not answer"})
		return
	}
	c.JSON(http.StatusOK, gin.H{"status": "ready"})
}
