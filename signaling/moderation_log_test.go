package signaling_test

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/zadankai/zadankai/rooms"
)

// TestModerationLogSaysOnOrOff: the moderation log tells locking the
// room from unlocking it and turning the lobby on from turning it off,
// and says which device a mute was for.
func TestModerationLogSaysOnOrOff(t *testing.T) {
	ts := newServer(t)
	cp := newControlPlane(t, ts)
	mod := cp.user(t, "mod@z.test", rooms.RoleOperator, true)
	start := time.Now().Add(10 * time.Minute).UTC().Truncate(time.Minute).Format(time.RFC3339)
	_, body := mod.do(t, "POST", "/api/v1/roundtables", fmt.Sprintf(`{"title":"Round","axis":"life","start":%q,"minutes":60,
		"time_zone":"Asia/Tokyo","format":"online","capacity":10,"talk":"small_round","moderators":[%q]}`, start, mod.m.ID))
	var rt struct{ ID string }
	json.Unmarshal([]byte(body), &rt)
	steps := []string{`{"action":"lock","on":true}`, `{"action":"lock","on":false}`, `{"action":"lobby","on":true}`, `{"action":"lobby","on":false}`}
	for _, s := range steps {
		if status := mod.moderate(t, rt.ID, s); status != 200 {
			t.Fatalf("%s: %d", s, status)
		}
	}
	_, list := mod.do(t, "GET", "/api/v1/roundtables/"+rt.ID+"/audit", "")
	var log struct {
		Entries []struct{ Action, Detail string }
	}
	if err := json.Unmarshal([]byte(list), &log); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range log.Entries {
		got = append(got, e.Action+":"+e.Detail)
	}
	if fmt.Sprint(got) != "[lock:on lock:off lobby:on lobby:off]" {
		t.Errorf("audit = %v, want each step with on or off", got)
	}
}
