package main

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func writeFile(t *testing.T, name, body string, mode os.FileMode) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(body), mode); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestConfigDefaults(t *testing.T) {
	cfg, err := loadConfig([]string{"--dev"}, env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Server.Bind != "127.0.0.1" || cfg.Server.Port != 7880 || cfg.RTC.UDPPort != 7882 ||
		cfg.Storage.DataDir != "data" || cfg.Log.Format != "text" || cfg.Server.ShutdownTimeout != 10*time.Second ||
		cfg.Consultations.MinNotice != 15*time.Minute {
		t.Errorf("defaults: %+v", cfg)
	}
	if cfg.Keys["devkey"] != "secret" {
		t.Errorf("--dev must add devkey/secret, got %v", cfg.Keys)
	}
}

// TestDefaultsFileMatchesCode keeps configs/zadankai.yaml honest: loading
// it must give exactly DefaultConfig.
func TestDefaultsFileMatchesCode(t *testing.T) {
	fromFile, err := loadConfig([]string{"--config", "../../configs/zadankai.yaml", "--dev"}, env(nil))
	if err != nil {
		t.Fatal(err)
	}
	fromCode, err := loadConfig([]string{"--dev"}, env(nil))
	if err != nil {
		t.Fatal(err)
	}
	a, b := fromFile.Redacted(), fromCode.Redacted()
	a.Keys, b.Keys = nil, nil
	if got, want := strings.ReplaceAll(sprint(a), "[]", "<nil>"), strings.ReplaceAll(sprint(b), "[]", "<nil>"); got != want {
		t.Errorf("configs/zadankai.yaml differs from DefaultConfig:\nfile: %s\ncode: %s", got, want)
	}
}

func TestConfigPrecedence(t *testing.T) {
	file := writeFile(t, "z.yaml", "server:\n  port: 8000\n  bind: 0.0.0.0\nlog:\n  level: debug\nrtc:\n  node_ip: 198.18.0.1\n", 0o600)
	e := env(map[string]string{"ZADANKAI_SERVER_PORT": "8001", "ZADANKAI_LOG_FORMAT": "json",
		"ZADANKAI_RTC_IPS_INCLUDES": "198.18.0.0/24, 10.0.0.1", "ZADANKAI_KEYS": "k1: secret-one", "ZADANKAI_SERVER_PUBLIC_URL": "https://zadankai.test"})
	cfg, err := loadConfig([]string{"--config", file, "--port", "8002"}, e)
	if err != nil {
		t.Fatal(err)
	}
	checks := []struct {
		what      string
		got, want any
	}{
		{"flag beats env and file", cfg.Server.Port, 8002},
		{"file beats default", cfg.Server.Bind, "0.0.0.0"},
		{"file value kept", cfg.Log.Level, "debug"},
		{"env beats default", cfg.Log.Format, "json"},
		{"env list", strings.Join(cfg.RTC.IPs.Includes, "|"), "198.18.0.0/24|10.0.0.1"},
		{"file node ip", cfg.RTC.NodeIP, "198.18.0.1"},
		{"keys from env", cfg.Keys["k1"], "secret-one"},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s: got %v, want %v", c.what, c.got, c.want)
		}
	}
	cfg, err = loadConfig([]string{"--config", file}, env(map[string]string{"ZADANKAI_SERVER_PORT": "8001", "ZADANKAI_KEYS": "k: secret-one", "ZADANKAI_SERVER_PUBLIC_URL": "https://zadankai.test"}))
	if err != nil || cfg.Server.Port != 8001 {
		t.Errorf("env beats file: port %v (%v)", cfg, err)
	}
	cfg, err = loadConfig([]string{"--keys", "k2: flag-secret", "--data-dir", "/tmp/x", "--mongo-uri", "mongodb://u:p@h/", "--udp-port", "9000", "--demo"},
		env(map[string]string{"ZADANKAI_KEYS": "k1: env-secret", "ZADANKAI_SERVER_PUBLIC_URL": "https://zadankai.test"}))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Keys["k2"] != "flag-secret" || cfg.Keys["k1"] != "" || cfg.Storage.DataDir != "/tmp/x" || cfg.RTC.UDPPort != 9000 || !cfg.Demo {
		t.Errorf("flags: %+v", cfg.Redacted())
	}
	if r := cfg.Redacted(); strings.Contains(sprint(r), "flag-secret") || strings.Contains(r.Storage.MongoURI, ":p@") {
		t.Errorf("Redacted leaks a secret: %s", sprint(r))
	}
}

