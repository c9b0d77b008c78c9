package signaling_test

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/livekit/protocol/livekit"
	lksdk "github.com/livekit/server-sdk-go/v2"

	"github.com/zadankai/zadankai/rooms"
)

// breakoutState is GET …/breakout as the room page reads it.
type breakoutState struct {
	Open    bool
	Round   int
	EndsAt  time.Time `json:"ends_at"`
	Speak   bool
	Message string
	MyGroup string `json:"my_group"`
	Groups  []struct {
		ID      string
		Members []struct {
			ID          string
			DisplayName string `json:"display_name"`
		}
	}
}

// members lists who is in group id.
func (s breakoutState) members(id string) []string {
	var out []string
	for _, g := range s.Groups {
		if g.ID == id {
			for _, m := range g.Members {
				out = append(out, m.ID)
			}
		}
	}
	return out
}

// joinAnswer is POST …/join's answer.
type joinAnswer struct {
	URL, Room, Token, Group string
	Breakout                breakoutState
}

// joinTo asks for a join token with query (e.g. "?group=main"): the
// status, the answer and the raw body.
func (u *user) joinTo(t *testing.T, rt, query string) (int, joinAnswer, string) {
	t.Helper()
	status, body := u.do(t, "POST", "/api/v1/roundtables/"+rt+"/join"+query, "")
	var ja joinAnswer
	json.Unmarshal([]byte(body), &ja)
	return status, ja, body
}

// breakout sends a breakout action (plan, open, move, broadcast,
// extend, close) and returns the status and body.
func (u *user) breakout(t *testing.T, rt, action, body string) (int, string) {
	t.Helper()
	return u.do(t, "POST", "/api/v1/roundtables/"+rt+"/breakout/"+action, body)
}

// breakoutState reads GET …/breakout as u.
func (u *user) breakoutState(t *testing.T, rt string) (breakoutState, string) {
	t.Helper()
	status, body := u.do(t, "GET", "/api/v1/roundtables/"+rt+"/breakout", "")
	if status != 200 {
		t.Fatalf("GET breakout as %s: %d %s", u.m.Email, status, body)
	}
	var s breakoutState
	json.Unmarshal([]byte(body), &s)
	return s, body
}

// openGroups opens groups of these users for seconds, failing the test
// unless it works.
func (sc *scene) openGroups(t *testing.T, seconds int, speak bool, groups ...[]*user) breakoutState {
	t.Helper()
	ids := make([][]string, len(groups))
	for i, g := range groups {
		for _, u := range g {
			ids[i] = append(ids[i], string(u.m.ID))
		}
	}
	req, _ := json.Marshal(map[string]any{"groups": ids, "seconds": seconds, "speak": speak})
	status, body := sc.mod.breakout(t, sc.rt, "open", string(req))
	if status != 200 {
		t.Fatalf("open groups: %d %s", status, body)
	}
	var s breakoutState
	json.Unmarshal([]byte(body), &s)
	return s
}

// errorOf returns the code and field of an API error body.
func errorOf(body string) (string, string) {
	var e struct{ Error struct{ Code, Field string } }
	json.Unmarshal([]byte(body), &e)
	return e.Error.Code, e.Error.Field
}

// connectWith connects to the media plane with a join answer's token.
func connectWith(t *testing.T, ja joinAnswer, cb *lksdk.RoomCallback) *lksdk.Room {
	t.Helper()
	room, err := lksdk.ConnectToRoomWithToken(ja.URL, ja.Token, cb, lksdk.WithAutoSubscribe(true))
	if err != nil {
		t.Fatalf("connecting to %s: %v", ja.Room, err)
	}
	t.Cleanup(room.Disconnect)
	return room
}

