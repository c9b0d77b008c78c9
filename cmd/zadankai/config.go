package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/zadankai/zadankai/rooms"
)

// Config is the whole configuration of `zadankai serve`. configs/zadankai.yaml
// documents every key with its default; precedence is defaults < file <
// environment (ZADANKAI_<SECTION>_<KEY>) < flags.
type Config struct {
	Server  ServerConfig  `yaml:"server"`
	RTC     RTCConfig     `yaml:"rtc"`
	TURN    TURNConfig    `yaml:"turn"`
	Storage StorageConfig `yaml:"storage"`
	Log     LogConfig     `yaml:"log"`
	Mail    MailConfig    `yaml:"mail"`
	Push    PushConfig    `yaml:"push"`
	Media   MediaConfig   `yaml:"media"`
	Webhook WebhookConfig `yaml:"webhook"`
	Limits  LimitsConfig  `yaml:"limits"`
	// Recommendations tunes the weekly recommendation round.
	Recommendations RecommendationsConfig `yaml:"recommendations"`
	// Consultations tunes the 1:1 consultation flow.
	Consultations ConsultationsConfig `yaml:"consultations"`
	// Cluster is this server among replicas sharing one store.
	Cluster ClusterConfig `yaml:"cluster"`
	// KeysFile names a file of "key: secret" lines (mode 0600). Keys are
	// secrets, so they never sit in this file itself: use KeysFile,
	// ZADANKAI_KEYS or --keys.
	KeysFile string `yaml:"keys_file"`
	// Dev enables development mode: API key devkey / secret secret.
	Dev bool `yaml:"dev"`
	// Demo seeds demo companies and members on start (idempotent).
	Demo bool `yaml:"demo"`

	// Keys maps API keys to secrets; filled from KeysFile, ZADANKAI_KEYS,
	// --keys and --dev, never from YAML.
	Keys map[string]string `yaml:"-"`
}

// ServerConfig is the HTTP side: pages, API, signal WebSocket, RoomService.
type ServerConfig struct {
	Bind            string        `yaml:"bind"`
	Port            int           `yaml:"port"`
	ShutdownTimeout time.Duration `yaml:"shutdown_timeout"`
	MaxBodyBytes    int64         `yaml:"max_body_bytes"`
	// PublicURL is where people reach the server, for links in emails;
	// required outside dev mode (where empty = http://BIND:PORT). An
	// https URL marks cookies Secure.
	PublicURL string `yaml:"public_url"`
	// ReadHeaderTimeout, ReadTimeout (headers and body), WriteTimeout and
	// IdleTimeout bound each HTTP connection; WebSockets set their own.
	ReadHeaderTimeout time.Duration `yaml:"read_header_timeout"`
	ReadTimeout       time.Duration `yaml:"read_timeout"`
	WriteTimeout      time.Duration `yaml:"write_timeout"`
	IdleTimeout       time.Duration `yaml:"idle_timeout"`
	MaxHeaderBytes    int           `yaml:"max_header_bytes"`
	// MaxConnectionsPerIP caps open connections from one address (trusted
	// proxies excepted).
	MaxConnectionsPerIP int `yaml:"max_connections_per_ip"`
	// TrustedProxies are reverse proxies (IPs or CIDRs) whose
	// X-Forwarded-For is believed; empty = none.
	TrustedProxies []string `yaml:"trusted_proxies"`
	// MetricsListen serves /metrics on this host:port instead of the main
	// one; empty = on the main port.
	MetricsListen string `yaml:"metrics_listen"`
	// MetricsToken, when set, is the bearer token /metrics asks for; only
	// from ZADANKAI_SERVER_METRICS_TOKEN.
	MetricsToken string `yaml:"-"`
}

// MailConfig is the SMTP relay for invitations, reminders and resets.
// Without SMTPHost, mail is only logged (and shown at /dev/mail in dev mode).
type MailConfig struct {
	SMTPHost     string `yaml:"smtp_host"`
	SMTPPort     int    `yaml:"smtp_port"`
	SMTPUsername string `yaml:"smtp_username"`
	From         string `yaml:"from"`
	// SMTPPassword comes only from ZADANKAI_MAIL_SMTP_PASSWORD.
	SMTPPassword string `yaml:"-"`
}

