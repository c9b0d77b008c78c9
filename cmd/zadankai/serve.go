package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/zadankai/zadankai/rooms"
	"github.com/zadankai/zadankai/rooms/api"
	"github.com/zadankai/zadankai/rooms/mail"
	"github.com/zadankai/zadankai/rooms/mongostore"
	"github.com/zadankai/zadankai/rooms/push"
	"github.com/zadankai/zadankai/rooms/remotemedia"
	"github.com/zadankai/zadankai/rooms/sqlitestore"
	"github.com/zadankai/zadankai/sfu"
	"github.com/zadankai/zadankai/signaling"
)

// serve runs the server until ctx is cancelled, then drains.
func serve(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cfg, err := loadConfig(args, os.Getenv)
	if err != nil {
		return err
	}
	log := newLogger(cfg.Log, stderr)
	if cfg.Dev {
		warnDev(log, stderr)
	}
	log.Info("starting", "version", version, "config", sprint(cfg.Redacted()))

	store, logins, err := openSeeded(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer closeStore(store, log)

	ln, err := net.Listen("tcp", net.JoinHostPort(cfg.Server.Bind, strconv.Itoa(cfg.Server.Port)))
	if err != nil {
		return fmt.Errorf("listen on %s:%d: %w", cfg.Server.Bind, cfg.Server.Port, err)
	}
	defer ln.Close()
	public := cfg.publicURL(ln.Addr())
	// The room rules live in the store; both media planes consult them.
	rules := rooms.RoomRules{Store: store}
	cl, err := joinCluster(ctx, cfg, store, log)
	if err != nil {
		return err
	}
	embedded, err := startMedia(cfg, log, rules, cl.signalingPlacement())
	if err != nil {
		return err
	}
	defer embedded.close()
	reg := newRegistry(embedded)
	media, hook, err := moderation(cfg, embedded.sig, cl, store, rules, log)
	if err != nil {
		return err
	}
	a, notifier, err := newAPI(ctx, cfg, store, log, reg, public, media, cl)
	if err != nil {
		return err
	}
	engine := newEngine(cfg, a, embedded, public, hook)
	srv, limited, err := api.NewServer(engine, ln, cfg.httpLimits(), log, reg)
	if err != nil {
		return err
	}
	stopMetrics, err := serveMetrics(cfg, a, log)
	if err != nil {
		return err
	}
	defer stopMetrics()
	defer runNotifier(ctx, notifier)() // stopped after the jobs, which may still notify
	defer cl.run(ctx, a, embedded.sig.HasRoom, cfg.Server.ShutdownTimeout)()
	return serveUntil(ctx, srv, limited, embedded, cfg.Server.ShutdownTimeout, log, func() {
		welcome(stdout, public, cfg.Dev, logins)
		log.Info("zadankai listening", "url", "http://"+ln.Addr().String())
	})
}

// openSeeded opens the configured store and, when asked, loads the demo
// data into it (seedIfDemo).
func openSeeded(ctx context.Context, cfg *Config, log *slog.Logger) (rooms.Store, []rooms.DemoLogin, error) {
	store, err := openStore(ctx, cfg, log)
	if err != nil {
		return nil, nil, err
	}
	logins, err := seedIfDemo(ctx, cfg, store)
	if err != nil {
		closeStore(store, log)
		return nil, nil, err
	}
	return store, logins, nil
}

// seedIfDemo loads the demo data when asked (--demo) and returns how to
// log in as each demo account.
func seedIfDemo(ctx context.Context, cfg *Config, store rooms.Store) ([]rooms.DemoLogin, error) {
	if !cfg.Demo {
		return nil, nil
	}
	logins, err := rooms.SeedDemo(ctx, store, api.HashPassword)
	if err != nil {
		return nil, fmt.Errorf("demo data: %w", err)
	}
	return logins, nil
}

// runNotifier runs the push notifier (when there is one); the function
// it returns stops it and waits until it has.
func runNotifier(ctx context.Context, n *push.Notifier) func() {
	if n == nil {
		return func() {}
	}
	runCtx, stop := context.WithCancel(context.WithoutCancel(ctx))
	done := make(chan struct{})
	go func() { n.Run(runCtx); close(done) }()
	return func() { stop(); <-done }
}

// serveUntil serves on ln, says so with listening once the server runs,
// and drains when ctx ends; a server that fails ends it at once.
func serveUntil(ctx context.Context, srv *http.Server, ln net.Listener, embedded *mediaPlane, timeout time.Duration, log *slog.Logger, listening func()) error {
	serveErr := make(chan error, 1)
	go func() { serveErr <- srv.Serve(ln) }()
	listening()
	select {
	case err := <-serveErr:
		return fmt.Errorf("http server: %w", err)
	case <-ctx.Done():
	}
	return drain(srv, embedded, timeout, log)
}

// moderation is where moderation goes (moderatedPlane) and, with a
// remote media plane, the receiver of its webhooks (mediaWebhook).
func moderation(cfg *Config, embedded *signaling.Server, cl *cluster, store rooms.Store, rules remotemedia.Rules, log *slog.Logger) (rooms.MediaPlane, http.Handler, error) {
	media := moderatedPlane(cfg, embedded, cl, log)
	hook, err := mediaWebhook(cfg, store, rules, media, log)
	return media, hook, err
}

// moderatedPlane is where moderation goes: the embedded SFU (the node
// hosting the room, with rooms placed on replicas), or a remote
// LiveKit-compatible media plane when media.url names one.
func moderatedPlane(cfg *Config, embedded *signaling.Server, cl *cluster, log *slog.Logger) rooms.MediaPlane {
	if cfg.Media.URL == "" {
		key, secret := cfg.mediaKey()
		return cl.plane(embedded, key, secret)
	}
	if cfg.Media.Webhook == "" {
		log.Warn("media.url is set without media.webhook: removal, lock, lobby and end are checked only when tokens are minted (join tokens live a minute)")
	}
	key, secret := cfg.mediaKey()
	return remotemedia.New(cfg.Media.URL, key, secret)
}

// newAPI is the control plane as configured, public being the address
// people reach it at, moderating through media, and its push notifier
// (nil when push is off).
func newAPI(ctx context.Context, cfg *Config, store rooms.Store, log *slog.Logger, reg *prometheus.Registry, public string, media rooms.MediaPlane, cl *cluster) (*api.API, *push.Notifier, error) {
	mailer, outbox := newMailer(cfg, log)
	notifier, err := newNotifier(ctx, cfg, store, mailer, log, public)
	if err != nil {
		return nil, nil, err
	}
	key, secret := cfg.mediaKey()
	var tell api.Notifier
	if notifier != nil {
		tell = notifier
	}
	a, err := api.New(api.Params{Notifier: tell, Store: store, Logger: log, Registry: reg, Version: version, MaxBodyBytes: cfg.Server.MaxBodyBytes,
		Mailer: mailer, PublicURL: public, DevOutbox: outbox, SecureCookies: strings.HasPrefix(public, "https://"),
		FromAddress:   envelopeAddress(cfg.Mail.From),
		Recommend:     api.RecommendConfig{Every: cfg.Recommendations.Every, RecentlyMet: cfg.Recommendations.RecentlyMet, BatchSize: cfg.Recommendations.BatchSize},
		Consultations: api.ConsultationConfig{RequestTTL: cfg.Consultations.RequestTTL, ReminderOffsets: cfg.Consultations.ReminderOffsets, MinNotice: cfg.Consultations.MinNotice},
		Media: api.MediaConfig{URL: cfg.mediaURL(public), APIKey: key, APISecret: secret,
			EventsRecordAttendance: cfg.eventsRecordAttendance()}, MediaPlane: media,
		Login: cfg.loginLimits(), TrustedProxies: cfg.Server.TrustedProxies,
		MetricsToken: cfg.Server.MetricsToken, MetricsElsewhere: cfg.Server.MetricsListen != "", NotFoundPage: notFoundHTML(),
		Leases: cl.leases, Placement: cl.placement})
	return a, notifier, err
}

// newNotifier is the push notifier, with the configured VAPID keys or
// those kept in the store; nil when push is off.
func newNotifier(ctx context.Context, cfg *Config, store rooms.Store, mailer rooms.Mailer, log *slog.Logger, public string) (*push.Notifier, error) {
	if !cfg.Push.Enabled {
		return nil, nil
	}
	keys, err := push.LoadKeys(ctx, store, cfg.Push.VAPIDPublicKey, cfg.Push.VAPIDPrivateKey)
	if err != nil {
		return nil, err
	}
	subject := cfg.Push.Subject
	if subject == "" {
		subject = "mailto:" + envelopeAddress(cfg.Mail.From)
	}
	return push.New(push.Params{Store: store, Mailer: mailer, Logger: log, Keys: keys, BaseURL: public,
		Config: push.Config{Subject: subject, QueueSize: cfg.Push.QueueSize}})
}

// newEngine routes the API, the media plane, a remote media plane's
// webhooks (hook, when media.webhook is set), the web client and, in
// development mode, the dev token.
func newEngine(cfg *Config, a *api.API, embedded *mediaPlane, public string, hook http.Handler) *gin.Engine {
	gin.SetMode(gin.ReleaseMode)
	engine := gin.New()
	a.Register(engine)
	mountMedia(engine, embedded.sig)
	if hook != nil {
		engine.POST(cfg.Media.Webhook, gin.WrapH(hook))
	}
	mountWeb(engine, cfg.Dev)
	if cfg.Dev {
		mountDevToken(engine, "devkey", cfg.Keys["devkey"], cfg.mediaURL(public))
	}
	return engine
}

// newRegistry holds the process's and the embedded SFU's metrics.
func newRegistry(embedded *mediaPlane) *prometheus.Registry {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	registerTURNMetrics(reg, embedded.sfu)
	registerCongestionMetrics(reg, embedded.sfu)
	return reg
}

// mediaPlane is the embedded SFU and its signaling server.
type mediaPlane struct {
	sfu *sfu.SFU
	sig *signaling.Server
}

func startMedia(cfg *Config, log *slog.Logger, rules signaling.RoomRules, placement signaling.Placement) (*mediaPlane, error) {
	s, err := sfu.New(cfg.sfuConfig(), log.With("component", "sfu"))
	if errors.Is(err, sfu.ErrTURN) {
		return nil, &ConfigError{Key: "turn", Msg: err.Error()}
	}
	if err != nil {
		return nil, &ConfigError{Key: "rtc", Msg: err.Error()}
	}
	hooks := signaling.WebhookConfig{URLs: cfg.Webhook.URLs, APIKey: cfg.Webhook.APIKey}
	if hooks.APIKey == "" && len(hooks.URLs) > 0 {
		hooks.APIKey, _ = cfg.mediaKey()
	}
	sig, err := signaling.New(signaling.Params{Keys: cfg.Keys, SFU: s, Logger: log.With("component", "signaling"), Webhooks: hooks, Rules: rules, Placement: placement,
		Limits: signaling.Limits{MaxParticipants: cfg.Limits.MaxParticipants, MaxTracks: cfg.Limits.MaxTracks,
			JoinsPerSecondIP: cfg.Limits.JoinsPerSecondIP, JoinsPerSecondRm: cfg.Limits.JoinsPerSecondRoom,
			MaxMessageBytes: cfg.Limits.MaxSignalMessage, MaxNameBytes: cfg.Limits.MaxNameBytes, MaxMetadataBytes: cfg.Limits.MaxMetadataBytes,
			MaxAttributesBytes: cfg.Limits.MaxAttributesBytes, SelfUpdatesPerSec: cfg.Limits.SelfUpdatesPerSec}})
	if err != nil {
		s.Close()
		return nil, err
	}
	return &mediaPlane{sfu: s, sig: sig}, nil
}

// close releases the UDP port (after the connections were drained).
func (m *mediaPlane) close() { _ = m.sfu.Close() }

// drain stops accepting, lets in-flight requests finish within timeout,
// and then closes what is left.
func drain(srv *http.Server, media *mediaPlane, timeout time.Duration, log *slog.Logger) error {
	log.Info("draining", "timeout", timeout)
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	// Signal sessions are hijacked connections Shutdown does not wait for:
	// tell each client to leave first.
	if err := media.sig.Close(ctx); err != nil {
		log.Warn("closing signal sessions", "err", err)
	}
	err := srv.Shutdown(ctx)
	if errors.Is(err, context.DeadlineExceeded) {
		log.Warn("drain timed out; closing remaining connections")
		return srv.Close()
	}
	log.Info("stopped")
	return err
}

// openStore opens the configured store.
func openStore(ctx context.Context, cfg *Config, log *slog.Logger) (rooms.Store, error) {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if cfg.Storage.MongoURI != "" {
		s, err := mongostore.Open(ctx, cfg.Storage.MongoURI, cfg.Storage.MongoDatabase, mongostore.Options{})
		if err != nil {
			return nil, err
		}
		log.Info("store: MongoDB", "database", cfg.Storage.MongoDatabase)
		return s, nil
	}
	if err := os.MkdirAll(cfg.Storage.DataDir, 0o750); err != nil {
		return nil, &ConfigError{Key: "storage.data_dir", Msg: err.Error()}
	}
	s, err := sqlitestore.Open(ctx, cfg.Storage.DataDir)
	if err != nil {
		return nil, err
	}
	log.Info("store: embedded SQLite", "data_dir", cfg.Storage.DataDir)
	return s, nil
}

func closeStore(s rooms.Store, log *slog.Logger) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := s.Close(ctx); err != nil {
		log.Warn("closing store", "err", err)
	}
}