// TestBreakoutGroupsKeepTheRules runs two groups on the embedded SFU with
// the control plane's rules: each member's join lands in her group, where
// she hears her group and not the other; nobody takes another group's
// token, from the API or with a token made for it; a removed member is
// taken out of her group's room and kept out of it whatever token she
// holds; a broadcast reaches every group; a lock while everyone is in the
// groups lets them back; calling everyone back reaches the group rooms,
// closes them to held tokens and sends joins to the main room; it is all
// audited.
func TestBreakoutGroupsKeepTheRules(t *testing.T) {
	ts, cp := newRuledServer(t)
	sc := cp.scene(t, "small_round", false, "a@a.test", "b@b.test", "c@c.test", "d@d.test")
	a, b, c, d := sc.members[0], sc.members[1], sc.members[2], sc.members[3]
	sc.openGroups(t, 600, false, []*user{a, b}, []*user{c, d})
	g1, g2 := sc.room+".b1g1", sc.room+".b1g2"

	status, ja, body := a.joinTo(t, sc.rt, "")
	if status != 200 || ja.Room != g1 || ja.Group != "1" || !ja.Breakout.Open || ja.Breakout.MyGroup != "1" {
		t.Fatalf("a's join while groups are open: %d %s, want group 1's room %s", status, body, g1)
	}
	pub := publishMic(t, connectWith(t, ja, nil))
	bRec, cRec := newRecorder(), newRecorder()
	_, jb, _ := b.joinTo(t, sc.rt, "")
	connectWith(t, jb, bRec.callback())
	_, jc, _ := c.joinTo(t, sc.rt, "")
	if jc.Room != g2 {
		t.Fatalf("c's join: room %s, want %s", jc.Room, g2)
	}
	cRoom := connectWith(t, jc, cRec.callback())
	waitFor(t, 10*time.Second, receives(bRec, pub.SID()))
	if n := cRec.count(pub.SID()); n > 0 || cRoom.GetParticipantByIdentity(string(a.m.ID)) != nil {
		t.Errorf("c, in group 2, sees a of group 1 (%d packets)", n)
	}

	if status, _, body := c.joinTo(t, sc.rt, "?group=1"); status != 403 || !strings.Contains(body, `"not_in_group"`) {
		t.Errorf("c asks for group 1's token: %d %s, want 403 not_in_group", status, body)
	}
	if code, body := validateWith(t, ts, token(t, string(c.m.ID), grants{room: g1})); code != 403 || !strings.Contains(body, "not in this breakout group") {
		t.Errorf("the SFU with a token for another group: %d %q, want 403 naming the group", code, body)
	}
	if status, ja, _ := sc.mod.joinTo(t, sc.rt, "?group=2"); status != 200 || ja.Room != g2 {
		t.Errorf("the moderator visits group 2: %d %s", status, ja.Room)
	}
	if status, _, body := sc.mod.joinTo(t, sc.rt, "?group=9"); status != 422 || !strings.Contains(body, `"field":"group"`) {
		t.Errorf("the moderator asks for group 9: %d %s, want 422 on group", status, body)
	}
	if status, ja, _ := a.joinTo(t, sc.rt, "?group=main"); status != 200 || ja.Room != sc.room || ja.Group != "main" {
		t.Errorf("a asks for the main room: %d %s", status, ja.Room)
	}

	testRemovedFromHerGroup(t, ts, sc, d, g2)
	testStateShowsNamesOnly(t, sc, b)

	if status, body := sc.mod.breakout(t, sc.rt, "broadcast", `{"message":"あと2分です"}`); status != 200 || !strings.Contains(body, "あと2分です") {
		t.Fatalf("broadcast: %d %s", status, body)
	}
	waitFor(t, 5*time.Second, told(bRec, "あと2分です"))
	waitFor(t, 5*time.Second, told(cRec, "あと2分です"))
	testCallBack(t, ts, sc, b, bRec)
	_, audit := sc.mod.do(t, "GET", "/api/v1/roundtables/"+sc.rt+"/audit", "")
	for _, action := range []string{"breakout_open", "remove", "breakout_broadcast", "breakout_close"} {
		if !strings.Contains(audit, `"action":"`+action+`"`) {
			t.Errorf("the audit log lacks %s: %s", action, audit)
		}
	}
}