// PushConfig is Web Push (issue 17). The VAPID key pair is generated on
// the first start and kept in the store, unless both halves are given in
// ZADANKAI_PUSH_VAPID_PUBLIC_KEY and ZADANKAI_PUSH_VAPID_PRIVATE_KEY.
type PushConfig struct {
	Enabled bool `yaml:"enabled"`
	// Subject is how push services reach the operator (mailto: or
	// https:); empty = mailto: with mail.from's address.
	Subject string `yaml:"subject"`
	// QueueSize bounds the notifications waiting to go out; beyond it
	// they go by email.
	QueueSize int `yaml:"queue_size"`
	// VAPIDPublicKey and VAPIDPrivateKey come only from the environment.
	VAPIDPublicKey  string `yaml:"-"`
	VAPIDPrivateKey string `yaml:"-"`
}

// RTCConfig is the media side: where ICE candidates come from.
type RTCConfig struct {
	NodeIP        string       `yaml:"node_ip"`
	UDPPort       int          `yaml:"udp_port"`
	TCPPort       int          `yaml:"tcp_port"`
	AllowLoopback bool         `yaml:"allow_loopback"`
	Interfaces    FilterConfig `yaml:"interfaces"`
	IPs           FilterConfig `yaml:"ips"`
	// CongestionControl shares each subscriber's estimated bandwidth
	// among its tracks (off: everything is forwarded as asked).
	CongestionControl bool `yaml:"congestion_control"`
	// DirectPath sends subscribers' media below Pion's write path, on the
	// shared UDP port (off: through Pion, for comparison).
	DirectPath bool `yaml:"direct_path"`
}

// FilterConfig includes or excludes interfaces or IP networks.
type FilterConfig struct {
	Includes []string `yaml:"includes"`
	Excludes []string `yaml:"excludes"`
}

// TURNConfig is the embedded TURN server for clients behind strict networks.
type TURNConfig struct {
	Enabled bool   `yaml:"enabled"`
	Domain  string `yaml:"domain"`
	// UDPPort serves TURN over UDP and over TCP.
	UDPPort         int           `yaml:"udp_port"`
	TLSPort         int           `yaml:"tls_port"`
	CertFile        string        `yaml:"cert_file"`
	KeyFile         string        `yaml:"key_file"`
	RelayRangeStart int           `yaml:"relay_range_start"`
	RelayRangeEnd   int           `yaml:"relay_range_end"`
	CredentialTTL   time.Duration `yaml:"credential_ttl"`
	// AllocationsPerParticipant caps the relays one identity holds.
	AllocationsPerParticipant int `yaml:"allocations_per_participant"`
	// Secret signs TURN credentials; only from ZADANKAI_TURN_SECRET, else
	// random at each start.
	Secret string `yaml:"-"`
}

// StorageConfig chooses the store: SQLite in DataDir unless MongoURI is set.
type StorageConfig struct {
	DataDir       string `yaml:"data_dir"`
	MongoURI      string `yaml:"mongo_uri"`
	MongoDatabase string `yaml:"mongo_database"`
}

// MediaConfig says where clients connect for video and with which key
// the control plane signs their tokens.
type MediaConfig struct {
	// URL is the LiveKit-compatible media plane; empty = this server.
	URL string `yaml:"url"`
	// APIKey signs join tokens; empty = the first configured key (sorted).
	APIKey string `yaml:"api_key"`
	// Webhook is the path on this server where a LiveKit media plane
	// posts its webhooks, which keep the room rules on it and tell the
	// control plane who is in which room; empty = none.
	Webhook string `yaml:"webhook"`
}

// WebhookConfig lists URLs that receive room events, signed as LiveKit
// signs them.
type WebhookConfig struct {
	URLs []string `yaml:"urls"`
	// APIKey signs the events; empty = the first configured key.
	APIKey string `yaml:"api_key"`
}

