package storetest

import (
	"testing"
	"time"

	"github.com/zadankai/zadankai/rooms"
)

// testListStamp: every kind of write a roundtable list shows gives a new
// list stamp (so no list built before it is served after it), and reads
// and sessions (a login storm) leave the stamp, so lists stay built.
func testListStamp(t *testing.T, open Opener, _ Options) {
	s, c := mustOpen(t, open), ctx(t)
	stamp := func() string {
		t.Helper()
		v, err := s.ListStamp(c)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	last := stamp()
	step := func(what string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		if now := stamp(); now == last {
			t.Errorf("%s left the list stamp at %q", what, now)
		} else {
			last = now
		}
	}
	co := NewCompany("Stamp KK")
	if err := s.CreateCompany(c, co); err != nil {
		t.Fatal(err)
	}
	m := NewMember(co.ID, "stamp@example.com")
	step("CreateMember", s.CreateMember(c, m))
	m.DisplayName = "新しい名前"
	step("UpdateMember", s.UpdateMember(c, m))
	step("PutProfile", s.PutProfile(c, rooms.NewProfile(m.ID)))
	step("PutPhoto", s.PutPhoto(c, m.ID, []byte{0xff, 0xd8}))
	r := newRoundtable(1)
	step("CreateRoundtable", s.CreateRoundtable(c, r))
	r.Title = "題名を変えました"
	_, err := s.UpdateRoundtable(c, r)
	step("UpdateRoundtable", err)
	_, err = rooms.Register(c, s, r, m, time.Now())
	step("Register", err)
	_, _, err = rooms.Withdraw(c, s, r, m.ID)
	step("Withdraw", err)
	step("CreateRoundtableFeedback", s.CreateRoundtableFeedback(c, &rooms.RoundtableFeedback{RoundtableID: r.ID, AuthorID: m.ID,
		AuthorCompany: co.ID, Rating: 4, Tags: []string{}, Axis: r.Axis, Themes: r.Themes}))
	step("DeleteMemberData", s.DeleteMemberData(c, m.ID))

	ses := &rooms.Session{ID: rooms.SessionIDFor(rooms.NewSecret()), MemberID: m.ID, CSRFToken: "x", ExpiresAt: time.Now().Add(time.Hour)}
	for what, err := range map[string]error{"CreateSession": s.CreateSession(c, ses), "DeleteSession": s.DeleteSession(c, ses.ID)} {
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	_, err1 := s.ListRoundtables(c, time.Now(), time.Now().AddDate(0, 0, 90))
	_, err2 := s.CountSeats(c, []rooms.RoundtableID{r.ID})
	_, err3 := s.ListStandings(c, m.ID)
	_, err4 := s.GetMembers(c, []rooms.MemberID{m.ID})
	if err1 != nil || err2 != nil || err3 != nil || err4 != nil {
		t.Fatal(err1, err2, err3, err4)
	}
	if now := stamp(); now != last {
		t.Errorf("reads and sessions changed the list stamp (%q → %q): lists would be rebuilt for nothing", last, now)
	}
}
