package main

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"
	"github.com/livekit/protocol/auth"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/zadankai/zadankai/rooms/api"
	"github.com/zadankai/zadankai/rooms/mail"
	"github.com/zadankai/zadankai/rooms/sqlitestore"
	"github.com/zadankai/zadankai/web"
)

func get(t *testing.T, h http.Handler, path string) *httptest.ResponseRecorder {
	t.Helper()
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, path, nil))
	return w
}

func TestPagesAnswerWithAndWithoutHTML(t *testing.T) {
	for _, dev := range []bool{false, true} {
		r := gin.New()
		mountWeb(r, dev)
		for _, path := range []string{"/room", "/room.html", "/home.html", "/"} {
			if w := get(t, r, path); w.Code != http.StatusOK || w.Header().Get("Content-Type") != "text/html; charset=utf-8" {
				t.Errorf("dev=%v %s: %d %q", dev, path, w.Code, w.Header().Get("Content-Type"))
			}
		}
		w := httptest.NewRecorder()
		r.ServeHTTP(w, httptest.NewRequest(http.MethodHead, "/", nil))
		if w.Code != http.StatusOK {
			t.Errorf("dev=%v HEAD /: %d", dev, w.Code)
		}
		if a, b := get(t, r, "/room").Body.String(), get(t, r, "/room.html").Body.String(); a != b {
			t.Errorf("/room and /room.html differ")
		}
		for _, path := range []string{"/dev", "/dev.html"} {
			if w := get(t, r, path); (w.Code == http.StatusOK) != dev {
				t.Errorf("dev=%v %s: %d", dev, path, w.Code)
			}
		}
	}
}

func TestDevTokenRoles(t *testing.T) {
	r := gin.New()
	mountDevToken(r, "devkey", "secret-secret-secret-secret-secret", "ws://media")
	cases := []struct {
		role       string
		canPublish bool
	}{{"", true}, {"participant", true}, {"moderator", true}, {"audience", false}, {"speaker", true}}
	for _, tc := range cases {
		w := get(t, r, "/dev/token?room=r1&name=n1&role="+tc.role)
		if w.Code != http.StatusOK {
			t.Fatalf("role %q: %d %s", tc.role, w.Code, w.Body)
		}
		var body struct{ URL, Token, Role string }
		if err := json.Unmarshal(w.Body.Bytes(), &body); err != nil {
			t.Fatal(err)
		}
		v, err := auth.ParseAPIToken(body.Token)
		if err != nil {
			t.Fatal(err)
		}
		_, claims, err := v.Verify("secret-secret-secret-secret-secret")
		if err != nil {
			t.Fatal(err)
		}
		g := claims.Video
		if g.Room != "r1" || !g.RoomJoin || g.RoomAdmin || g.GetCanPublish() != tc.canPublish || !g.GetCanUpdateOwnMetadata() || !g.GetCanSubscribe() {
			t.Errorf("role %q: grant %+v", tc.role, g)
		}
		if claims.Attributes["role"] != tc.role || body.Role != tc.role || body.URL != "ws://media" {
			t.Errorf("role %q: attributes %v, body %+v", tc.role, claims.Attributes, body)
		}
	}
	for _, q := range []string{"?room=r1&name=n1&role=operator", "?room=r1", "?name=n1", "?room=r1&name=" + strings.Repeat("x", 65)} {
		if w := get(t, r, "/dev/token"+q); w.Code != http.StatusBadRequest {
			t.Errorf("%s: %d, want 400", q, w.Code)
		}
	}
}