// welcome tells the person who started the server, on stdout and once it
// is listening, where to open it and (with demo data) how to log in.
func welcome(out io.Writer, url string, dev bool, logins []rooms.DemoLogin) {
	fmt.Fprintf(out, "\nZadankai is running: %s  (Ctrl+C stops it)\n", url)
	if dev {
		fmt.Fprintf(out, "Emails are not sent in development mode; read them at %s/dev/mail\n", url)
	}
	if len(logins) == 0 {
		return
	}
	fmt.Fprintln(out, "\nDemo accounts (password "+rooms.DemoPassword+"):")
	var extras []string
	for _, l := range logins {
		if l.Extra {
			extras = append(extras, l.Email)
			continue
		}
		company := l.Company
		if company == "" {
			company = "-"
		}
		fmt.Fprintf(out, "  %-14s %-28s %s\n", l.Role, l.Email, company)
		if l.Note != "" {
			fmt.Fprintf(out, "  %-14s   ↳ %s\n", "", l.Note)
		}
	}
	if len(extras) > 0 {
		fmt.Fprintf(out, "  and %d more members, so HR sees real figures: %s\n", len(extras), strings.Join(extras, ", "))
	}
	fmt.Fprintln(out, "\nAs hanako@sakura.example: ask 伊藤 美香 for a free time, answer Emma Wilson's request,\n"+
		"join the call with 渡辺 大輔 under way now, and give feedback on yesterday's with 高橋 洋子.")
	fmt.Fprintf(out, "Roundtables are at %s/roundtables; \"%s\" can be joined now.\n\n", url, rooms.DemoLiveTitle)
}