// LimitsConfig protects rooms and the server from overload and abuse.
type LimitsConfig struct {
	MaxParticipants    int     `yaml:"max_participants"`
	MaxTracks          int     `yaml:"max_tracks"`
	JoinsPerSecondIP   float64 `yaml:"joins_per_second_ip"`
	JoinsPerSecondRoom float64 `yaml:"joins_per_second_room"`
	MaxSignalMessage   int     `yaml:"max_signal_message_bytes"`
	// Login limits: see api.LoginLimits.
	LoginAttemptsPerIPMinute int           `yaml:"login_attempts_per_ip_minute"`
	LoginFreeFailures        int           `yaml:"login_free_failures"`
	LoginBackoffMax          time.Duration `yaml:"login_backoff_max"`
	LoginAccountFailures     int           `yaml:"login_account_failures"`
	// PasswordChecks bounds concurrent password hashing (0 = half the
	// CPUs, at least one); PasswordQueue bounds the requests waiting for a
	// turn (0 = 32 per check).
	PasswordChecks int `yaml:"password_checks"`
	PasswordQueue  int `yaml:"password_queue"`
	// What a participant may set on herself in a room.
	MaxNameBytes       int     `yaml:"max_participant_name_bytes"`
	MaxMetadataBytes   int     `yaml:"max_participant_metadata_bytes"`
	MaxAttributesBytes int     `yaml:"max_participant_attributes_bytes"`
	SelfUpdatesPerSec  float64 `yaml:"self_updates_per_second"`
}

// RecommendationsConfig tunes the recommendation rounds.
type RecommendationsConfig struct {
	Every       time.Duration `yaml:"every"`
	RecentlyMet time.Duration `yaml:"recently_met"`
	BatchSize   int           `yaml:"batch_size"`
}

// ConsultationsConfig tunes requests and reminders.
type ConsultationsConfig struct {
	RequestTTL      time.Duration   `yaml:"request_ttl"`
	ReminderOffsets []time.Duration `yaml:"reminder_offsets"`
	MinNotice       time.Duration   `yaml:"min_notice"`
}

// ClusterConfig names this server among replicas on one store and, with
// the embedded SFU on several of them, where its rooms are reached.
type ClusterConfig struct {
	// NodeID names this replica in leases and logs; empty = host name
	// and process id.
	NodeID string `yaml:"node_id"`
	// NodeURL is the ws(s):// address clients reach this replica's
	// embedded SFU at directly; set, each room is placed on one replica.
	NodeURL string `yaml:"node_url"`
	// Lease is how long a replica's leases outlive it.
	Lease time.Duration `yaml:"lease"`
}

// LogConfig is log/slog's level and format.
type LogConfig struct {
	Level  string `yaml:"level"`
	Format string `yaml:"format"`
}

// DefaultConfig returns the defaults documented in configs/zadankai.yaml.
func DefaultConfig() Config {
	return Config{
		Server: ServerConfig{Bind: "127.0.0.1", Port: 7880, ShutdownTimeout: 10 * time.Second, MaxBodyBytes: 1 << 20,
			ReadHeaderTimeout: 10 * time.Second, ReadTimeout: time.Minute, WriteTimeout: time.Minute, IdleTimeout: 2 * time.Minute,
			MaxHeaderBytes: 64 << 10, MaxConnectionsPerIP: 200},
		RTC:     RTCConfig{UDPPort: 7882, TCPPort: 7881, CongestionControl: true, DirectPath: true},
		TURN:    TURNConfig{UDPPort: 3478, TLSPort: 5349, RelayRangeStart: 30000, RelayRangeEnd: 40000, CredentialTTL: 10 * time.Minute, AllocationsPerParticipant: 12},
		Storage: StorageConfig{DataDir: "data", MongoDatabase: "zadankai"},
		Log:     LogConfig{Level: "info", Format: "text"},
		Mail:    MailConfig{SMTPPort: 587, From: "Zadankai <no-reply@zadankai.invalid>"},
		Push:    PushConfig{Enabled: true, QueueSize: 1024},
		Limits: LimitsConfig{MaxParticipants: 100, MaxTracks: 8, JoinsPerSecondIP: 5, JoinsPerSecondRoom: 20, MaxSignalMessage: 256 << 10,
			LoginAttemptsPerIPMinute: 60, LoginFreeFailures: 5, LoginBackoffMax: 15 * time.Minute, LoginAccountFailures: 100,
			MaxNameBytes: 256, MaxMetadataBytes: 4 << 10, MaxAttributesBytes: 4 << 10, SelfUpdatesPerSec: 2},
		Recommendations: RecommendationsConfig{Every: 7 * 24 * time.Hour, RecentlyMet: 4368 * time.Hour, BatchSize: 5},
		Consultations: ConsultationsConfig{RequestTTL: 72 * time.Hour,
			ReminderOffsets: []time.Duration{24 * time.Hour, 15 * time.Minute}, MinNotice: rooms.DefaultMinNotice},
		Cluster: ClusterConfig{Lease: rooms.DefaultLeaseTTL},
	}
}

