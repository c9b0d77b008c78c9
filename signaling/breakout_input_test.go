package signaling_test

import (
	"strings"
	"testing"

	"github.com/zadankai/zadankai/rooms"
)

// TestBreakoutBadInputChangesNothing: every malformed or refused
// breakout request gets a 4xx with a stable code and the field at fault,
// and leaves the breakout (and the audit log) as it was.
func TestBreakoutBadInputChangesNothing(t *testing.T) {
	_, cp := newRuledServer(t)
	sc := cp.scene(t, "small_round", false, "a@a.test", "b@b.test", "c@c.test")
	a, b, c := sc.members[0], sc.members[1], sc.members[2]
	outsider := cp.user(t, "outsider@x.test", rooms.RoleMember, false)
	removed := cp.user(t, "removed@r.test", rooms.RoleMember, false)
	if s, body := removed.do(t, "POST", "/api/v1/roundtables/"+sc.rt+"/register", ""); s != 200 {
		t.Fatalf("register: %d %s", s, body)
	}
	sc.removeOutright(t, removed)
	A, B := string(a.m.ID), string(b.m.ID)
	before := []refusal{
		{"a member opens", "open", `{"groups":[["` + A + `"],["` + B + `"]],"seconds":60}`, a, 403, "forbidden", ""},
		{"one group", "open", `{"groups":[["` + A + `","` + B + `"]],"seconds":60}`, nil, 422, "out_of_range", "groups"},
		{"an empty group", "open", `{"groups":[["` + A + `"],[]],"seconds":60}`, nil, 422, "empty", "groups[1]"},
		{"someone unknown", "open", `{"groups":[["` + A + `","mb_nobody"],["` + B + `"]],"seconds":60}`, nil, 422, "not_a_participant", "groups[0][1]"},
		{"someone not registered", "open", `{"groups":[["` + A + `"],["` + string(outsider.m.ID) + `"]],"seconds":60}`, nil, 422, "not_a_participant", "groups[1][0]"},
		{"someone removed", "open", `{"groups":[["` + A + `"],["` + string(removed.m.ID) + `"]],"seconds":60}`, nil, 422, "not_a_participant", "groups[1][0]"},
		{"someone twice", "open", `{"groups":[["` + A + `"],["` + A + `"]],"seconds":60}`, nil, 422, "duplicate", "groups[1][0]"},
		{"too short", "open", `{"groups":[["` + A + `"],["` + B + `"]],"seconds":10}`, nil, 422, "out_of_range", "seconds"},
		{"too long", "open", `{"groups":[["` + A + `"],["` + B + `"]],"seconds":3601}`, nil, 422, "out_of_range", "seconds"},
		{"seconds as text", "open", `{"groups":[["` + A + `"],["` + B + `"]],"seconds":"60"}`, nil, 400, "wrong_type", "seconds"},
		{"groups as objects", "open", `{"groups":[{"a":1}],"seconds":60}`, nil, 400, "wrong_type", "groups"},
		{"an unknown field", "open", `{"groups":[["` + A + `"],["` + B + `"]],"seconds":60,"x":1}`, nil, 400, "unknown_field", "x"},
		{"not JSON", "open", `{"groups":`, nil, 400, "malformed_json", ""},
		{"move with nothing open", "move", `{"member_id":"` + A + `","group":"1"}`, nil, 409, "breakout_closed", ""},
		{"close with nothing open", "close", ``, nil, 409, "breakout_closed", ""},
		{"plan too small", "plan", `{"size":1}`, nil, 422, "out_of_range", "size"},
		{"plan too big", "plan", `{"size":7}`, nil, 422, "out_of_range", "size"},
		{"plan including a stranger", "plan", `{"size":2,"include":["mb_nobody"]}`, nil, 422, "not_a_participant", "include[0]"},
		{"a member plans", "plan", `{"size":2}`, a, 403, "forbidden", ""},
	}
	sc.expectRefused(t, before)
	if s, body := sc.mod.breakoutState(t, sc.rt); s.Open || s.Round != 0 || len(s.Groups) != 0 {
		t.Errorf("refused requests changed the breakout: %s", body)
	}
	open := sc.openGroups(t, 600, false, []*user{a, b}, []*user{c})
	long := strings.Repeat("あ", 201)
	during := []refusal{
		{"open twice", "open", `{"groups":[["` + A + `"],["` + B + `"]],"seconds":60}`, nil, 409, "breakout_open", ""},
		{"move to no group", "move", `{"member_id":"` + A + `","group":"9"}`, nil, 422, "unknown_value", "group"},
		{"move a stranger", "move", `{"member_id":"mb_nobody","group":"2"}`, nil, 422, "not_a_participant", "member_id"},
		{"a member moves", "move", `{"member_id":"` + A + `","group":"2"}`, a, 403, "forbidden", ""},
		{"an empty broadcast", "broadcast", `{"message":"  "}`, nil, 422, "required", "message"},
		{"a long broadcast", "broadcast", `{"message":"` + long + `"}`, nil, 422, "too_long", "message"},
		{"a broadcast on two lines", "broadcast", `{"message":"a\nb"}`, nil, 422, "invalid_characters", "message"},
		{"a member broadcasts", "broadcast", `{"message":"hi"}`, b, 403, "forbidden", ""},
		{"extend too much", "extend", `{"seconds":5000}`, nil, 422, "out_of_range", "seconds"},
		{"extend by nothing", "extend", `{}`, nil, 422, "out_of_range", "seconds"},
		{"a member closes", "close", ``, c, 403, "forbidden", ""},
	}
	sc.expectRefused(t, during)
	if s, body := sc.mod.breakoutState(t, sc.rt); !s.Open || s.Round != 1 || !s.EndsAt.Equal(open.EndsAt) || s.Message != "" ||
		len(s.members("1")) != 2 || len(s.members("2")) != 1 {
		t.Errorf("refused requests changed the open breakout: %s", body)
	}
	testBreakoutClosedToOutsiders(t, sc, outsider, removed)
}

