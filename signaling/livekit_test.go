package signaling_test

import (
	"bytes"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	lksdk "github.com/livekit/server-sdk-go/v2"
	"github.com/twitchtv/twirp"

	"github.com/zadankai/zadankai/rooms/remotemedia"
	"github.com/zadankai/zadankai/sfu/sfutest"
)

// livekitVersion is the LiveKit server the remote media plane is tested
// against.
const livekitVersion = "1.13.3"

// livekitBinary finds LiveKit's server: $ZADANKAI_LIVEKIT_SERVER, else the
// "server" that `go install github.com/livekit/livekit-server/cmd/server@v1.13.3`
// puts in $(go env GOBIN) or $(go env GOPATH)/bin. Empty when there is none.
func livekitBinary(t *testing.T) string {
	if p := os.Getenv("ZADANKAI_LIVEKIT_SERVER"); p != "" {
		return p
	}
	out, err := exec.Command("go", "env", "GOBIN", "GOPATH").Output()
	if err != nil {
		t.Logf("go env: %v", err)
		return ""
	}
	lines := strings.SplitN(string(out), "\n", 2)
	dirs := []string{strings.TrimSpace(lines[0])}
	if len(lines) == 2 {
		for _, d := range filepath.SplitList(strings.TrimSpace(lines[1])) {
			dirs = append(dirs, filepath.Join(d, "bin"))
		}
	}
	for _, dir := range dirs {
		if p := filepath.Join(dir, "server"); dir != "" && fileExists(p) {
			return p
		}
	}
	return ""
}

func fileExists(p string) bool {
	st, err := os.Stat(p)
	return err == nil && !st.IsDir()
}

// freePort returns a port nobody listens on at the namespace address
// (network "tcp" or "udp").
func freePort(t *testing.T, network string) int {
	t.Helper()
	if network == "udp" {
		c, err := net.ListenPacket("udp4", sfutest.NamespaceIP+":0")
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		return c.LocalAddr().(*net.UDPAddr).Port
	}
	ln, err := net.Listen("tcp4", sfutest.NamespaceIP+":0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// startLiveKit runs LiveKit's own server on the namespace address with the
// test key, posting its webhooks to hookURL, and returns its ws:// URL.
// Without the binary the test is skipped, saying how to install it.
func startLiveKit(t *testing.T, hookURL string) string {
	return startLiveKitNode(t, lkNode{hook: hookURL})
}

// lkNode says how to run one LiveKit node: where its webhooks go and, as
// a node of a cluster, the Redis it shares with the others and its
// region.
type lkNode struct {
	hook   string
	redis  string // host:port; empty: a node on its own
	region string // with redis: "a" or "b", see clusterSelector
}

// clusterSelector places a new room on the node nearest to the one its
// first participant connected to (LiveKit's region-aware selector), so
// a test decides which node hosts which room.
const clusterSelector = `node_selector: {kind: regionaware, regions: [{name: a, lat: 0, lon: 0}, {name: b, lat: 0, lon: 90}]}`

// startLiveKitNode runs one LiveKit node as n says and returns its ws://
// URL once it answers.
func startLiveKitNode(t *testing.T, n lkNode) string {
	t.Helper()
	bin := livekitBinary(t)
	if bin == "" {
		t.Skip("LiveKit server absent: go install github.com/livekit/livekit-server/cmd/server@v" + livekitVersion +
			" (or set ZADANKAI_LIVEKIT_SERVER to its path)")
	}
	if out, err := exec.Command(bin, "--version").Output(); err != nil || !strings.Contains(string(out), "livekit-server version "+livekitVersion) {
		t.Fatalf("%s is not LiveKit server %s (%q, %v)", bin, livekitVersion, out, err)
	}
	port := freePort(t, "tcp")
	cfg := fmt.Sprintf(`port: %d
bind_addresses: [%q]
rtc:
  udp_port: %d
  tcp_port: %d
  use_external_ip: false
  node_ip: %q
  ips: {includes: ["%s/32"]}
keys: {%s: %s}
webhook: {api_key: %s, urls: [%q]}
room: {empty_timeout: 30, departure_timeout: 5}
logging: {level: warn}
`, port, sfutest.NamespaceIP, freePort(t, "udp"), freePort(t, "tcp"), sfutest.NamespaceIP, sfutest.NamespaceIP, apiKey, apiSecret, apiKey, n.hook)
	if n.redis != "" {
		cfg += fmt.Sprintf("redis: {address: %q}\nregion: %s\n%s\n", n.redis, n.region, clusterSelector)
	}
	base := fmt.Sprintf("http://%s:%d", sfutest.NamespaceIP, port)
	run(t, "LiveKit server "+n.region, exec.Command(bin, "--config-body", cfg), func() error {
		res, err := http.Get(base)
		if err == nil {
			res.Body.Close()
		}
		return err
	})
	return strings.Replace(base, "http://", "ws://", 1)
}

// run starts cmd, stops it when the test ends (showing its output if the
// test failed) and waits until ready reports no error; a command that
// exits before fails the test.
func run(t *testing.T, name string, cmd *exec.Cmd, ready func() error) {
	t.Helper()
	var logs syncBuffer
	cmd.Stdout, cmd.Stderr = &logs, &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited) }()
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(10 * time.Second):
			_ = cmd.Process.Kill()
			<-exited
		}
		if t.Failed() {
			t.Logf("%s output:\n%s", name, logs.String())
		}
	})
	waitFor(t, 30*time.Second, func() string {
		select {
		case <-exited:
			t.Fatalf("%s exited:\n%s", name, logs.String())
		default:
		}
		if err := ready(); err != nil {
			return fmt.Sprintf("%s not up: %v", name, err)
		}
		return ""
	})
}

