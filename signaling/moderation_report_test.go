package signaling_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/livekit/protocol/livekit"
	lksdk "github.com/livekit/server-sdk-go/v2"

	"github.com/zadankai/zadankai/rooms"
)

// TestModerationSaysWhatHappened: in a stage roundtable "mute everyone"
// mutes the member brought on stage but not the guest speaker and says
// how many it muted (none the second time); asking to unmute is refused
// for a listener, who cannot speak, and for a microphone already on.
func TestModerationSaysWhatHappened(t *testing.T) {
	ts := newServer(t)
	cp := newControlPlane(t, ts)
	mod := cp.user(t, "mod@z.test", rooms.RoleOperator, true)
	speaker := cp.user(t, "speaker@z.test", rooms.RoleGuestSpeaker, false)
	member := cp.user(t, "member@a.test", rooms.RoleMember, false)
	start := time.Now().Add(10 * time.Minute).UTC().Truncate(time.Minute).Format(time.RFC3339)
	_, body := mod.do(t, "POST", "/api/v1/roundtables", fmt.Sprintf(`{"title":"Stage","axis":"career","start":%q,"minutes":60,
		"time_zone":"Asia/Tokyo","format":"online","capacity":10,"talk":"stage","moderators":[%q],"speakers":[%q]}`, start, mod.m.ID, speaker.m.ID))
	var rt struct{ ID string }
	json.Unmarshal([]byte(body), &rt)
	member.do(t, "POST", "/api/v1/roundtables/"+rt.ID+"/register", "")
	conns := map[string]*lksdk.Room{}
	for name, u := range map[string]*user{"mod": mod, "speaker": speaker, "member": member} {
		r, err := u.join(t, rt.ID, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer r.Disconnect()
		conns[name] = r
	}
	mid, sid := string(member.m.ID), string(speaker.m.ID)
	act := func(body string) (int, string) {
		return mod.do(t, "POST", "/api/v1/roundtables/"+rt.ID+"/moderation", body)
	}
	ask := `{"action":"ask_unmute","identity":"%s","source":"microphone"}`
	if s, b := act(fmt.Sprintf(ask, mid)); s != 409 || !strings.Contains(b, "cannot_publish") {
		t.Errorf("asking a listener to unmute = %d %s, want 409 cannot_publish", s, b)
	}
	if s, b := act(`{"action":"promote","identity":"` + mid + `"}`); s != 200 {
		t.Fatalf("promote: %d %s", s, b)
	}
	stop := make(chan struct{})
	defer close(stop)
	for _, name := range []string{"speaker", "member"} {
		mic := opusTrack(t)
		var err error
		for try := 0; try < 50; try++ { // the grant reaches the member's connection shortly after the answer
			if _, err = conns[name].LocalParticipant.PublishTrack(mic, &lksdk.TrackPublicationOptions{Name: "mic", Source: livekit.TrackSource_MICROPHONE}); err == nil {
				break
			}
			time.Sleep(100 * time.Millisecond)
		}
		if err != nil {
			t.Fatalf("%s publishing: %v", name, err)
		}
		go pump(stop, mic)
	}
	muted := func(id string) (bool, bool) {
		rp := conns["mod"].GetParticipantByIdentity(id)
		if rp == nil || len(rp.TrackPublications()) != 1 {
			return false, false
		}
		return rp.TrackPublications()[0].IsMuted(), true
	}
	waitFor(t, 10*time.Second, func() string {
		if _, ok := muted(mid); !ok {
			return "the moderator does not see the member's microphone"
		}
		if _, ok := muted(sid); !ok {
			return "the moderator does not see the speaker's microphone"
		}
		return ""
	})
	if s, b := act(`{"action":"mute_all"}`); s != 200 || !strings.Contains(b, `"affected":1`) {
		t.Fatalf("mute all = %d %s, want one muted", s, b)
	}
	waitFor(t, 5*time.Second, func() string {
		if m, _ := muted(mid); !m {
			return "mute all left the member brought on stage unmuted"
		}
		return ""
	})
	if m, _ := muted(sid); m {
		t.Errorf("mute all muted the guest speaker")
	}
	if s, b := act(`{"action":"mute_all"}`); s != 200 || !strings.Contains(b, `"affected":0`) {
		t.Errorf("mute all with nobody to mute = %d %s, want 0 affected", s, b)
	}
	if s, b := act(fmt.Sprintf(ask, sid)); s != 409 || !strings.Contains(b, "already_on") {
		t.Errorf("asking someone whose microphone is on = %d %s, want 409 already_on", s, b)
	}
	if s, b := act(fmt.Sprintf(ask, mid)); s != 200 || !strings.Contains(b, `"affected":1`) {
		t.Errorf("asking the muted member on stage = %d %s", s, b)
	}
}
