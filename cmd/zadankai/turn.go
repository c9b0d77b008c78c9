package main

import (
	"crypto/tls"
	"fmt"
	"net"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/zadankai/zadankai/sfu"
	"github.com/zadankai/zadankai/sfu/bwe"
)

// tlsOn says whether TURN over TLS is served: it needs a port and a
// certificate.
func (t TURNConfig) tlsOn() bool { return t.TLSPort > 0 && t.CertFile != "" }

// validate checks the TURN keys; c is the whole configuration, for the
// ports TURN must not share.
func (t TURNConfig) validate(c *Config) error {
	if !t.Enabled {
		return nil
	}
	inRange := func(p int) bool { return p >= t.RelayRangeStart && p <= t.RelayRangeEnd }
	checks := []struct {
		key string
		bad bool
		msg string
	}{
		{"turn.udp_port", t.UDPPort <= 0 || t.UDPPort > 65535, fmt.Sprintf("must be 1-65535, got %d", t.UDPPort)},
		{"turn.udp_port", t.UDPPort == c.RTC.UDPPort || t.UDPPort == c.RTC.TCPPort || t.UDPPort == c.Server.Port,
			fmt.Sprintf("%d is taken by rtc.udp_port, rtc.tcp_port or server.port (TURN listens on it for UDP and TCP)", t.UDPPort)},
		{"turn.tls_port", t.TLSPort < 0 || t.TLSPort > 65535, fmt.Sprintf("must be 0-65535 (0 = no TLS), got %d", t.TLSPort)},
		{"turn.tls_port", t.tlsOn() && (t.TLSPort == t.UDPPort || t.TLSPort == c.RTC.TCPPort || t.TLSPort == c.Server.Port),
			fmt.Sprintf("%d is taken by turn.udp_port, rtc.tcp_port or server.port", t.TLSPort)},
		{"turn.cert_file", (t.CertFile == "") != (t.KeyFile == ""), "cert_file and key_file go together"},
		{"turn.domain", t.tlsOn() && t.Domain == "", "required with TLS: the name in the certificate, which clients check"},
		{"turn.relay_range_start", t.RelayRangeStart < 1024 || t.RelayRangeStart > 65535, fmt.Sprintf("must be 1024-65535, got %d", t.RelayRangeStart)},
		{"turn.relay_range_end", t.RelayRangeEnd < t.RelayRangeStart || t.RelayRangeEnd > 65535,
			fmt.Sprintf("must be relay_range_start-65535, got %d", t.RelayRangeEnd)},
		{"turn.relay_range_start", inRange(t.UDPPort) || inRange(c.RTC.UDPPort), "the relay range must not contain turn.udp_port or rtc.udp_port"},
		{"turn.credential_ttl", t.CredentialTTL < time.Minute || t.CredentialTTL > 24*time.Hour, "must be 1m-24h"},
		{"turn.allocations_per_participant", t.AllocationsPerParticipant < 1 || t.AllocationsPerParticipant > 100,
			fmt.Sprintf("must be 1-100, got %d", t.AllocationsPerParticipant)},
		{"ZADANKAI_TURN_SECRET", t.Secret != "" && len(t.Secret) < 16, "must be at least 16 characters"},
	}
	for _, ch := range checks {
		if ch.bad {
			return &ConfigError{Key: ch.key, Msg: ch.msg}
		}
	}
	if t.tlsOn() {
		if _, err := tls.LoadX509KeyPair(t.CertFile, t.KeyFile); err != nil {
			return &ConfigError{Key: "turn.cert_file", Msg: err.Error()}
		}
	}
	return nil
}

// sfuConfig is the media plane's configuration: ports, candidate filters
// and the embedded TURN server.
func (c *Config) sfuConfig() sfu.Config {
	s := sfu.Config{NodeIP: c.RTC.NodeIP, UDPPort: c.RTC.UDPPort, AllowLoopback: c.RTC.AllowLoopback,
		Interfaces: c.RTC.Interfaces.Includes, IPs: c.RTC.IPs.Includes, NoCongestionControl: !c.RTC.CongestionControl,
		NoDirectPath: !c.RTC.DirectPath}
	if c.RTC.TCPPort > 0 {
		s.TCPAddr = ":" + strconv.Itoa(c.RTC.TCPPort)
	}
	t := c.TURN
	s.TURN = sfu.DefaultTURNConfig()
	s.TURN.Enabled, s.TURN.Domain, s.TURN.Secret = t.Enabled, t.Domain, t.Secret
	s.TURN.Addr = net.JoinHostPort("", strconv.Itoa(t.UDPPort))
	s.TURN.RelayPortMin, s.TURN.RelayPortMax = t.RelayRangeStart, t.RelayRangeEnd
	s.TURN.CredentialTTL, s.TURN.MaxAllocationsPerUser = t.CredentialTTL, t.AllocationsPerParticipant
	if t.tlsOn() {
		s.TURN.TLSAddr = net.JoinHostPort("", strconv.Itoa(t.TLSPort))
		s.TURN.CertFile, s.TURN.KeyFile = t.CertFile, t.KeyFile
	}
	return s
}