// syncBuffer is a bytes.Buffer a child process and the test share.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// keptOut connects to url with tok and reports "" once the person is out:
// refused at the door, or removed soon after joining (it logs which, and
// how long she was in).
func keptOut(t *testing.T, url, tok string) string {
	t.Helper()
	var removed atomic.Bool
	room, err := lksdk.ConnectToRoomWithToken(url, tok, &lksdk.RoomCallback{OnDisconnectedWithReason: func(r lksdk.DisconnectionReason) {
		removed.Store(r == lksdk.ParticipantRemoved)
	}})
	if err != nil {
		t.Logf("refused at the door: %v", err)
		return ""
	}
	defer room.Disconnect()
	joined := time.Now()
	for time.Since(joined) < 10*time.Second {
		if removed.Load() {
			t.Logf("removed %v after joining", time.Since(joined).Round(time.Millisecond))
			return ""
		}
		time.Sleep(10 * time.Millisecond)
	}
	return "joined against the rules and was not removed"
}

// liveKitControlPlane runs a control plane whose media plane start runs
// (given the URL its webhooks go to; it returns the ws:// URL of media.url)
// and which receives those webhooks.
func liveKitControlPlane(t *testing.T, start func(hook string) string) *controlPlane {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	url := start("http://" + ln.Addr().String() + webhookPath)
	return newControlPlaneWith(t, cpOptions{store: newStore(t), media: remotemedia.New(url, apiKey, apiSecret), mediaURL: url, webhook: true, ln: ln})
}

// TestLiveKitServerKeepsTheRules runs the room rules on LiveKit's own
// server, which cannot revoke a token: whoever joins with a token held
// from before a removal, a lock or the end is removed by the control plane
// when her participant_joined webhook arrives; a token from before the
// lobby lands in the lobby; the moderator's token cannot call RoomService.
func TestLiveKitServerKeepsTheRules(t *testing.T) {
	var lk string
	cp := liveKitControlPlane(t, func(hook string) string { lk = startLiveKit(t, hook); return lk })
	sc := cp.scene(t, "small_round", false, "removed@a.test", "late@b.test", "waiting@c.test")
	removed, late, waiting := sc.members[0], sc.members[1], sc.members[2]
	_, modTok, _ := sc.mod.token(t, sc.rt)
	if err := twirpRemove(t, lk, modTok, sc.room, string(sc.mod.m.ID)); twirpCode(err) != twirp.PermissionDenied && twirpCode(err) != twirp.Unauthenticated {
		t.Errorf("the moderator's join token called LiveKit's RoomService: %v", err)
	}

	remRoom, err := removed.join(t, sc.rt, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer remRoom.Disconnect()
	url, remHeld, _ := removed.token(t, sc.rt)
	// LiveKit lists a participant a moment before RemoveParticipant finds
	// her: the moderator tries again, as she would.
	waitFor(t, 5*time.Second, func() string {
		if s := sc.mod.moderate(t, sc.rt, `{"action":"remove","identity":"`+string(removed.m.ID)+`"}`); s != 200 {
			return fmt.Sprintf("remove: %d", s)
		}
		return ""
	})
	if msg := keptOut(t, url, remHeld); msg != "" {
		t.Errorf("removed member: %s", msg)
	}

	_, lateHeld, _ := late.token(t, sc.rt)
	_, waitHeld, _ := waiting.token(t, sc.rt)
	sc.mod.moderate(t, sc.rt, `{"action":"lock","on":true}`)
	if msg := keptOut(t, url, lateHeld); msg != "" {
		t.Errorf("locked out: %s", msg)
	}
	sc.mod.moderate(t, sc.rt, `{"action":"lock","on":false}`)
	sc.mod.moderate(t, sc.rt, `{"action":"lobby","on":true}`)
	waitRoom, err := lksdk.ConnectToRoomWithToken(url, waitHeld, &lksdk.RoomCallback{})
	if err != nil {
		t.Fatal(err)
	}
	defer waitRoom.Disconnect()
	waitFor(t, 10*time.Second, func() string { return inLobby(waitRoom) })

	_, modHeld, _ := sc.mod.token(t, sc.rt)
	if s := sc.mod.moderate(t, sc.rt, `{"action":"end"}`); s != 200 {
		t.Fatalf("end: %d", s)
	}
	if msg := keptOut(t, url, modHeld); msg != "" {
		t.Errorf("after the end: %s", msg)
	}
}
