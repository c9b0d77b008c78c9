package signaling_test

import (
	"fmt"
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
	listRooms := func(tok string) (int, string) {
		return withBearer(t, "POST", httpURL+"/twirp/livekit.RoomService/ListRooms", "{}", tok)
	}
	if code, body := validateWith(t, ts, handSigned(join+"}")); code != 401 || !strings.Contains(body, "exp") {
		t.Errorf("join token without exp: %d %q, want 401 naming exp", code, body)
	}
	if code, body := validateWith(t, ts, handSigned(join+withExp)); code != 200 {
		t.Errorf("the same join token with exp: %d %q, want 200", code, body)
	}
	if code, body := listRooms(handSigned(list + "}")); code != 401 {
		t.Errorf("API token without exp: %d %q, want 401", code, body)
	}
	if code, body := listRooms(handSigned(list + withExp)); code != 200 {
		t.Errorf("the same API token with exp: %d %q, want 200", code, body)
	}
}
