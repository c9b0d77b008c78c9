package main

import (
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/livekit/protocol/auth"
)

// TestServeMountsTheMediaWebhook: with media.webhook set, serve receives
// a LiveKit media plane's webhooks there, verified with the configured
// keys: unsigned events are refused, signed ones accepted.
func TestServeMountsTheMediaWebhook(t *testing.T) {
	t.Setenv("ZADANKAI_MEDIA_WEBHOOK", "/livekit/webhook")
	p := start(t, "--dev", "--data-dir", t.TempDir())
	waitReady(t, p.url)
	body := `{"event":"participant_joined","room":{"name":"dev-room"},"participant":{"identity":"someone"}}`
	post := func(authorization string) int {
		req, _ := http.NewRequest("POST", p.url+"/livekit/webhook", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/webhook+json")
		if authorization != "" {
			req.Header.Set("Authorization", authorization)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res.StatusCode
	}
	if code := post(""); code != http.StatusUnauthorized {
		t.Errorf("unsigned webhook = %d, want 401", code)
	}
	sum := sha256.Sum256([]byte(body))
	tok, err := auth.NewAccessToken("devkey", "secret").SetValidFor(time.Minute).SetSha256(base64.StdEncoding.EncodeToString(sum[:])).ToJWT()
	if err != nil {
		t.Fatal(err)
	}
	if code := post(tok); code != http.StatusNoContent {
		t.Errorf("signed webhook = %d, want 204\n%s", code, p.logs())
	}
	if err := p.stop(t); err != nil {
		t.Fatal(err)
	}
}