// ConfigError names the key at fault; its message is the one line serve
// prints before refusing to start.
type ConfigError struct {
	Key string
	Msg string
}

// Error implements error.
func (e *ConfigError) Error() string { return "config: " + e.Key + ": " + e.Msg }

// loadConfig builds the configuration from defaults, the file named by
// --config, the environment and the flags, then validates it.
func loadConfig(args []string, getenv func(string) string) (*Config, error) {
	cfg, rest, err := parseConfig(args, getenv)
	if err != nil {
		return nil, err
	}
	if len(rest) > 0 {
		return nil, fmt.Errorf("serve: unexpected argument %q", rest[0])
	}
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	return cfg, nil
}

// parseConfig builds the configuration, unvalidated, and returns the
// arguments that are not flags (flags may come before and after them).
func parseConfig(args []string, getenv func(string) string) (*Config, []string, error) {
	cfg := DefaultConfig()
	fs, fl := serveFlags()
	var rest []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, nil, err
		}
		if fs.NArg() == 0 {
			break
		}
		rest, args = append(rest, fs.Arg(0)), fs.Args()[1:]
	}
	if fl.config != "" {
		if err := readConfigFile(fl.config, &cfg); err != nil {
			return nil, nil, err
		}
	}
	if err := applyEnv(reflect.ValueOf(&cfg).Elem(), "ZADANKAI", getenv); err != nil {
		return nil, nil, err
	}
	cfg.Mail.SMTPPassword = getenv("ZADANKAI_MAIL_SMTP_PASSWORD")
	cfg.TURN.Secret = getenv("ZADANKAI_TURN_SECRET")
	cfg.Server.MetricsToken = getenv("ZADANKAI_SERVER_METRICS_TOKEN")
	cfg.Push.VAPIDPublicKey, cfg.Push.VAPIDPrivateKey = getenv("ZADANKAI_PUSH_VAPID_PUBLIC_KEY"), getenv("ZADANKAI_PUSH_VAPID_PRIVATE_KEY")
	keys := getenv("ZADANKAI_KEYS")
	fs.Visit(func(f *flag.Flag) { fl.apply(f.Name, &cfg, &keys) })
	if err := cfg.loadKeys(keys); err != nil {
		return nil, nil, err
	}
	return &cfg, rest, nil
}

func readConfigFile(path string, cfg *Config) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return &ConfigError{Key: "--config", Msg: err.Error()}
	}
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)                                              // a misspelt key is an error, not a silent default
	if err := dec.Decode(cfg); err != nil && !errors.Is(err, io.EOF) { // an empty file is fine
		return &ConfigError{Key: path, Msg: yamlMessage(err)}
	}
	return nil
}

var unknownField = regexp.MustCompile(`field (\S+) not found in type \S+`)

// yamlMessage rewords yaml.v3's errors for people who never saw our types.
func yamlMessage(err error) string {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	msg = strings.ReplaceAll(msg, "unmarshal errors:\n  ", "")
	return unknownField.ReplaceAllString(msg, `unknown key "$1"`)
}

// applyEnv sets each leaf field from ZADANKAI_<SECTION>_<KEY>, with names
// taken from the yaml tags, upper-cased.
func applyEnv(v reflect.Value, prefix string, getenv func(string) string) error {
	t := v.Type()
	for i := range t.NumField() {
		tag := strings.Split(t.Field(i).Tag.Get("yaml"), ",")[0]
		if tag == "" || tag == "-" {
			continue
		}
		name := prefix + "_" + strings.ToUpper(tag)
		f := v.Field(i)
		if f.Kind() == reflect.Struct {
			if err := applyEnv(f, name, getenv); err != nil {
				return err
			}
			continue
		}
		if s := getenv(name); s != "" {
			if err := setField(f, s); err != nil {
				return &ConfigError{Key: name, Msg: err.Error()}
			}
		}
	}
	return nil
}