// registerCongestionMetrics exposes what congestion control is doing:
// many paused or capped videos mean members on poor links.
func registerCongestionMetrics(reg prometheus.Registerer, s *sfu.SFU) {
	gauge := func(name, help string, f func(sfu.CongestionStats) int) {
		reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: name, Help: help},
			func() float64 { return float64(f(s.CongestionStats())) }))
	}
	gauge("zadankai_sfu_downlinks", "Subscribers whose bandwidth is estimated and shared among their tracks.",
		func(c sfu.CongestionStats) int { return c.Downlinks })
	gauge("zadankai_sfu_downlinks_estimated", "Of those, the ones whose client sends transport-wide feedback (so have an estimate).",
		func(c sfu.CongestionStats) int { return c.Estimated })
	gauge("zadankai_sfu_videos_paused", "Subscribed videos paused now for lack of bandwidth.",
		func(c sfu.CongestionStats) int { return c.Paused })
	gauge("zadankai_sfu_videos_capped", "Subscribed videos held below the layer asked for, for lack of bandwidth.",
		func(c sfu.CongestionStats) int { return c.Capped })
	reg.MustRegister(prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "zadankai_sfu_probe_padding_packets_total",
		Help: "Padding packets sent to probe subscribers' links for more bandwidth."},
		func() float64 { return float64(s.CongestionStats().Padding) }))
	byCause := func(name, help string, f func(sfu.CongestionStats) [bwe.NumCauses]uint64) {
		for _, c := range []bwe.Cause{bwe.CauseDelay, bwe.CauseLoss} {
			reg.MustRegister(prometheus.NewCounterFunc(prometheus.CounterOpts{Name: name, Help: help,
				ConstLabels: prometheus.Labels{"cause": c.String()}},
				func() float64 { return float64(f(s.CongestionStats())[c]) }))
		}
	}
	byCause("zadankai_sfu_bandwidth_decreases_total", "Times a subscriber's bandwidth estimate was lowered, by cause (a growing queue, or loss).",
		func(c sfu.CongestionStats) [bwe.NumCauses]uint64 { return c.Decreases })
	byCause("zadankai_sfu_video_pauses_total", "Subscribed videos paused for lack of bandwidth, by the cause of the last decrease.",
		func(c sfu.CongestionStats) [bwe.NumCauses]uint64 { return c.Pauses })
	byCause("zadankai_sfu_video_caps_total", "Subscribed videos lowered below the layer asked for, for lack of bandwidth, by the cause of the last decrease.",
		func(c sfu.CongestionStats) [bwe.NumCauses]uint64 { return c.Caps })
}

// registerTURNMetrics exports the TURN server's counters when it runs:
// open relays, and refusals by reason (credentials, peer, quota).
func registerTURNMetrics(reg prometheus.Registerer, s *sfu.SFU) {
	if _, ok := s.TURNStats(); !ok {
		return
	}
	stat := func() sfu.TURNStats { st, _ := s.TURNStats(); return st }
	reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "zadankai_turn_allocations", Help: "TURN relays open now."},
		func() float64 { return float64(stat().Allocations) }))
	refused := map[string]func(sfu.TURNStats) int64{
		"credentials": func(st sfu.TURNStats) int64 { return st.RefusedCredentials },
		"peer":        func(st sfu.TURNStats) int64 { return st.RefusedPeers },
		"quota":       func(st sfu.TURNStats) int64 { return st.RefusedQuota },
	}
	for reason, get := range refused {
		reg.MustRegister(prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "zadankai_turn_refused_total",
			Help: "TURN requests refused: expired or forged credentials, peers other than this server, quotas.", ConstLabels: prometheus.Labels{"reason": reason}},
			func() float64 { return float64(get(stat())) }))
	}
}