// TestMistypedAddressGetsAPage: a browser asking for a page that does not
// exist gets the friendly not-found page with status 404; the API and
// programs keep the JSON error, and /favicon.ico leads to the icon.
func TestMistypedAddressGetsAPage(t *testing.T) {
	r := gin.New()
	a := newTestAPI(t, notFoundHTML())
	a.Register(r)
	mountWeb(r, false)
	ask := func(path, accept string) *httptest.ResponseRecorder {
		w := httptest.NewRecorder()
		req := httptest.NewRequest(http.MethodGet, path, nil)
		if accept != "" {
			req.Header.Set("Accept", accept)
		}
		r.ServeHTTP(w, req)
		return w
	}
	browser := "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
	if w := ask("/consultatoins", browser); w.Code != 404 || !strings.Contains(w.Body.String(), "ページが見つかりません") ||
		!strings.HasPrefix(w.Header().Get("Content-Type"), "text/html") {
		t.Errorf("mistyped page = %d %s %.80q", w.Code, w.Header().Get("Content-Type"), w.Body.String())
	}
	for _, c := range []struct{ path, accept string }{{"/api/v1/nope", browser}, {"/consultatoins", ""}, {"/assets/nope.js", browser}} {
		if w := ask(c.path, c.accept); w.Code != 404 || !strings.Contains(w.Body.String(), `"code":"not_found"`) {
			t.Errorf("%s (Accept %q) = %d %.80q, want the JSON error", c.path, c.accept, w.Code, w.Body.String())
		}
	}
	if w := ask("/404", browser); w.Code != 404 {
		t.Errorf("/404 is a page of its own: %d", w.Code)
	}
	if w := ask("/favicon.ico", ""); w.Code != http.StatusMovedPermanently || w.Header().Get("Location") != "/assets/favicon.svg" {
		t.Errorf("/favicon.ico = %d %q", w.Code, w.Header().Get("Location"))
	}
	if w := ask("/assets/favicon.svg", ""); w.Code != 200 || !strings.Contains(w.Body.String(), "<svg") {
		t.Errorf("favicon.svg = %d", w.Code)
	}
}

// newTestAPI is the real control plane on a temporary SQLite store.
func newTestAPI(t *testing.T, notFound []byte) *api.API {
	t.Helper()
	store, err := sqlitestore.Open(context.Background(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close(context.Background()) })
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	a, err := api.New(api.Params{Store: store, Logger: log, Registry: prometheus.NewRegistry(), Mailer: mail.NewOutbox(log, 1),
		PublicURL: "http://zadankai.test", NotFoundPage: notFound})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// TestAppFilesAtTheRoot: the service worker is served from the root (its
// scope is every page), never cached by the HTTP cache, and names this
// build (a release with any changed file is a new worker); the manifest
// has its media type.
func TestAppFilesAtTheRoot(t *testing.T) {
	r := gin.New()
	mountWeb(r, false)
	sw := get(t, r, "/sw.js")
	if sw.Code != http.StatusOK || !strings.HasPrefix(sw.Header().Get("Content-Type"), "text/javascript") || sw.Header().Get("Cache-Control") != "no-cache" {
		t.Fatalf("/sw.js: %d %q %q", sw.Code, sw.Header().Get("Content-Type"), sw.Header().Get("Cache-Control"))
	}
	if body := sw.Body.String(); strings.Contains(body, "__ZADANKAI_VERSION__") || !strings.Contains(body, `const VERSION = "`+digest(web.FS())+`"`) {
		t.Errorf("/sw.js does not carry the build's digest %s", digest(web.FS()))
	}
	m := get(t, r, "/manifest.webmanifest")
	var manifest struct {
		StartURL string `json:"start_url"`
	}
	if m.Code != http.StatusOK || m.Header().Get("Content-Type") != "application/manifest+json" || json.Unmarshal(m.Body.Bytes(), &manifest) != nil || manifest.StartURL == "" {
		t.Errorf("/manifest.webmanifest: %d %q", m.Code, m.Header().Get("Content-Type"))
	}
	if off := get(t, r, "/offline"); off.Code != http.StatusOK || !strings.Contains(off.Body.String(), "オフライン") {
		t.Errorf("/offline: %d", off.Code)
	}
}