func setField(f reflect.Value, s string) error {
	switch {
	case f.Type() == reflect.TypeOf(time.Duration(0)):
		d, err := time.ParseDuration(s)
		if err != nil {
			return fmt.Errorf("not a duration (e.g. 10s): %q", s)
		}
		f.SetInt(int64(d))
	case f.Kind() == reflect.String:
		f.SetString(s)
	case f.Kind() == reflect.Bool:
		b, err := strconv.ParseBool(s)
		if err != nil {
			return fmt.Errorf("not a boolean: %q", s)
		}
		f.SetBool(b)
	case f.Kind() == reflect.Float64:
		n, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return fmt.Errorf("not a number: %q", s)
		}
		f.SetFloat(n)
	case f.Kind() == reflect.Int || f.Kind() == reflect.Int64:
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return fmt.Errorf("not an integer: %q", s)
		}
		f.SetInt(n)
	case f.Type() == reflect.TypeOf([]time.Duration(nil)):
		var ds []time.Duration
		for _, p := range strings.Split(s, ",") {
			d, err := time.ParseDuration(strings.TrimSpace(p))
			if err != nil {
				return fmt.Errorf("not a list of durations (e.g. 24h,15m): %q", s)
			}
			ds = append(ds, d)
		}
		f.Set(reflect.ValueOf(ds))
	case f.Kind() == reflect.Slice && f.Type().Elem().Kind() == reflect.String:
		var parts []string
		for _, p := range strings.Split(s, ",") {
			if p = strings.TrimSpace(p); p != "" {
				parts = append(parts, p)
			}
		}
		f.Set(reflect.ValueOf(parts))
	default:
		return fmt.Errorf("unsupported type %s", f.Type())
	}
	return nil
}

// loadKeys fills Keys from KeysFile, then the inline "key: secret" list,
// then the dev key.
func (c *Config) loadKeys(inline string) error {
	c.Keys = map[string]string{}
	if c.KeysFile != "" {
		st, err := os.Stat(c.KeysFile)
		if err != nil {
			return &ConfigError{Key: "keys_file", Msg: err.Error()}
		}
		if st.Mode().Perm()&0o077 != 0 {
			return &ConfigError{Key: "keys_file", Msg: fmt.Sprintf("%s is readable by others (mode %o); chmod 600 it", c.KeysFile, st.Mode().Perm())}
		}
		b, err := os.ReadFile(c.KeysFile)
		if err != nil {
			return &ConfigError{Key: "keys_file", Msg: err.Error()}
		}
		if err := parseKeys(string(b), c.Keys); err != nil {
			return &ConfigError{Key: "keys_file", Msg: err.Error()}
		}
	}
	if err := parseKeys(inline, c.Keys); err != nil {
		return &ConfigError{Key: "keys", Msg: err.Error()}
	}
	if c.Dev {
		if _, ok := c.Keys["devkey"]; !ok {
			c.Keys["devkey"] = "secret"
		}
	}
	return nil
}

// parseKeys reads "key: secret" pairs separated by newlines or commas.
func parseKeys(s string, into map[string]string) error {
	for _, line := range strings.FieldsFunc(s, func(r rune) bool { return r == '\n' || r == ',' }) {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		k, v, ok := strings.Cut(line, ":")
		k, v = strings.TrimSpace(k), strings.TrimSpace(v)
		if !ok || k == "" || v == "" {
			return fmt.Errorf(`want "key: secret", got %q`, redact(line))
		}
		into[k] = v
	}
	return nil
}

// redact keeps a secret out of error messages.
func redact(line string) string {
	if k, _, ok := strings.Cut(line, ":"); ok {
		return k + ": …"
	}
	if len(line) > 4 {
		return line[:4] + "…"
	}
	return line
}

// Validate reports the first invalid key of a configuration for serve.
func (c *Config) Validate() error {
	if len(c.Keys) == 0 {
		return &ConfigError{Key: "keys", Msg: "no API keys: pass --keys \"key: secret\", set ZADANKAI_KEYS or keys_file, or use --dev for a local trial"}
	}
	return c.validateExceptKeys()
}

