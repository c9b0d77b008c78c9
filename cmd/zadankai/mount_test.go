package main

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"
	"github.com/livekit/protocol/auth"
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
