package main

import (
	"errors"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/zadankai/zadankai/sfu"
)

func TestTURNConfigInvalid(t *testing.T) {
	on := map[string]string{"ZADANKAI_TURN_ENABLED": "true"}
	with := func(kv ...string) map[string]string {
		m := map[string]string{"ZADANKAI_TURN_ENABLED": "true"}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return m
	}
	cases := []struct {
		name string
		args []string
		env  map[string]string
		want string
	}{
		{"TURN on the media port", nil, with("ZADANKAI_TURN_UDP_PORT", "7882"), "config: turn.udp_port: 7882 is taken by rtc.udp_port"},
		{"TURN on the ICE-TCP port", []string{"--tcp-port", "3478"}, on, "config: turn.udp_port: 3478 is taken by rtc.udp_port, rtc.tcp_port or server.port"},
		{"no TURN port", nil, with("ZADANKAI_TURN_UDP_PORT", "0"), "config: turn.udp_port: must be 1-65535, got 0"},
		{"cert without key", nil, with("ZADANKAI_TURN_CERT_FILE", "/x.pem"), "config: turn.cert_file: cert_file and key_file go together"},
		{"TLS without domain", nil, with("ZADANKAI_TURN_CERT_FILE", "/x.pem", "ZADANKAI_TURN_KEY_FILE", "/k.pem"), "config: turn.domain: required with TLS"},
		{"missing certificate", nil, with("ZADANKAI_TURN_CERT_FILE", "/nonexistent/x.pem", "ZADANKAI_TURN_KEY_FILE", "/nonexistent/k.pem",
			"ZADANKAI_TURN_DOMAIN", "turn.example.com"), "config: turn.cert_file: open /nonexistent/x.pem"},
		{"relay range below 1024", nil, with("ZADANKAI_TURN_RELAY_RANGE_START", "80"), "config: turn.relay_range_start: must be 1024-65535, got 80"},
		{"relay range upside down", nil, with("ZADANKAI_TURN_RELAY_RANGE_END", "20000"), "config: turn.relay_range_end: must be relay_range_start-65535, got 20000"},
		{"relay range over the media port", nil, with("ZADANKAI_TURN_RELAY_RANGE_START", "7000"), "config: turn.relay_range_start: the relay range must not contain"},
		{"short TTL", nil, with("ZADANKAI_TURN_CREDENTIAL_TTL", "10s"), "config: turn.credential_ttl: must be 1m-24h"},
		{"no quota", nil, with("ZADANKAI_TURN_ALLOCATIONS_PER_PARTICIPANT", "0"), "config: turn.allocations_per_participant: must be 1-100, got 0"},
		{"short secret", nil, with("ZADANKAI_TURN_SECRET", "abc"), "config: ZADANKAI_TURN_SECRET: must be at least 16 characters"},
		{"ICE-TCP on the HTTP port", []string{"--tcp-port", "7880"}, nil, "config: rtc.tcp_port: must differ from server.port"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := loadConfig(append([]string{"--dev"}, tc.args...), env(tc.env))
			var ce *ConfigError
			if !errors.As(err, &ce) {
				t.Fatalf("err = %v, want a ConfigError", err)
			}
			if msg := err.Error(); !strings.HasPrefix(msg, tc.want) || strings.Contains(msg, "\n") {
				t.Errorf("message %q, want one line starting %q", msg, tc.want)
			}
		})
	}
}

// TestTURNConfigToSFU: the keys reach the SFU's configuration, the secret
// comes from the environment only and never reaches the log.
func TestTURNConfigToSFU(t *testing.T) {
	cfg, err := loadConfig([]string{"--dev", "--tcp-port", "7990"}, env(map[string]string{"ZADANKAI_TURN_ENABLED": "true",
		"ZADANKAI_TURN_SECRET": "a-turn-secret-of-some-length", "ZADANKAI_TURN_RELAY_RANGE_START": "41000", "ZADANKAI_TURN_RELAY_RANGE_END": "41100"}))
	if err != nil {
		t.Fatal(err)
	}
	s := cfg.sfuConfig()
	if s.TCPAddr != ":7990" || !s.TURN.Enabled || s.TURN.Addr != ":3478" || s.TURN.TLSAddr != "" || s.TURN.RelayPortMin != 41000 ||
		s.TURN.RelayPortMax != 41100 || s.TURN.CredentialTTL != 10*time.Minute || s.TURN.MaxAllocationsPerUser != 12 || s.TURN.Secret != "a-turn-secret-of-some-length" {
		t.Errorf("sfu config %+v", s)
	}
	if strings.Contains(sprint(cfg.Redacted()), "a-turn-secret") {
		t.Error("Redacted leaks the TURN secret")
	}
	if err := s.Validate(); err != nil {
		t.Errorf("sfu rejects it: %v", err)
	}
	off, err := loadConfig([]string{"--dev", "--tcp-port", "0"}, env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if s := off.sfuConfig(); s.TCPAddr != "" || s.TURN.Enabled {
		t.Errorf("--tcp-port 0 and TURN off: %+v", s)
	}
	if s := DefaultConfig(); s.RTC.TCPPort != 7881 {
		t.Errorf("ICE over TCP is off by default (rtc.tcp_port %d)", s.RTC.TCPPort)
	}
}

// TestTURNMetrics: with TURN on, /metrics carries open relays and
// refusals by reason; without it, nothing.
func TestTURNMetrics(t *testing.T) {
	turn := sfu.DefaultTURNConfig()
	turn.Enabled, turn.Addr, turn.RelayPortMin, turn.RelayPortMax = true, "127.0.0.1:0", 0, 0
	s, err := sfu.New(sfu.Config{AllowLoopback: true, IPs: []string{"127.0.0.1"}, TURN: turn}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	reg := prometheus.NewRegistry()
	registerTURNMetrics(reg, s)
	families, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range families {
		for _, m := range f.GetMetric() {
			name := f.GetName()
			for _, l := range m.GetLabel() {
				name += "/" + l.GetValue()
			}
			got = append(got, name)
		}
	}
	if want := "zadankai_turn_allocations zadankai_turn_refused_total/credentials zadankai_turn_refused_total/peer zadankai_turn_refused_total/quota"; strings.Join(got, " ") != want {
		t.Errorf("metrics %v, want %s", got, want)
	}
	plain, err := sfu.New(sfu.Config{AllowLoopback: true, IPs: []string{"127.0.0.1"}}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer plain.Close()
	reg = prometheus.NewRegistry()
	registerTURNMetrics(reg, plain)
	if families, _ := reg.Gather(); len(families) != 0 {
		t.Errorf("TURN metrics without TURN: %v", families)
	}
}