// validateExceptKeys is Validate for commands that sign no tokens
// (operator add).
func (c *Config) validateExceptKeys() error {
	checks := []struct {
		key string
		bad bool
		msg string
	}{
		{"server.bind", net.ParseIP(c.Server.Bind) == nil && c.Server.Bind != "localhost", fmt.Sprintf("not an IP address: %q", c.Server.Bind)},
		{"server.port", c.Server.Port < 0 || c.Server.Port > 65535, fmt.Sprintf("must be 0-65535 (0 = any free port), got %d", c.Server.Port)},
		{"server.shutdown_timeout", c.Server.ShutdownTimeout <= 0, "must be positive, e.g. 10s"},
		{"server.max_body_bytes", c.Server.MaxBodyBytes < 1024, "must be at least 1024"},
		{"rtc.node_ip", c.RTC.NodeIP != "" && net.ParseIP(c.RTC.NodeIP) == nil, fmt.Sprintf("not an IP address: %q", c.RTC.NodeIP)},
		{"rtc.udp_port", c.RTC.UDPPort < 0 || c.RTC.UDPPort > 65535, fmt.Sprintf("must be 0-65535, got %d", c.RTC.UDPPort)},
		{"rtc.tcp_port", c.RTC.TCPPort < 0 || c.RTC.TCPPort > 65535, fmt.Sprintf("must be 0-65535, got %d", c.RTC.TCPPort)},
		{"rtc.tcp_port", c.RTC.TCPPort != 0 && c.RTC.TCPPort == c.Server.Port, "must differ from server.port"},
		{"storage.data_dir", c.Storage.DataDir == "" && c.Storage.MongoURI == "", "required when storage.mongo_uri is empty"},
		{"storage.mongo_uri", c.Storage.MongoURI != "" && !strings.HasPrefix(c.Storage.MongoURI, "mongodb://") && !strings.HasPrefix(c.Storage.MongoURI, "mongodb+srv://"), "must start with mongodb:// or mongodb+srv://"},
		{"storage.mongo_database", c.Storage.MongoURI != "" && !validDBName(c.Storage.MongoDatabase), fmt.Sprintf("not a valid database name: %q", c.Storage.MongoDatabase)},
		{"server.public_url", c.Server.PublicURL != "" && !validPublicURL(c.Server.PublicURL), fmt.Sprintf("must be an http(s) URL without a path, got %q", c.Server.PublicURL)},
		{"mail.smtp_port", c.Mail.SMTPHost != "" && (c.Mail.SMTPPort <= 0 || c.Mail.SMTPPort > 65535), fmt.Sprintf("must be 1-65535, got %d", c.Mail.SMTPPort)},
		{"mail.from", c.Mail.SMTPHost != "" && !strings.Contains(c.Mail.From, "@"), "must be an address, e.g. Zadankai <no-reply@example.com>"},
		{"push.subject", c.Push.Subject != "" && !strings.HasPrefix(c.Push.Subject, "mailto:") && !strings.HasPrefix(c.Push.Subject, "https://"), "must start with mailto: or https://"},
		{"push.queue_size", c.Push.QueueSize < 0, fmt.Sprintf("must be 0 or more, got %d", c.Push.QueueSize)},
		{"media.url", c.Media.URL != "" && !strings.HasPrefix(c.Media.URL, "ws://") && !strings.HasPrefix(c.Media.URL, "wss://"), "must start with ws:// or wss://"},
		{"media.api_key", c.Media.APIKey != "" && c.Keys[c.Media.APIKey] == "", fmt.Sprintf("%q is not one of the configured keys", c.Media.APIKey)},
		{"media.webhook", c.Media.Webhook != "" && !validWebhookPath(c.Media.Webhook), fmt.Sprintf("must be a path such as /livekit/webhook, outside /api/, /rtc and /twirp/, got %q", c.Media.Webhook)},
		{"webhook.api_key", c.Webhook.APIKey != "" && c.Keys[c.Webhook.APIKey] == "", fmt.Sprintf("%q is not one of the configured keys", c.Webhook.APIKey)},
		{"limits.max_participants", c.Limits.MaxParticipants < 2 || c.Limits.MaxParticipants > 10000, fmt.Sprintf("must be 2-10000, got %d", c.Limits.MaxParticipants)},
		{"limits.max_tracks", c.Limits.MaxTracks < 1 || c.Limits.MaxTracks > 64, fmt.Sprintf("must be 1-64, got %d", c.Limits.MaxTracks)},
		{"limits.joins_per_second_ip", c.Limits.JoinsPerSecondIP <= 0, "must be positive"},
		{"limits.joins_per_second_room", c.Limits.JoinsPerSecondRoom <= 0, "must be positive"},
		{"limits.max_signal_message_bytes", c.Limits.MaxSignalMessage < 16<<10 || c.Limits.MaxSignalMessage > 4<<20,
			fmt.Sprintf("must be 16384-4194304, got %d", c.Limits.MaxSignalMessage)},
		{"limits.max_participant_name_bytes", c.Limits.MaxNameBytes < 16 || c.Limits.MaxNameBytes > 4096, fmt.Sprintf("must be 16-4096, got %d", c.Limits.MaxNameBytes)},
		{"limits.max_participant_metadata_bytes", c.Limits.MaxMetadataBytes < 1 || c.Limits.MaxMetadataBytes > 64<<10, fmt.Sprintf("must be 1-65536, got %d", c.Limits.MaxMetadataBytes)},
		{"limits.max_participant_attributes_bytes", c.Limits.MaxAttributesBytes < 256 || c.Limits.MaxAttributesBytes > 64<<10, fmt.Sprintf("must be 256-65536, got %d", c.Limits.MaxAttributesBytes)},
		{"limits.self_updates_per_second", c.Limits.SelfUpdatesPerSec <= 0 || c.Limits.SelfUpdatesPerSec > 50, "must be positive, at most 50"},
		{"recommendations.every", c.Recommendations.Every < time.Hour, "must be at least 1h"},
		{"recommendations.recently_met", c.Recommendations.RecentlyMet < 0, "must not be negative"},
		{"recommendations.batch_size", c.Recommendations.BatchSize < 1 || c.Recommendations.BatchSize > 20, fmt.Sprintf("must be 1-20, got %d", c.Recommendations.BatchSize)},
		{"consultations.request_ttl", c.Consultations.RequestTTL < time.Hour, "must be at least 1h"},
		{"consultations.reminder_offsets", !positive(c.Consultations.ReminderOffsets), "must be positive durations, e.g. [24h, 15m]"},
		{"consultations.min_notice", c.Consultations.MinNotice < time.Minute || c.Consultations.MinNotice > 72*time.Hour,
			fmt.Sprintf("must be 1m to 72h, got %s", c.Consultations.MinNotice)},
		{"cluster.node_url", c.Cluster.NodeURL != "" && !validNodeURL(c.Cluster.NodeURL), fmt.Sprintf("must be a ws(s):// URL without a path, got %q", c.Cluster.NodeURL)},
		{"cluster.node_url", c.Cluster.NodeURL != "" && c.Media.URL != "", "rooms are placed on replicas only with the embedded SFU: leave it empty when media.url is set"},
		{"cluster.lease", c.Cluster.Lease < 3*time.Second || c.Cluster.Lease > 5*time.Minute, fmt.Sprintf("must be 3s to 5m, got %s", c.Cluster.Lease)},
		{"log.level", !oneOf(c.Log.Level, "debug", "info", "warn", "error"), fmt.Sprintf("must be debug, info, warn or error, got %q", c.Log.Level)},
		{"log.format", !oneOf(c.Log.Format, "text", "json"), fmt.Sprintf("must be text or json, got %q", c.Log.Format)},
	}
	for _, ch := range checks {
		if ch.bad {
			return &ConfigError{Key: ch.key, Msg: ch.msg}
		}
	}
	if err := c.TURN.validate(c); err != nil {
		return err
	}
	for _, f := range []struct {
		key string
		ips []string
	}{{"rtc.ips.includes", c.RTC.IPs.Includes}, {"rtc.ips.excludes", c.RTC.IPs.Excludes}} {
		for _, s := range f.ips {
			if _, _, err := net.ParseCIDR(s); err != nil && net.ParseIP(s) == nil {
				return &ConfigError{Key: f.key, Msg: fmt.Sprintf("not an IP or CIDR: %q", s)}
			}
		}
	}
	for i, u := range c.Webhook.URLs {
		if pu, err := url.Parse(u); err != nil || (pu.Scheme != "http" && pu.Scheme != "https") || pu.Host == "" {
			return &ConfigError{Key: fmt.Sprintf("webhook.urls[%d]", i), Msg: fmt.Sprintf("not an http(s) URL: %q", u)}
		}
	}
	for k, v := range c.Keys {
		if len(v) < 6 && !c.Dev {
			return &ConfigError{Key: "keys", Msg: fmt.Sprintf("secret of key %q is shorter than 6 characters", k)}
		}
	}
	return c.validateSafety()
}

