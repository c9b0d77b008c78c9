package signaling_test

import (
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

// A token without exp would work forever, whatever happens to its
// holder: it joins no room, and as an API token it has no RoomService
// power (issue 12). The same claims with an exp work.
func TestAttackTokenWithoutExpiryRefused(t *testing.T) {
	ts := newServer(t)
	httpURL := "http" + strings.TrimPrefix(ts.url, "ws")
	now := time.Now().Unix()
	join := fmt.Sprintf(`{"iss":%q,"sub":"alice","nbf":%d,"video":{"roomJoin":true,"room":"test-room"}`, apiKey, now-60)
	list := fmt.Sprintf(`{"iss":%q,"sub":"ops","nbf":%d,"video":{"roomList":true}`, apiKey, now-60)
	withExp := fmt.Sprintf(`,"exp":%d}`, now+600)
	call := func(method, path, body, token string) (int, string) {
		t.Helper()
		req, _ := http.NewRequest(method, httpURL+path, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Content-Type", "application/json")
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(b)
	}
	if code, body := call("GET", "/rtc/validate", "", handSigned(join+"}")); code != 401 || !strings.Contains(body, "exp") {
		t.Errorf("join token without exp: %d %q, want 401 naming exp", code, body)
	}
	if code, body := call("GET", "/rtc/validate", "", handSigned(join+withExp)); code != 200 {
		t.Errorf("the same join token with exp: %d %q, want 200", code, body)
	}
	if code, body := call("POST", "/twirp/livekit.RoomService/ListRooms", "{}", handSigned(list+"}")); code != 401 {
		t.Errorf("API token without exp: %d %q, want 401", code, body)
	}
	if code, body := call("POST", "/twirp/livekit.RoomService/ListRooms", "{}", handSigned(list+withExp)); code != 200 {
		t.Errorf("the same API token with exp: %d %q, want 200", code, body)
	}
}
