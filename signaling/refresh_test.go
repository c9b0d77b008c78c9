package signaling_test

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/livekit/protocol/auth"
	"github.com/livekit/protocol/livekit"
	"google.golang.org/protobuf/proto"

	"github.com/zadankai/zadankai/rooms"
)

// nextRefresh reads ws until a refresh_token arrives.
func nextRefresh(t *testing.T, ws *websocket.Conn) string {
	t.Helper()
	_ = ws.SetReadDeadline(time.Now().Add(5 * time.Second))
	for {
		_, b, err := ws.ReadMessage()
		if err != nil {
			t.Fatalf("no refresh_token: %v", err)
		}
		var res livekit.SignalResponse
		if proto.Unmarshal(b, &res) == nil && res.GetRefreshToken() != "" {
			return res.GetRefreshToken()
		}
	}
}

// validateWith asks /rtc/validate about tok.
func validateWith(t *testing.T, ts *testServer, tok string) (int, string) {
	t.Helper()
	return withBearer(t, "GET", strings.Replace(ts.url, "ws://", "http://", 1)+"/rtc/validate", "", tok)
}

// withBearer sends a request (a JSON body, if any) with tok as its
// bearer token and returns the status and body.
func withBearer(t *testing.T, method, url, body, tok string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(method, url, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+tok)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

// TestRefreshToken: a joined client gets a fresh token that carries its
// current grants and opens the room; a permission change sends one with
// the new grants; once removed, neither the original nor a refreshed
// token opens the room again.
func TestRefreshToken(t *testing.T) {
	ts := newServer(t)
	ws, res := rawJoin(t, ts, "protocol=17", "hana")
	if res.GetJoin() == nil {
		t.Fatalf("first response %v", res)
	}
	tok := nextRefresh(t, ws)
	v, err := auth.ParseAPIToken(tok)
	if err != nil {
		t.Fatal(err)
	}
	reg, claims, err := v.Verify(apiSecret)
	if err != nil {
		t.Fatalf("refreshed token does not verify: %v", err)
	}
	if claims.Identity != "hana" || claims.Video.Room != "test-room" || !claims.Video.RoomJoin || !claims.Video.GetCanPublish() {
		t.Errorf("refreshed claims: identity %q video %+v", claims.Identity, claims.Video)
	}
	if left := time.Until(reg.ExpiresAt.Time); left < 9*time.Minute {
		t.Errorf("refreshed token valid for %v, want ≥ 9 min", left)
	}
	if code, body := validateWith(t, ts, tok); code != 200 {
		t.Errorf("refreshed token refused: %d %q", code, body)
	}

	ctx := context.Background()
	if err := ts.sig.SetPermissions(ctx, "test-room", "hana", rooms.MediaPermission{CanSubscribe: true, CanPublishData: true}); err != nil {
		t.Fatal(err)
	}
	_, demoted, err := mustParse(t, nextRefresh(t, ws))
	if err != nil || demoted.Video.GetCanPublish() || !demoted.Video.GetCanSubscribe() {
		t.Errorf("token after demotion: %+v (err %v); want canPublish false, canSubscribe true", demoted.Video, err)
	}

	held := token(t, "hana", grants{})
	if err := ts.sig.RemoveParticipant(ctx, "test-room", "hana"); err != nil {
		t.Fatal(err)
	}
	for name, tk := range map[string]string{"held": held, "refreshed": tok} {
		if code, body := validateWith(t, ts, tk); code != 401 || !strings.Contains(body, "removed") {
			t.Errorf("%s token after removal: %d %q, want 401 naming the removal", name, code, body)
		}
	}
	time.Sleep(1100 * time.Millisecond) // tokens carry whole seconds: the removal's second counts as before it
	if code, _ := validateWith(t, ts, token(t, "hana", grants{})); code != 200 {
		t.Errorf("a token issued after the removal (the control plane decides) refused: %d", code)
	}
	if code, _ := validateWith(t, ts, token(t, "other", grants{})); code != 200 {
		t.Errorf("someone else's token refused after hana's removal: %d", code)
	}
}

func mustParse(t *testing.T, tok string) (string, *auth.ClaimGrants, error) {
	t.Helper()
	v, err := auth.ParseAPIToken(tok)
	if err != nil {
		return "", nil, err
	}
	_, c, err := v.Verify(apiSecret)
	return v.Identity(), c, err
}