func validWebhookPath(p string) bool {
	u, err := url.Parse(p)
	taken := strings.HasPrefix(p, "/api/") || strings.HasPrefix(p, "/rtc") || strings.HasPrefix(p, "/twirp/") || strings.HasPrefix(p, "/assets/")
	return err == nil && strings.HasPrefix(p, "/") && u.Path == p && len(p) > 1 && !taken
}

func validPublicURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" && (u.Path == "" || u.Path == "/") && u.RawQuery == ""
}

// validNodeURL: a ws(s):// address without a path, as clients dial it.
func validNodeURL(s string) bool {
	rest, ok := strings.CutPrefix(s, "ws")
	return ok && (strings.HasPrefix(rest, "://") || strings.HasPrefix(rest, "s://")) && validPublicURL("http"+rest)
}

// publicURL is where links in emails point.
func (c *Config) publicURL(listen net.Addr) string {
	if c.Server.PublicURL != "" {
		return strings.TrimSuffix(c.Server.PublicURL, "/")
	}
	return "http://" + listen.String()
}

func positive(ds []time.Duration) bool {
	for _, d := range ds {
		if d <= 0 {
			return false
		}
	}
	return true
}

// mediaKey returns the API key and secret that sign join tokens.
func (c *Config) mediaKey() (string, string) {
	if c.Media.APIKey != "" {
		return c.Media.APIKey, c.Keys[c.Media.APIKey]
	}
	keys := make([]string, 0, len(c.Keys))
	for k := range c.Keys {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys[0], c.Keys[keys[0]]
}

// eventsRecordAttendance: a remote media plane posts its webhooks to
// media.webhook, so who came is recorded from her actual join there
// rather than from fetching a token.
func (c *Config) eventsRecordAttendance() bool { return c.Media.URL != "" && c.Media.Webhook != "" }

// mediaURL is where clients connect for video: the configured media
// plane, or this server with its scheme turned into ws(s).
func (c *Config) mediaURL(public string) string {
	if c.Media.URL != "" {
		return c.Media.URL
	}
	if rest, ok := strings.CutPrefix(public, "https://"); ok {
		return "wss://" + rest
	}
	return "ws://" + strings.TrimPrefix(public, "http://")
}

func oneOf(s string, opts ...string) bool {
	for _, o := range opts {
		if s == o {
			return true
		}
	}
	return false
}

func validDBName(s string) bool {
	return s != "" && len(s) < 64 && !strings.ContainsAny(s, `/\. "$*<>:|?`)
}

// Redacted returns a copy fit for the start-up log: secrets removed.
func (c Config) Redacted() Config {
	keys := make(map[string]string, len(c.Keys))
	for k := range c.Keys {
		keys[k] = "***"
	}
	c.Keys = keys
	if c.Mail.SMTPPassword != "" {
		c.Mail.SMTPPassword = "***"
	}
	if c.TURN.Secret != "" {
		c.TURN.Secret = "***"
	}
	if c.Server.MetricsToken != "" {
		c.Server.MetricsToken = "***"
	}
	if c.Push.VAPIDPrivateKey != "" {
		c.Push.VAPIDPrivateKey = "***"
	}
	if c.Storage.MongoURI != "" {
		c.Storage.MongoURI = redactURI(c.Storage.MongoURI)
	}
	return c
}

// redactURI hides the password in user:password@host.
func redactURI(u string) string {
	scheme, rest, ok := strings.Cut(u, "://")
	if !ok {
		return "***"
	}
	if at := strings.LastIndex(strings.SplitN(rest, "/", 2)[0], "@"); at >= 0 {
		if user, _, hasPass := strings.Cut(rest[:at], ":"); hasPass {
			return scheme + "://" + user + ":***" + rest[at:]
		}
	}
	return u
}

// sprint renders a config on one line, for logs and comparisons.
func sprint(c Config) string { return fmt.Sprintf("%+v", c) }