func TestConfigInvalid(t *testing.T) {
	cases := []struct {
		name string
		args []string
		env  map[string]string
		file string
		want string // the whole one-line message
	}{
		{"no keys", nil, nil, "", `config: keys: no API keys: pass --keys "key: secret", set ZADANKAI_KEYS or keys_file, or use --dev for a local trial`},
		{"port out of range", []string{"--dev", "--port", "70000"}, nil, "", "config: server.port: must be 0-65535 (0 = any free port), got 70000"},
		{"bad node ip", []string{"--dev", "--node-ip", "example.com"}, nil, "", `config: rtc.node_ip: not an IP address: "example.com"`},
		{"bad env int", []string{"--dev"}, map[string]string{"ZADANKAI_RTC_UDP_PORT": "many"}, "", `config: ZADANKAI_RTC_UDP_PORT: not an integer: "many"`},
		{"bad env duration", []string{"--dev"}, map[string]string{"ZADANKAI_SERVER_SHUTDOWN_TIMEOUT": "5"}, "", `config: ZADANKAI_SERVER_SHUTDOWN_TIMEOUT: not a duration (e.g. 10s): "5"`},
		{"bad log level", []string{"--dev", "--log-level", "loud"}, nil, "", `config: log.level: must be debug, info, warn or error, got "loud"`},
		{"bad mongo uri", []string{"--dev", "--mongo-uri", "postgres://x"}, nil, "", "config: storage.mongo_uri: must start with mongodb:// or mongodb+srv://"},
		{"bad ip filter", []string{"--dev"}, map[string]string{"ZADANKAI_RTC_IPS_EXCLUDES": "300.1.1.1"}, "", `config: rtc.ips.excludes: not an IP or CIDR: "300.1.1.1"`},
		{"media webhook not a path", []string{"--dev"}, map[string]string{"ZADANKAI_MEDIA_WEBHOOK": "/api/v1/hook"}, "", `config: media.webhook: must be a path such as /livekit/webhook, outside /api/, /rtc and /twirp/, got "/api/v1/hook"`},
		{"malformed keys", []string{"--keys", "justakey"}, nil, "", `config: keys: want "key: secret", got "just…"`},
		{"short secret", []string{"--keys", "k: abc"}, nil, "", `config: keys: secret of key "k" is shorter than 6 characters`},
		{"unknown key in file", []string{"--dev"}, nil, "server:\n  prot: 1\n", `unknown key "prot"`},
		{"wrong type in file", []string{"--dev"}, nil, "server:\n  port: many\n", "cannot unmarshal !!str `many` into int"},
		{"no notice at all", []string{"--dev"}, map[string]string{"ZADANKAI_CONSULTATIONS_MIN_NOTICE": "0s"}, "", "config: consultations.min_notice: must be 1m to 72h, got 0s"},
		{"no public url outside dev mode", []string{"--keys", "k: secret-one", "--bind", "0.0.0.0"}, nil, "", "config: server.public_url: required outside dev mode"},
		{"bad trusted proxy", []string{"--dev"}, map[string]string{"ZADANKAI_SERVER_TRUSTED_PROXIES": "10.0.0.0/8, proxy.local"}, "", `config: server.trusted_proxies[1]: not an IP or CIDR: "proxy.local"`},
		{"bad metrics address", []string{"--dev"}, map[string]string{"ZADANKAI_SERVER_METRICS_LISTEN": "9090"}, "", `config: server.metrics_listen: must be host:port`},
		{"short metrics token", []string{"--dev"}, map[string]string{"ZADANKAI_SERVER_METRICS_TOKEN": "abc"}, "", "config: ZADANKAI_SERVER_METRICS_TOKEN: must be at least 16 characters"},
		{"node url not websocket", []string{"--dev"}, map[string]string{"ZADANKAI_CLUSTER_NODE_URL": "http://news.example"}, "", `config: cluster.node_url: must be a ws(s):// URL without a path, got "http://news.example"`},
		{"node url with remote media", []string{"--dev"}, map[string]string{"ZADANKAI_CLUSTER_NODE_URL": "wss://a.example", "ZADANKAI_MEDIA_URL": "wss://lk.example"}, "",
			"config: cluster.node_url: rooms are placed on replicas only with the embedded SFU: leave it empty when media.url is set"},
		{"lease too short", []string{"--dev"}, map[string]string{"ZADANKAI_CLUSTER_LEASE": "1s"}, "", "config: cluster.lease: must be 3s to 5m, got 1s"},
		{"read timeout below the header's", []string{"--dev"}, map[string]string{"ZADANKAI_SERVER_READ_TIMEOUT": "5s"}, "", "config: server.read_timeout: must be at least server.read_header_timeout"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			args := tc.args
			if tc.file != "" {
				args = append(args, "--config", writeFile(t, "bad.yaml", tc.file, 0o600))
			}
			_, err := loadConfig(args, env(tc.env))
			var ce *ConfigError
			if !errors.As(err, &ce) {
				t.Fatalf("err = %v, want a ConfigError", err)
			}
			if msg := err.Error(); !strings.Contains(msg, tc.want) || strings.Contains(msg, "\n") {
				t.Errorf("message %q, want one line containing %q", msg, tc.want)
			}
		})
	}
}

func TestKeysFile(t *testing.T) {
	ok := writeFile(t, "keys", "# comment\nprod: a-long-secret\nci: another-secret\n", 0o600)
	cfg, err := loadConfig(nil, env(map[string]string{"ZADANKAI_KEYS_FILE": ok, "ZADANKAI_SERVER_PUBLIC_URL": "https://zadankai.test"}))
	if err != nil || cfg.Keys["prod"] != "a-long-secret" || cfg.Keys["ci"] != "another-secret" {
		t.Fatalf("keys file: %v %v", cfg, err)
	}
	open := writeFile(t, "keys", "prod: a-long-secret\n", 0o644)
	_, err = loadConfig(nil, env(map[string]string{"ZADANKAI_KEYS_FILE": open}))
	if err == nil || !strings.Contains(err.Error(), "readable by others") {
		t.Errorf("world-readable keys file: %v, want a refusal", err)
	}
}

func TestUnexpectedArgument(t *testing.T) {
	if _, err := loadConfig([]string{"--dev", "extra"}, env(nil)); err == nil || !strings.Contains(err.Error(), `"extra"`) {
		t.Errorf("stray argument: %v", err)
	}
	if _, err := loadConfig([]string{"--no-such-flag"}, env(nil)); err == nil || !strings.Contains(err.Error(), "no-such-flag") {
		t.Errorf("unknown flag: %v", err)
	}
}
