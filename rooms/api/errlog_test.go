package api_test

import (
	"bytes"
	"log/slog"
	"strings"
	"sync"
	"testing"

	"github.com/zadankai/zadankai/rooms/api"
)

// lockedBuffer is a log sink the server's goroutines may write at once.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// A deliberate 503 (the server declining work it is not set up or free
// for) is logged as a warning with its code, not as an error: operators
// alert on errors, and a login storm must not page anyone.
func TestDeliberateRefusalsAreWarnings(t *testing.T) {
	var logs lockedBuffer
	e := newEnvWith(t, nil, func(p *api.Params) {
		p.Logger = slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	})
	w := e.world(t)
	r := w.memberA.do(t, "GET", e.srv.URL+"/api/v1/push/key", "")
	if r.status != 503 || !strings.Contains(string(r.body), "push_unavailable") {
		t.Fatalf("push key without push set up = %d %s, want 503 push_unavailable", r.status, r.body)
	}
	out := logs.String()
	if strings.Contains(out, "level=ERROR") {
		t.Errorf("a deliberate 503 was logged as an error:\n%s", out)
	}
	if !strings.Contains(out, "level=WARN") || !strings.Contains(out, "code=push_unavailable") {
		t.Errorf("the refusal is not in the log as a warning with its code:\n%s", out)
	}
}
