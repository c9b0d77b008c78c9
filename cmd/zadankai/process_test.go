package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
)

// binary builds zadankai once per test process.
func binary(tb testing.TB) string {
	tb.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "zadankai-bin-")
		if err != nil {
			buildErr = err
			return
		}
		binPath = filepath.Join(dir, "zadankai")
		out, err := exec.Command("go", "build", "-o", binPath, ".").CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		tb.Fatal(buildErr)
	}
	return binPath
}

// proc is a running `zadankai serve`.
type proc struct {
	cmd    *exec.Cmd
	url    string
	stdout *syncBuffer
	mu     sync.Mutex
	log    strings.Builder // stderr, guarded by mu
	done   chan error
}

var listenLine = regexp.MustCompile(`msg="zadankai listening" url=(http://\S+)`)

// start runs serve with args and waits until it prints its URL.
func start(tb testing.TB, args ...string) *proc { tb.Helper(); return startEnv(tb, nil, args...) }

// startEnv is start with extra environment variables ("KEY=value").
func startEnv(tb testing.TB, env []string, args ...string) *proc {
	tb.Helper()
	p := &proc{cmd: exec.Command(binary(tb), append([]string{"serve", "--port", "0", "--udp-port", "0", "--tcp-port", "0"}, args...)...),
		stdout: &syncBuffer{}, done: make(chan error, 1)}
	p.cmd.Env = append(os.Environ(), env...)
	p.cmd.Stdout = p.stdout
	stderr, err := p.cmd.StderrPipe()
	if err != nil {
		tb.Fatal(err)
	}
	if err := p.cmd.Start(); err != nil {
		tb.Fatal(err)
	}
	urls := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			p.mu.Lock()
			p.log.WriteString(sc.Text() + "\n")
			p.mu.Unlock()
			if m := listenLine.FindStringSubmatch(sc.Text()); m != nil {
				urls <- m[1]
			}
		}
		p.done <- p.cmd.Wait()
	}()
	tb.Cleanup(func() { _ = p.cmd.Process.Kill() })
	select {
	case p.url = <-urls:
	case err := <-p.done:
		tb.Fatalf("serve exited before listening (%v):\n%s", err, p.logs())
	case <-time.After(60 * time.Second):
		tb.Fatalf("serve did not listen within 60 s:\n%s", p.logs())
	}
	return p
}

// syncBuffer is a bytes.Buffer safe for the exec copier and the test.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func (p *proc) logs() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.log.String()
}

// stop sends SIGTERM and returns the exit error.
func (p *proc) stop(tb testing.TB) error {
	tb.Helper()
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		tb.Fatal(err)
	}
	select {
	case err := <-p.done:
		return err
	case <-time.After(30 * time.Second):
		tb.Fatalf("serve did not exit within 30 s of SIGTERM:\n%s", p.logs())
		return nil
	}
}

func waitReady(tb testing.TB, url string) {
	tb.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if res, err := http.Get(url + "/readyz"); err == nil {
			res.Body.Close()
			if res.StatusCode == 200 {
				return
			}
		}
		time.Sleep(5 * time.Millisecond)
	}
	tb.Fatalf("%s/readyz never answered 200", url)
}

func login(t *testing.T, url, email string) int {
	t.Helper()
	res, err := http.Post(url+"/api/v1/auth/login", "application/json",
		strings.NewReader(`{"email":"`+email+`","password":"zadankai-demo"}`))
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return res.StatusCode
}

func TestServeStartsAndDrainsOnSIGTERM(t *testing.T) {
	p := start(t, "--dev", "--data-dir", t.TempDir())
	waitReady(t, p.url)
	if err := p.stop(t); err != nil {
		t.Fatalf("exit after SIGTERM: %v, want status 0\n%s", err, p.logs())
	}
	for _, want := range []string{"DEVELOPMENT MODE", "draining", "msg=stopped"} {
		if !strings.Contains(p.logs(), want) {
			t.Errorf("log lacks %q:\n%s", want, p.logs())
		}
	}
}