// testCallBack: the room is locked while everyone is in the groups, and
// the moderator calls them back: b, in group 1 (recording into bRec), is
// told; the group token she held no longer opens her group's room; her
// next join is for the main room, where the lock lets her back.
func testCallBack(t *testing.T, ts *testServer, sc *scene, b *user, bRec *recorder) {
	t.Helper()
	if s := sc.mod.moderate(t, sc.rt, `{"action":"lock","on":true}`); s != 200 {
		t.Fatalf("lock: %d", s)
	}
	_, bHeld, _ := b.token(t, sc.rt)
	if status, body := sc.mod.breakout(t, sc.rt, "close", ""); status != 200 || strings.Contains(body, `"open":true`) {
		t.Fatalf("close: %d %s", status, body)
	}
	waitFor(t, 5*time.Second, told(bRec, `"open":false`))
	if code, body := validateWith(t, ts, bHeld); code != 403 || !strings.Contains(body, "not open") {
		t.Errorf("the SFU with a group token after the close: %d %q, want 403", code, body)
	}
	if status, ja, body := b.joinTo(t, sc.rt, ""); status != 200 || ja.Room != sc.room {
		t.Errorf("b's join after the close, the room locked while she was in her group: %d %s, want the main room", status, body)
	}
}

// told reports "" once rec received a data message of topic breakout
// holding text.
func told(rec *recorder, text string) func() string {
	return func() string {
		rec.mu.Lock()
		defer rec.mu.Unlock()
		for i, p := range rec.data {
			if p.Topic == "breakout" && strings.Contains(rec.dataBody[i], text) {
				return ""
			}
		}
		return "no breakout message with " + text
	}
}

// testRemovedFromHerGroup: d, in group room g, is removed by the
// moderator: disconnected from her group's room, refused a token by the
// API, refused by the SFU with the group token she held, and gone from
// the groups.
func testRemovedFromHerGroup(t *testing.T, ts *testServer, sc *scene, d *user, g string) {
	t.Helper()
	var kicked atomic.Bool
	_, jd, _ := d.joinTo(t, sc.rt, "")
	connectWith(t, jd, &lksdk.RoomCallback{OnDisconnectedWithReason: func(r lksdk.DisconnectionReason) { kicked.Store(true) }})
	_, held, _ := d.token(t, sc.rt)
	sc.removeWherever(t, d)
	waitFor(t, 5*time.Second, func() string {
		if !kicked.Load() {
			return "the removed member is still in her group's room"
		}
		return ""
	})
	if status, _, body := d.joinTo(t, sc.rt, ""); status != 403 || !strings.Contains(body, `"removed"`) {
		t.Errorf("a removed member asks to join: %d %s", status, body)
	}
	// The SFU refuses it twice over: the token predates her removal from
	// the room (401), and the rules say she is removed (403).
	if code, body := validateWith(t, ts, held); (code != 401 && code != 403) || !strings.Contains(body, "removed") {
		t.Errorf("the SFU with the removed member's group token (%s): %d %q, want it refused as removed", g, code, body)
	}
	if code, body := validateWith(t, ts, token(t, string(d.m.ID), grants{room: sc.room + ".b1g1"})); code != 403 || !strings.Contains(body, "removed") {
		t.Errorf("the SFU with a fresh group token of the removed member: %d %q, want 403 removed", code, body)
	}
	if s, _ := sc.mod.breakoutState(t, sc.rt); slices.Contains(s.members("2"), string(d.m.ID)) {
		t.Errorf("the removed member is still in group 2: %v", s.members("2"))
	}
}

// removeWherever has the moderator remove u from the room she is in (a
// group's), trying again while the media plane does not list her yet.
func (sc *scene) removeWherever(t *testing.T, u *user) {
	t.Helper()
	waitFor(t, 10*time.Second, func() string {
		if s := sc.mod.moderate(t, sc.rt, `{"action":"remove","identity":"`+string(u.m.ID)+`"}`); s != 200 {
			return fmt.Sprintf("remove %s: %d", u.m.Email, s)
		}
		return ""
	})
}