// testBreakoutClosedToOutsiders: someone not registered and someone
// removed do not read the breakout; the refusals left one audit entry,
// the opening.
func testBreakoutClosedToOutsiders(t *testing.T, sc *scene, outsider, removed *user) {
	t.Helper()
	if status, body := outsider.do(t, "GET", "/api/v1/roundtables/"+sc.rt+"/breakout", ""); status != 403 {
		t.Errorf("someone not registered reads the breakout: %d %s", status, body)
	}
	if status, body := removed.do(t, "GET", "/api/v1/roundtables/"+sc.rt+"/breakout", ""); status != 403 || !strings.Contains(body, `"removed"`) {
		t.Errorf("a removed member reads the breakout: %d %s", status, body)
	}
	_, audit := sc.mod.do(t, "GET", "/api/v1/roundtables/"+sc.rt+"/audit", "")
	if n := strings.Count(audit, `"action":"breakout_`); n != 1 {
		t.Errorf("the audit log has %d breakout entries, want the one opening: %s", n, audit)
	}
}

// refusal is a breakout request that must be refused, and how.
type refusal struct {
	name, action, body string
	who                *user // nil: the moderator
	status             int
	code, field        string
}

// expectRefused sends each request and checks its refusal.
func (sc *scene) expectRefused(t *testing.T, cases []refusal) {
	t.Helper()
	for _, tc := range cases {
		who := tc.who
		if who == nil {
			who = sc.mod
		}
		status, body := who.breakout(t, sc.rt, tc.action, tc.body)
		if code, field := errorOf(body); status != tc.status || code != tc.code || field != tc.field {
			t.Errorf("%s: %d %s, want %d %s on %q", tc.name, status, body, tc.status, tc.code, tc.field)
		}
	}
}

// removeOutright marks u removed from the roundtable, as a moderator's
// removal does, without her being in the room.
func (sc *scene) removeOutright(t *testing.T, u *user) {
	t.Helper()
	r, err := sc.mod.cp.store.GetRoundtable(t.Context(), rooms.RoundtableID(sc.rt))
	if err != nil {
		t.Fatal(err)
	}
	r.Live.Removed = append(r.Live.Removed, u.m.ID)
	if _, err := sc.mod.cp.store.UpdateRoundtable(t.Context(), r); err != nil {
		t.Fatal(err)
	}
}