func TestServeRestartKeepsData(t *testing.T) {
	dir := t.TempDir()
	p := start(t, "--dev", "--demo", "--data-dir", dir)
	waitReady(t, p.url)
	// stdout travels through its own pipe: give it the moment it may need
	for deadline := time.Now().Add(10 * time.Second); !strings.Contains(p.stdout.String(), "can be joined now") && time.Now().Before(deadline); {
		time.Sleep(50 * time.Millisecond)
	}
	if !strings.Contains(p.stdout.String(), "hanako@sakura.example") {
		t.Errorf("--demo did not print the demo logins:\n%s", p.stdout)
	}
	// the address to open, plainly, not only inside a log line
	for _, want := range []string{"Zadankai is running: " + p.url + "  (Ctrl+C stops it)", "operator@zadankai.example", "speaker@guest.example",
		"moderator of the demo roundtables", p.url + "/roundtables", p.url + "/dev/mail", "4 more members"} {
		if !strings.Contains(p.stdout.String(), want) {
			t.Errorf("--demo output lacks %q (how to log in as each role):\n%s", want, p.stdout)
		}
	}
	if code := login(t, p.url, "hanako@sakura.example"); code != 200 {
		t.Fatalf("demo login = %d", code)
	}
	if err := p.stop(t); err != nil {
		t.Fatal(err)
	}
	p = start(t, "--dev", "--data-dir", dir) // no --demo: the data must come from disk
	waitReady(t, p.url)
	if code := login(t, p.url, "hanako@sakura.example"); code != 200 {
		t.Fatalf("login after restart = %d, want 200 (data lost?)", code)
	}
	if err := p.stop(t); err != nil {
		t.Fatal(err)
	}
}

func TestServeRefusesWithoutKeys(t *testing.T) {
	cmd := exec.Command(binary(t), "serve", "--udp-port", "0", "--tcp-port", "0", "--data-dir", t.TempDir())
	cmd.Env = append(os.Environ(), "ZADANKAI_KEYS=")
	out, err := cmd.CombinedOutput()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 1 {
		t.Fatalf("serve without keys: %v, want exit 1", err)
	}
	if lines := strings.Split(strings.TrimSpace(string(out)), "\n"); len(lines) != 1 || !strings.Contains(lines[0], "no API keys") {
		t.Errorf("want one line naming the problem, got:\n%s", out)
	}
}

func TestVersionCommand(t *testing.T) {
	out, err := exec.Command(binary(t), "version").Output()
	if err != nil || !strings.HasPrefix(string(out), "zadankai ") {
		t.Fatalf("version: %q %v", out, err)
	}
	if err := exec.Command(binary(t), "frobnicate").Run(); err == nil {
		t.Errorf("unknown command exited 0")
	}
}

// BenchmarkColdStart measures process start to /readyz = 200 with the
// SQLite store on a fresh data directory (the goal is ≤ 0.5 s).
func BenchmarkColdStart(b *testing.B) {
	bin := binary(b)
	var took []time.Duration
	for b.Loop() {
		dir := b.TempDir()
		begin := time.Now()
		ctx, cancel := context.WithCancel(context.Background())
		cmd := exec.CommandContext(ctx, bin, "serve", "--dev", "--port", "0", "--udp-port", "0", "--tcp-port", "0", "--data-dir", dir)
		stderr, _ := cmd.StderrPipe()
		if err := cmd.Start(); err != nil {
			b.Fatal(err)
		}
		sc := bufio.NewScanner(stderr)
		url := ""
		for url == "" && sc.Scan() {
			if m := listenLine.FindStringSubmatch(sc.Text()); m != nil {
				url = m[1]
			}
		}
		waitReady(b, url)
		took = append(took, time.Since(begin))
		cancel()
		_ = cmd.Wait()
	}
	slices.Sort(took)
	b.ReportMetric(float64(took[len(took)/2].Microseconds())/1000, "median-ms-to-ready")
	b.ReportMetric(float64(took[len(took)-1].Microseconds())/1000, "max-ms-to-ready")
}

// TestMain removes the binaries the process tests built.
func TestMain(m *testing.M) {
	code := m.Run()
	for _, bin := range []string{binPath, ferretBin} {
		if bin != "" {
			os.RemoveAll(filepath.Dir(bin))
		}
	}
	os.Exit(code)
}

// TestSecondSignalExitsAtOnce keeps the drain busy with a half-sent
// request, then sends a second SIGTERM: the process must exit at once
// (status 130) rather than wait out the drain.
func TestSecondSignalExitsAtOnce(t *testing.T) {
	p := start(t, "--dev", "--data-dir", t.TempDir())
	waitReady(t, p.url)
	conn, err := net.Dial("tcp", strings.TrimPrefix(p.url, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprint(conn, "GET /healthz HTTP/1.1\r\nHost: x\r\n") // no final CRLF: the request stays in flight
	time.Sleep(100 * time.Millisecond)
	p.cmd.Process.Signal(syscall.SIGTERM)
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(p.logs(), "draining") && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	select {
	case err := <-p.done:
		t.Fatalf("exited during the drain with a request in flight (%v):\n%s", err, p.logs())
	case <-time.After(500 * time.Millisecond):
	}
	begin := time.Now()
	p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-p.done:
		var ee *exec.ExitError
		if !errors.As(err, &ee) || ee.ExitCode() != 130 {
			t.Errorf("exit after the second signal: %v, want status 130", err)
		}
		if d := time.Since(begin); d > 2*time.Second {
			t.Errorf("took %v to exit after the second signal", d)
		}
	case <-time.After(5 * time.Second):
		t.Fatalf("still running 5 s after the second signal:\n%s", p.logs())
	}
}