// testStateShowsNamesOnly: what a member reads of the breakout holds ids
// and display names, and nothing else of anyone (no email, no company).
func testStateShowsNamesOnly(t *testing.T, sc *scene, u *user) {
	t.Helper()
	s, body := u.breakoutState(t, sc.rt)
	if !s.Open || s.MyGroup != "1" || len(s.Groups) != 2 {
		t.Fatalf("GET breakout as a member: %s", body)
	}
	var raw struct {
		Groups []struct{ Members []map[string]any }
	}
	json.Unmarshal([]byte(body), &raw)
	for _, g := range raw.Groups {
		for _, m := range g.Members {
			if len(m) != 2 || m["id"] == nil || m["display_name"] == nil {
				t.Errorf("a group member is shown with more than id and display_name: %v", m)
			}
		}
	}
	for _, other := range append([]*user{sc.mod}, sc.members...) {
		m, _ := sc.mod.cp.store.GetMember(t.Context(), other.m.ID)
		if strings.Contains(body, `"`+string(m.CompanyID)+`"`) && m.CompanyID != "" {
			t.Errorf("the breakout state shows a company id: %s", body)
		}
	}
	if strings.Contains(body, "email") || strings.Contains(body, "company") {
		t.Errorf("the breakout state names more than people's names: %s", body)
	}
}

// TestEndingTheRoundtableEndsItsGroups: the moderator's end disconnects
// everyone in the group rooms and no group token opens them again.
func TestEndingTheRoundtableEndsItsGroups(t *testing.T) {
	ts, cp := newRuledServer(t)
	sc := cp.scene(t, "small_round", false, "a@a.test", "b@b.test")
	a, b := sc.members[0], sc.members[1]
	sc.openGroups(t, 600, false, []*user{a}, []*user{b})
	var gone atomic.Bool
	_, ja, _ := a.joinTo(t, sc.rt, "")
	connectWith(t, ja, &lksdk.RoomCallback{OnDisconnected: func() { gone.Store(true) }})
	_, held, _ := b.token(t, sc.rt)
	if s := sc.mod.moderate(t, sc.rt, `{"action":"end"}`); s != 200 {
		t.Fatalf("end: %d", s)
	}
	waitFor(t, 5*time.Second, func() string {
		if !gone.Load() {
			return "a is still in her group's room after the end"
		}
		return ""
	})
	if code, body := validateWith(t, ts, held); code != 403 || !strings.Contains(body, "ended") {
		t.Errorf("the SFU with a group token after the end: %d %q, want 403 ended", code, body)
	}
	if s, body := sc.mod.breakoutState(t, sc.rt); s.Open {
		t.Errorf("the groups are open after the end: %s", body)
	}
}

// TestBreakoutStageListenerSpeaksOnlyIfAllowed: in a stage roundtable, a
// listener's group token lets her publish only when the moderator opened
// the groups with speak.
func TestBreakoutStageListenerSpeaksOnlyIfAllowed(t *testing.T) {
	_, cp := newRuledServer(t)
	sc := cp.scene(t, "stage", false, "l1@a.test", "l2@b.test")
	l1, l2 := sc.members[0], sc.members[1]
	publishes := func() error {
		_, ja, body := l1.joinTo(t, sc.rt, "")
		if ja.Group != "1" {
			t.Fatalf("l1's join: %s", body)
		}
		room := connectWith(t, ja, nil)
		defer room.Disconnect()
		_, err := room.LocalParticipant.PublishTrack(opusTrack(t), &lksdk.TrackPublicationOptions{Name: "mic", Source: livekit.TrackSource_MICROPHONE})
		return err
	}
	sc.openGroups(t, 600, false, []*user{l1}, []*user{l2})
	if err := publishes(); err == nil {
		t.Errorf("a listener published in her group without speak")
	}
	if status, body := sc.mod.breakout(t, sc.rt, "close", ""); status != 200 {
		t.Fatalf("close: %d %s", status, body)
	}
	if s := sc.openGroups(t, 600, true, []*user{l1}, []*user{l2}); !s.Speak || s.Round != 2 {
		t.Fatalf("second round with speak: %+v", s)
	}
	if err := publishes(); err != nil {
		t.Errorf("a listener could not publish in her group with speak: %v", err)
	}
	if status, ja, _ := l1.joinTo(t, sc.rt, "?group=main"); status != 200 || ja.Room != sc.room {
		t.Fatalf("l1 in the main room: %d %s", status, ja.Room)
	} else if connectWith(t, ja, nil).LocalParticipant.Permissions().GetCanPublish() {
		t.Errorf("speak in the groups let a listener publish in the main room")
	}
}

