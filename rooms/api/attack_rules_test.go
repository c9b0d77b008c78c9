package api_test

// Attacks on the room rules, as the control plane sees them: what a join
// token may do and how long it lives. The media plane's side (tokens held
// past a lock, a lobby, a removal or the end) is in signaling/attack_test.go.

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/livekit/protocol/auth"

	"github.com/zadankai/zadankai/rooms"
)

// joinGrants asks for a join token as a and returns its claims and expiry.
func joinGrants(t *testing.T, a *actor, url string) (*auth.ClaimGrants, time.Time) {
	t.Helper()
	r := a.do(t, "POST", url+"/join", "")
	if r.status != 200 {
		t.Fatalf("%s join = %d %s", a.m.Email, r.status, r.body)
	}
	var jt struct{ Token string }
	json.Unmarshal(r.body, &jt)
	tok, err := auth.ParseAPIToken(jt.Token)
	if err != nil {
		t.Fatal(err)
	}
	reg, g, err := tok.Verify("testsecret-testsecret-testsecret")
	if err != nil {
		t.Fatal(err)
	}
	return g, reg.ExpiresAt.Time
}

// roundtableIn2h makes a world and a small round starting in two hours
// that memberB moderates; it returns the roundtable's id and API URL.
func roundtableIn2h(t *testing.T) (*env, *world, rooms.RoundtableID, string) {
	t.Helper()
	e := newEnv(t)
	w := e.world(t)
	e.makeModerator(t, w.memberB)
	rt := e.createRoundtable(t, w.operator, roundtableBody(2, 10, "small_round", w.memberB.m.ID, ""))
	return e, w, rooms.RoundtableID(rt.ID), e.srv.URL + "/api/v1/roundtables/" + rt.ID
}

// TestAttackModeratorTokenCarriesNoRoomAdmin: a moderator's join token
// used to carry roomAdmin, so the moderator could call RoomService
// herself (grant publishing, remove someone) with nothing audited or
// remembered. Moderation goes only through the audited API.
func TestAttackModeratorTokenCarriesNoRoomAdmin(t *testing.T) {
	e, w, _, url := roundtableIn2h(t)
	e.skew.Store(int64(2*time.Hour - 10*time.Minute))
	g, _ := joinGrants(t, w.memberB, url)
	v := g.Video
	if v.RoomAdmin || v.RoomCreate || v.RoomList || v.RoomRecord || v.IngressAdmin {
		t.Errorf("a moderator's join token carries server powers: %+v", v)
	}
	if g.Attributes["role"] != "moderator" || !v.GetCanPublish() {
		t.Errorf("the moderator lost her role or her voice: %+v %v", v, g.Attributes)
	}
}

// TestAttackJoinTokenIsShortLived: a roundtable join token was valid for
// ten minutes, so one fetched before a lock, a lobby, a removal or the end
// kept working on a media plane that cannot revoke it. It now lives a
// minute: the room page fetches it right before connecting.
func TestAttackJoinTokenIsShortLived(t *testing.T) {
	e, w, _, url := roundtableIn2h(t)
	w.memberA.do(t, "POST", url+"/register", "")
	e.skew.Store(int64(2*time.Hour - 10*time.Minute))
	for _, a := range []*actor{w.memberA, w.memberB} {
		_, exp := joinGrants(t, a, url)
		if left := time.Until(exp); left > 70*time.Second {
			t.Errorf("%s's join token is valid for %v; want about a minute", a.m.Email, left.Round(time.Second))
		}
	}
}

// TestLockLetsBackOnlyWhoWasIn: the API and the media plane apply one
// rule to a locked room. Whoever was in the room when it was locked gets
// a token again (her phone dropped); nobody else does, whatever the
// media plane lists at that moment.
func TestLockLetsBackOnlyWhoWasIn(t *testing.T) {
	e, w, id, url := roundtableIn2h(t)
	late := e.login(t, e.addMember(t, "late@gamma.test", "password-123"), "password-123")
	for _, a := range []*actor{w.memberA, late} {
		if res := a.do(t, "POST", url+"/register", ""); res.status != 200 {
			t.Fatalf("register = %d %s", res.status, res.body)
		}
	}
	ctx := context.Background()
	r, err := e.store.GetRoundtable(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	r.Live.Locked, r.Live.LockedIn = true, []rooms.MemberID{w.memberA.m.ID}
	if err := e.store.UpdateRoundtable(ctx, r); err != nil {
		t.Fatal(err)
	}
	e.skew.Store(int64(2*time.Hour - 10*time.Minute))
	if res := w.memberA.do(t, "POST", url+"/join", ""); res.status != 200 {
		t.Errorf("someone who was in the locked room = %d %s, want a token", res.status, res.body)
	}
	if res := late.do(t, "POST", url+"/join", ""); res.status != 403 || !strings.Contains(string(res.body), `"locked"`) {
		t.Errorf("a newcomer to the locked room = %d %s, want 403 locked", res.status, res.body)
	}
	if res := w.memberB.do(t, "POST", url+"/join", ""); res.status != 200 {
		t.Errorf("the moderator of the locked room = %d %s", res.status, res.body)
	}
}
