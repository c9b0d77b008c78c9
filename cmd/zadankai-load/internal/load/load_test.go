package load

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	protologger "github.com/livekit/protocol/logger"
	lksdk "github.com/livekit/server-sdk-go/v2"

	"github.com/zadankai/zadankai/sfu"
	"github.com/zadankai/zadankai/sfu/sfutest"
	"github.com/zadankai/zadankai/signaling"
)

const (
	testKey    = "loadkey"
	testSecret = "loadsecret-loadsecret-loadsecret"
)

func TestMain(m *testing.M) {
	zl, err := protologger.NewZapLogger(&protologger.Config{Level: "error"})
	if err != nil {
		panic(err)
	}
	lksdk.SetLogger(zl)
	os.Exit(sfutest.RunInNamespace(m))
}

// startServer runs the embedded SFU and signalling on the namespace
// address and returns its ws:// URL.
func startServer(t *testing.T) string {
	t.Helper()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	s, err := sfu.New(sfu.Config{IPs: []string{sfutest.NamespaceIP}}, log)
	if err != nil {
		t.Fatal(err)
	}
	sig, err := signaling.New(signaling.Params{Keys: map[string]string{testKey: testSecret}, SFU: s, Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", sfutest.NamespaceIP+":0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: sig, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("SFU congestion state: %+v", s.CongestionStats())
		}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = sig.Close(ctx)
		_ = srv.Close()
		_ = s.Close()
	})
	return "ws://" + ln.Addr().String()
}

// TestLoadAgainstEmbeddedSFU runs the tool briefly: 2 rooms, each with 2
// publishers (audio + simulcast video) that also subscribe to each other
// and 2 subscribers. Every receiver must get media on every track it
// should, and the report's totals must add up.
func TestLoadAgainstEmbeddedSFU(t *testing.T) {
	cfg := DefaultConfig()
	cfg.URL, cfg.APIKey, cfg.APISecret = startServer(t), testKey, testSecret
	cfg.Rooms, cfg.Publishers, cfg.Subscribers = 2, 2, 2
	cfg.JoinRate, cfg.Warmup, cfg.Duration = 20, 1500*time.Millisecond, 3*time.Second
	cfg.ServerPID = os.Getpid() // the server runs in this process
	var progress bytes.Buffer
	rep, err := Run(context.Background(), cfg, &progress)
	if err != nil {
		t.Fatalf("run: %v\n%s", err, progress.String())
	}
	if rep.Joined != 8 || len(rep.JoinFailed) > 0 {
		t.Fatalf("joined %d of 8, failures %v", rep.Joined, rep.JoinFailed)
	}
	// 2 subscribers x 4 tracks + 2 publishers x 2 tracks, per room
	if rep.Receivers != 8 || rep.TracksWant != 24 || rep.TracksMedia != 24 {
		t.Errorf("receivers %d, tracks %d of %d; want 8 receivers, 24 of 24", rep.Receivers, rep.TracksMedia, rep.TracksWant)
	}
	checkTotals(t, rep)
	// Sent per publisher per second: 50 audio + at least 30 video (one
	// packet a frame at 30 fps, more for the bigger frames), at the pace
	// the publishers kept (a busy machine makes them late; what they did
	// send is held to the delivery figure above).
	pace := min(rep.PacePct, 100) / 100
	if min := 0.8 * 80 * float64(rep.TracksMedia/2) * rep.WindowSeconds * pace; float64(rep.Packets) < min {
		t.Errorf("%d packets in %.1f s at a publisher pace of %.0f %%; want at least %.0f", rep.Packets, rep.WindowSeconds, rep.PacePct, min)
	}
	if rep.PacePct <= 0 || rep.PacePct > 105 {
		t.Errorf("publisher pace %.1f %%; want (0, 105]", rep.PacePct)
	}
	if rep.FirstAudio.N != 8 || rep.FirstVideo.N != 8 {
		t.Errorf("first-media samples audio %d, video %d; want 8 each (subscribers x publishers)", rep.FirstAudio.N, rep.FirstVideo.N)
	}
	if rep.ServerCPUMs <= 0 || rep.ServerCPUPer1000 <= 0 {
		t.Errorf("server CPU %v ms, per 1000 packets %v; want both > 0", rep.ServerCPUMs, rep.ServerCPUPer1000)
	}
	var table, js bytes.Buffer
	rep.WriteTable(&table, 3)
	t.Logf("report:\n%s", table.String())
	if !strings.Contains(table.String(), "per 1000 forwarded packets") {
		t.Errorf("table lacks the CPU line:\n%s", table.String())
	}
	if err := rep.WriteJSON(&js); err != nil {
		t.Fatal(err)
	}
	var back Report
	if err := json.Unmarshal(js.Bytes(), &back); err != nil || back.Packets != rep.Packets {
		t.Errorf("JSON round trip: %v, packets %d vs %d", err, back.Packets, rep.Packets)
	}
}