// plan asks for a plan and returns the ids of each group.
func (sc *scene) plan(t *testing.T, body string) [][]string {
	t.Helper()
	status, resp := sc.mod.breakout(t, sc.rt, "plan", body)
	if status != 200 {
		t.Fatalf("plan %s: %d %s", body, status, resp)
	}
	var p struct {
		Groups [][]struct{ ID, DisplayName string }
	}
	json.Unmarshal([]byte(resp), &p)
	out := make([][]string, len(p.Groups))
	for i, g := range p.Groups {
		for _, m := range g {
			out[i] = append(out[i], m.ID)
		}
	}
	return out
}

// companyOf returns the company of member id.
func companyOf(t *testing.T, cp *controlPlane, id string) rooms.CompanyID {
	m, err := cp.store.GetMember(t.Context(), rooms.MemberID(id))
	if err != nil {
		t.Fatal(err)
	}
	return m.CompanyID
}

// TestBreakoutPlanMixesCompanies: two colleagues of one company and two
// of another, in the main room in that order (cut in pairs, they would
// sit with their colleague), are planned in pairs of different
// companies; moderators are left out unless included; sizes stay even.
func TestBreakoutPlanMixesCompanies(t *testing.T) {
	_, cp := newRuledServer(t)
	sc := cp.scene(t, "small_round", false)
	for _, co := range []string{"alpha", "beta"} {
		id := rooms.NewCompanyID()
		cp.store.CreateCompany(t.Context(), &rooms.Company{ID: id, Name: co, Status: rooms.CompanyActive})
		for i := 1; i <= 2; i++ {
			u := cp.userIn(t, fmt.Sprintf("%s%d@%s.test", co, i, co), rooms.RoleMember, false, id)
			if s, b := u.do(t, "POST", "/api/v1/roundtables/"+sc.rt+"/register", ""); s != 200 {
				t.Fatalf("register: %d %s", s, b)
			}
			room, err := u.join(t, sc.rt, nil)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(room.Disconnect)
			sc.members = append(sc.members, u)
		}
	}
	plan := func(body string) [][]string { return sc.plan(t, body) }
	var groups [][]string
	waitFor(t, 5*time.Second, func() string { // every join seen by the media plane
		if groups = plan(`{"size":2}`); len(groups) != 2 || len(groups[0])+len(groups[1]) != 4 {
			return fmt.Sprintf("plan of four in pairs: %v", groups)
		}
		return ""
	})
	for _, g := range groups {
		if len(g) != 2 || companyOf(t, cp, g[0]) == companyOf(t, cp, g[1]) {
			t.Errorf("a planned pair is not of two companies: %v", groups)
		}
		if slices.Contains(g, string(sc.mod.m.ID)) {
			t.Errorf("the moderator was planned in without being included: %v", groups)
		}
	}
	groups = plan(`{"size":2,"include":["` + string(sc.mod.m.ID) + `"]}`)
	sizes := []int{}
	for _, g := range groups {
		sizes = append(sizes, len(g))
	}
	slices.Sort(sizes)
	if !slices.Equal(sizes, []int{2, 3}) || !slices.ContainsFunc(groups, func(g []string) bool { return slices.Contains(g, string(sc.mod.m.ID)) }) {
		t.Errorf("five people with the moderator included, in pairs: %v, want groups of 2 and 3 with the moderator", groups)
	}
}
