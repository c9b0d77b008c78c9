package main

import (
	"fmt"
	"net"
	"strings"
	"time"

	"github.com/zadankai/zadankai/rooms/api"
)

// validateSafety checks the keys that keep a deployment safe to expose:
// its public URL, HTTP timeouts and caps, trusted proxies and the login
// limits.
func (c *Config) validateSafety() error {
	s, l := c.Server, c.Limits
	checks := []struct {
		key string
		bad bool
		msg string
	}{
		{"server.public_url", s.PublicURL == "" && !c.Dev, "required outside dev mode: the address people reach this server at, " +
			"e.g. https://zadankai.example.com (it goes into emailed links, and https makes cookies Secure)"},
		{"server.read_header_timeout", s.ReadHeaderTimeout < time.Second, "must be at least 1s"},
		{"server.read_timeout", s.ReadTimeout < s.ReadHeaderTimeout, "must be at least server.read_header_timeout"},
		{"server.write_timeout", s.WriteTimeout < time.Second, "must be at least 1s"},
		{"server.idle_timeout", s.IdleTimeout < time.Second, "must be at least 1s"},
		{"server.max_header_bytes", s.MaxHeaderBytes < 4<<10 || s.MaxHeaderBytes > 1<<20, fmt.Sprintf("must be 4096-1048576, got %d", s.MaxHeaderBytes)},
		{"server.max_connections_per_ip", s.MaxConnectionsPerIP < 1, fmt.Sprintf("must be at least 1, got %d", s.MaxConnectionsPerIP)},
		{"server.metrics_listen", s.MetricsListen != "" && !validHostPort(s.MetricsListen), fmt.Sprintf("must be host:port, e.g. 127.0.0.1:9090, got %q", s.MetricsListen)},
		{"ZADANKAI_SERVER_METRICS_TOKEN", s.MetricsToken != "" && len(s.MetricsToken) < 16, "must be at least 16 characters"},
		{"limits.login_attempts_per_ip_minute", l.LoginAttemptsPerIPMinute < 1, "must be at least 1"},
		{"limits.login_free_failures", l.LoginFreeFailures < 1 || l.LoginFreeFailures > 100, fmt.Sprintf("must be 1-100, got %d", l.LoginFreeFailures)},
		{"limits.login_backoff_max", l.LoginBackoffMax < 30*time.Second, "must be at least 30s"},
		{"limits.login_account_failures", l.LoginAccountFailures < 1, "must be at least 1"},
		{"limits.password_checks", l.PasswordChecks < 0, "must not be negative (0 = half the CPUs)"},
		{"limits.password_queue", l.PasswordQueue < 0, "must not be negative (0 = 32 per password check)"},
	}
	for _, ch := range checks {
		if ch.bad {
			return &ConfigError{Key: ch.key, Msg: ch.msg}
		}
	}
	for i, p := range s.TrustedProxies {
		if _, _, err := net.ParseCIDR(p); err != nil && (strings.Contains(p, "/") || net.ParseIP(p) == nil) {
			return &ConfigError{Key: fmt.Sprintf("server.trusted_proxies[%d]", i), Msg: fmt.Sprintf("not an IP or CIDR: %q", p)}
		}
	}
	return nil
}

func validHostPort(s string) bool {
	host, port, err := net.SplitHostPort(s)
	return err == nil && (host == "" || host == "localhost" || net.ParseIP(host) != nil) && port != ""
}

// loginLimits is the API's view of the limits.* login keys.
func (c *Config) loginLimits() api.LoginLimits {
	l := c.Limits
	return api.LoginLimits{PerIPPerMinute: l.LoginAttemptsPerIPMinute, FreeFailures: l.LoginFreeFailures,
		BackoffMax: l.LoginBackoffMax, AccountFailures: l.LoginAccountFailures, PasswordChecks: l.PasswordChecks,
		PasswordQueue: l.PasswordQueue}
}

// httpLimits is the HTTP server's view of the server.* keys.
func (c *Config) httpLimits() api.HTTPLimits {
	s := c.Server
	return api.HTTPLimits{ReadHeaderTimeout: s.ReadHeaderTimeout, ReadTimeout: s.ReadTimeout, WriteTimeout: s.WriteTimeout,
		IdleTimeout: s.IdleTimeout, MaxHeaderBytes: s.MaxHeaderBytes, MaxConnectionsPerIP: s.MaxConnectionsPerIP,
		TrustedProxies: s.TrustedProxies}
}