// checkTotals: per-receiver figures sum to the totals.
func checkTotals(t *testing.T, rep *Report) {
	t.Helper()
	var packets, expected, bytes uint64
	for _, rr := range rep.PerReceiver {
		packets += rr.Packets
		expected += rr.Expected
		bytes += rr.Bytes
		if rr.Tracks != rr.TracksWant || rr.Packets == 0 {
			t.Errorf("%s/%s: %d of %d tracks, %d packets", rr.Room, rr.Identity, rr.Tracks, rr.TracksWant, rr.Packets)
		}
		if rr.Packets > rr.Expected || rr.DeliveryPct < 90 {
			t.Errorf("%s/%s: %d packets of %d expected (%.1f %%)", rr.Room, rr.Identity, rr.Packets, rr.Expected, rr.DeliveryPct)
		}
	}
	if packets != rep.Packets || expected != rep.Expected {
		t.Errorf("receivers sum to %d/%d packets, report says %d/%d", packets, expected, rep.Packets, rep.Expected)
	}
	perSub := rep.MbpsPerReceiver
	if perSub <= 0 || rep.MbpsTotal < float64(bytes)*8/rep.WindowSeconds/1e6*0.99 {
		t.Errorf("bitrate %.3f Mb/s total, %.3f per receiver; bytes %d", rep.MbpsTotal, perSub, bytes)
	}
}

func TestConfigErrors(t *testing.T) {
	good := DefaultConfig()
	good.URL, good.APIKey, good.APISecret = "ws://198.18.0.2:7880", "k", "s"
	if err := good.Validate(); err != nil {
		t.Fatal(err)
	}
	for flag, mut := range map[string]func(*Config){
		"--url":        func(c *Config) { c.URL = "ftp://x" },
		"--api-key":    func(c *Config) { c.APIKey = "" },
		"--rooms":      func(c *Config) { c.Rooms = 0 },
		"--publishers": func(c *Config) { c.Publishers = 0 },
		"--join-rate":  func(c *Config) { c.JoinRate = 0 },
		"--duration":   func(c *Config) { c.Duration = 0 },
		"--subscribers": func(c *Config) {
			c.Subscribers, c.Publishers = 0, 1
		},
	} {
		c := good
		mut(&c)
		if err := c.Validate(); err == nil || !strings.Contains(err.Error(), flag) {
			t.Errorf("%s: error %v, want one naming the flag", flag, err)
		}
	}
}

func TestParseStat(t *testing.T) {
	line := []byte("4242 (zadankai (x) y) S 1 4242 4242 0 -1 4194560 1000 0 0 0 250 125 0 0 20 0 12 0 100 0 0")
	d, err := parseStat(line)
	if err != nil || d != 3750*time.Millisecond {
		t.Errorf("parseStat = %v, %v; want 3.75 s", d, err)
	}
	if _, err := parseStat([]byte("garbage")); err == nil {
		t.Error("garbage accepted")
	}
}

// TestSeenWindow: a retransmission of a packet that had arrived counts
// once, one that fills a gap counts, and very old ones are assumed new.
func TestSeenWindow(t *testing.T) {
	var w seenWindow
	base := uint64(1 << 32)
	w.advance(base, base)
	w.advance(base, base+3) // base+1 and base+2 missing
	for _, c := range []struct {
		name string
		e    uint64
		want bool
	}{
		{"gap filled", base + 1, true},
		{"same again", base + 1, false},
		{"had arrived", base, false},
		{"other gap", base + 2, true},
		{"newest again", base + 3, false},
	} {
		if got := w.mark(c.e, base+3); got != c.want {
			t.Errorf("%s: mark(%d) = %v, want %v", c.name, c.e-base, got, c.want)
		}
	}
	w.advance(base+3, base+300)
	if !w.mark(base+3, base+300) {
		t.Error("a packet older than the window must count as new")
	}
	if w.mark(base+300, base+300) {
		t.Error("the newest packet again must not count")
	}
	if !w.mark(base+299, base+300) {
		t.Error("a jump must clear the window: base+299 never arrived")
	}
}