// newMailer returns the SMTP mailer when a relay is configured, else the
// outbox that only logs (and, in dev mode, is shown at /dev/mail).
func newMailer(cfg *Config, log *slog.Logger) (rooms.Mailer, *mail.Outbox) {
	if cfg.Mail.SMTPHost != "" {
		return mail.NewSMTP(mail.SMTPConfig{Host: cfg.Mail.SMTPHost, Port: cfg.Mail.SMTPPort,
			Username: cfg.Mail.SMTPUsername, Password: cfg.Mail.SMTPPassword, From: cfg.Mail.From}), nil
	}
	outbox := mail.NewOutbox(log, 200)
	if !cfg.Dev {
		log.Warn("mail.smtp_host is not set: emails are only written to the log")
		return outbox, nil
	}
	return outbox, outbox
}

// envelopeAddress extracts the bare address of "Name <addr>".
func envelopeAddress(from string) string {
	if i := strings.LastIndex(from, "<"); i >= 0 {
		return strings.TrimSuffix(from[i+1:], ">")
	}
	return from
}

func newLogger(c LogConfig, w io.Writer) *slog.Logger {
	var level slog.Level
	_ = level.UnmarshalText([]byte(c.Level)) // validated already
	opts := &slog.HandlerOptions{Level: level}
	if c.Format == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

func warnDev(log *slog.Logger, w io.Writer) {
	fmt.Fprintln(w, "********************************************************************")
	fmt.Fprintln(w, "* DEVELOPMENT MODE: API key \"devkey\" with secret \"secret\" is active. *")
	fmt.Fprintln(w, "* Anyone who can reach this server can mint tokens. Never use --dev *")
	fmt.Fprintln(w, "* in production.                                                   *")
	fmt.Fprintln(w, "********************************************************************")
	log.Warn("development mode: insecure API key devkey/secret is active")
}
