package storetest

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/zadankai/zadankai/rooms"
)

// RunBulk runs the suite of rooms.Bulk (moving a deployment, issue 15):
// the stores newOpener opens must implement it.
func RunBulk(t *testing.T, newOpener func(t *testing.T) Opener) {
	cases := []struct {
		name string
		fn   func(t *testing.T, from, to rooms.Store)
	}{
		{"EveryKindMovesWhole", testBulkEveryKind},
		{"SecondImportWritesNothing", testBulkIdempotent},
		{"ReplaceOverwrites", testBulkReplace},
		{"TakenEmailConflicts", testBulkConflict},
		{"BadInput", testBulkBadInput},
		{"Pages", testBulkPages},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			c.fn(t, mustOpen(t, newOpener(t)), mustOpen(t, newOpener(t)))
		})
	}
}

func bulk(t *testing.T, s rooms.Store) rooms.Bulk {
	t.Helper()
	b, ok := s.(rooms.Bulk)
	if !ok {
		t.Fatalf("%T does not implement rooms.Bulk", s)
	}
	return b
}

// ExportAll returns every record of every kind of s, each as its JSON
// by key: what a move must carry over unchanged.
func ExportAll(t *testing.T, s rooms.Store) map[rooms.Kind]map[string]string {
	t.Helper()
	out := map[rooms.Kind]map[string]string{}
	for _, k := range rooms.Kinds {
		out[k] = map[string]string{}
		err := bulk(t, s).ExportRecords(ctx(t), k, func(page []rooms.Record) error {
			for _, r := range page {
				if _, dup := out[k][r.RecordKey()]; dup {
					return fmt.Errorf("%s %s exported twice", k, r.RecordKey())
				}
				b, err := json.Marshal(r)
				if err != nil {
					return err
				}
				out[k][r.RecordKey()] = string(b)
			}
			return nil
		})
		if err != nil {
			t.Fatalf("ExportRecords(%s): %v", k, err)
		}
	}
	return out
}

// copyAll moves every record of from into to and returns how many each
// kind wrote.
func copyAll(t *testing.T, from, to rooms.Store, replace bool) map[rooms.Kind]int {
	t.Helper()
	written := map[rooms.Kind]int{}
	for _, k := range rooms.Kinds {
		err := bulk(t, from).ExportRecords(ctx(t), k, func(page []rooms.Record) error {
			n, err := bulk(t, to).ImportRecords(ctx(t), k, page, replace)
			written[k] += n
			return err
		})
		if err != nil {
			t.Fatalf("moving %s: %v", k, err)
		}
	}
	return written
}

// FillEveryKind writes at least one record of every kind through the
// store's own methods, as the server would.
func FillEveryKind(t *testing.T, s rooms.Store) {
	t.Helper()
	c := ctx(t)
	co := NewCompany("移行 KK")
	a, b := NewMember(co.ID, "a@move.example"), NewMember(co.ID, "b@move.example")
	r := newRoundtable(1)
	cs := newConsultation(a.ID, b.ID, time.Now().Add(72*time.Hour).Truncate(time.Hour))
	mustDo(t, s.CreateCompany(c, co))
	for _, m := range []*rooms.Member{a, b} {
		mustDo(t, s.CreateMember(c, m))
	}
	mustDo(t, s.CreateSession(c, &rooms.Session{ID: rooms.SessionIDFor("secret"), MemberID: a.ID, CSRFToken: "csrf",
		ExpiresAt: time.Now().Add(time.Hour)}))
	mustDo(t, s.CreatePasswordReset(c, &rooms.PasswordReset{TokenHash: "reset-hash", MemberID: b.ID, ExpiresAt: time.Now().Add(time.Hour)}))
	mustDo(t, s.CreateInvitation(c, &rooms.Invitation{ID: rooms.NewInvitationID(), TokenHash: "invite-hash", Email: "c@move.example",
		Role: rooms.RoleMember, CompanyID: co.ID, InvitedBy: a.ID, ExpiresAt: time.Now().Add(time.Hour)}))
	mustDo(t, s.ClaimOnce(c, "job:round:2026-12", time.Now()))
	mustDo(t, s.PutProfile(c, &rooms.Profile{MemberID: a.ID, Intro: "二児の母です", Industry: "it", JobLevel: 2}))
	mustDo(t, s.PutAvailability(c, &rooms.Availability{MemberID: a.ID, TimeZone: "Asia/Tokyo",
		Weekly: []rooms.Window{{Weekday: 1, Start: "12:00", End: "13:00"}}}))
	mustDo(t, s.PutPhoto(c, a.ID, []byte{0xff, 0xd8, 1, 2}))
	mustDo(t, s.CreateConsultation(c, cs))
	book(cs, cs.Proposed[0])
	mustDo(t, s.UpdateConsultationTime(c, cs, cs.TimeKeys(), nil))
	mustDo(t, s.CreateBlock(c, &rooms.Block{BlockerID: b.ID, BlockedID: "mb_other"}))
	mustDo(t, s.CreateFeedback(c, &rooms.Feedback{ConsultationID: cs.ID, AuthorID: a.ID, Rating: 5, Tags: []string{"helpful"}}))
	mustDo(t, s.SaveRecommendation(c, &rooms.Recommendation{MemberID: a.ID, MadeAt: time.Now(),
		Candidates: []rooms.Candidate{{MemberID: b.ID, Score: 0.5}}}))
	mustDo(t, s.CreateRoundtable(c, r))
	for _, m := range []*rooms.Member{a, b} { // one seated, one waiting
		mustDo(t, s.RegisterSeat(c, &rooms.Registration{RoundtableID: r.ID, MemberID: m.ID, CompanyID: co.ID}))
	}
	mustDo(t, s.AppendAudit(c, &rooms.AuditEntry{ID: rooms.NewAuditID(), RoundtableID: r.ID, ActorID: a.ID, Action: "mute", At: time.Now()}))
	mustDo(t, s.CreateRoundtableFeedback(c, &rooms.RoundtableFeedback{RoundtableID: r.ID, AuthorID: a.ID, AuthorCompany: co.ID, Rating: 4}))
	_, err := s.PublishMonthStats(c, co.ID, monthStats("2026-11", 4.2))
	mustDo(t, err)
	_, err = s.TakeLease(c, &rooms.Lease{Key: "reminder:move", Holder: "node-a", Until: time.Now().Add(time.Hour), Done: true}, time.Now())
	mustDo(t, err)
	_, err = s.TakeLease(c, &rooms.Lease{Key: "node:a", Holder: "node-a", Until: time.Now().Add(time.Hour)}, time.Now()) // live: stays
	mustDo(t, err)
	fillNotifications(t, s, a.ID)
	fillQA(t, s, r.ID, a.ID, b.ID)
}

// fillQA writes an anonymous question put on screen with b's vote, and
// a closed poll both answered (issue 16).
func fillQA(t *testing.T, s rooms.Store, r rooms.RoundtableID, a, b rooms.MemberID) {
	c := ctx(t)
	q := &rooms.Question{ID: rooms.NewQuestionID(), RoundtableID: r, AuthorID: a, Text: "時短勤務と昇進は両立できますか", Anonymous: true, State: rooms.QuestionOpen}
	mustDo(t, s.CreateQuestion(c, q))
	mustDo(t, s.SetQuestionState(c, q.ID, rooms.QuestionOnScreen))
	mustDo(t, s.VoteQuestion(c, q.ID, b, true))
	p := &rooms.Poll{ID: rooms.NewPollID(), RoundtableID: r, Question: "今日のテーマは？", Choices: []string{"昇進", "復職", "介護"},
		Multiple: true, CreatedBy: a}
	mustDo(t, s.CreatePoll(c, p))
	mustDo(t, s.CastBallot(c, &rooms.Ballot{PollID: p.ID, MemberID: a, Choices: []int{0, 2}}))
	mustDo(t, s.CastBallot(c, &rooms.Ballot{PollID: p.ID, MemberID: b, Choices: []int{1}}))
	mustDo(t, s.ClosePoll(c, p.ID, time.Now()))
}

// checkQAMoved: on the target the room sees the question on screen with
// its vote, operators still find its author, nobody votes twice, and the
// closed poll counts both ballots.
func checkQAMoved(t *testing.T, to rooms.Store, a, b rooms.MemberID) {
	t.Helper()
	c := ctx(t)
	var r rooms.RoundtableID
	err := bulk(t, to).ExportRecords(c, rooms.KindQuestions, func(page []rooms.Record) error {
		r = page[0].(*rooms.Question).RoundtableID
		return nil
	})
	mustDo(t, err)
	qs, err := to.ListQuestions(c, r)
	if err != nil || len(qs) != 1 || qs[0].State != rooms.QuestionOnScreen || qs[0].AuthorID != a || !slices.Equal(qs[0].Voters, []rooms.MemberID{b}) {
		t.Fatalf("moved questions = %+v, %v; want the one on screen, its author and b's vote", qs, err)
	}
	if err := to.VoteQuestion(c, qs[0].ID, b, true); !errors.Is(err, rooms.ErrConflict) {
		t.Errorf("b voting again after the move = %v, want ErrConflict", err)
	}
	polls, err := to.ListPolls(c, r, time.Now().Add(-time.Hour), time.Now().Add(time.Hour))
	if err != nil || len(polls) != 1 || !polls[0].Closed {
		t.Fatalf("moved polls = %+v, %v; want the closed one", polls, err)
	}
	ballots, err := to.ListBallots(c, polls[0].ID)
	mustDo(t, err)
	if counts, voters := polls[0].Tally(ballots); voters != 2 || !slices.Equal(counts, []int{1, 1, 1}) {
		t.Errorf("moved poll tallies %v by %d, want [1 1 1] by 2", counts, voters)
	}
	if err := to.CastBallot(c, &rooms.Ballot{PollID: polls[0].ID, MemberID: a, Choices: []int{1}}); !errors.Is(err, rooms.ErrConflict) {
		t.Errorf("a casting a second ballot after the move = %v, want ErrConflict", err)
	}
}

// fillNotifications writes a device, preferences, the push keys and a
// notice held for the morning (issue 17).
func fillNotifications(t *testing.T, s rooms.Store, m rooms.MemberID) {
	c := ctx(t)
	mustDo(t, s.SavePushSubscription(c, NewPushSubscription(m, "https://push.example/ep/move")))
	p := rooms.DefaultNoticePrefs(m)
	p.Channels[rooms.NoticeRequests], p.ShowNames = rooms.ChannelEmail, true
	mustDo(t, s.PutNoticePrefs(c, p))
	_, err := s.EnsureVAPIDKeys(c, &rooms.VAPIDKeys{Public: "public-key", Private: "private-key"})
	mustDo(t, err)
	mustDo(t, s.HoldNotice(c, &rooms.HeldNotice{ID: rooms.NewHeldNoticeID(), MemberID: m, Due: time.Now().Add(8 * time.Hour),
		Notice: rooms.Notice{Event: rooms.EventRequest, Name: "佐藤 恵", Path: "/consultations"},
		Mail:   &rooms.Email{To: "a@move.example", Subject: "相談の申し込み", Text: "本文"}}))
}

func testBulkEveryKind(t *testing.T, from, to rooms.Store) {
	FillEveryKind(t, from)
	want := ExportAll(t, from)
	for _, k := range rooms.Kinds {
		if len(want[k]) == 0 {
			t.Fatalf("no %s exported: the fill or the export misses a kind", k)
		}
	}
	c := ctx(t)
	stamp, err := to.ListStamp(c)
	mustDo(t, err)
	copyAll(t, from, to, false)
	if got := ExportAll(t, to); !equalExports(t, got, want) {
		t.Fatal("the moved records differ from the source's")
	}
	// The target's own reads find what was moved: the login, the seat
	// queue in order, the seat counts lists show, the booked time.
	se, err := to.GetSession(c, rooms.SessionIDFor("secret"))
	mustDo(t, err)
	m, err := to.GetMemberByEmail(c, "b@move.example")
	mustDo(t, err)
	regs, err := to.ListMemberRegistrations(c, m.ID)
	if err != nil || len(regs) != 1 || regs[0].Status != rooms.Waitlisted {
		t.Errorf("moved registrations of b = %v, %v; want her place on the waiting list", regs, err)
	} else {
		counts, err := to.CountSeats(c, []rooms.RoundtableID{regs[0].RoundtableID})
		if got := counts[regs[0].RoundtableID]; err != nil || got != (rooms.SeatCount{Seated: 1, Waiting: 1}) {
			t.Errorf("moved roundtable's seat counts = %+v, %v; want one seated, one waiting", got, err)
		}
	}
	if after, err := to.ListStamp(c); err != nil || after == stamp {
		t.Errorf("list stamp after the move = %q (%v), before %q: lists would not show what was moved", after, err, stamp)
	}
	checkQAMoved(t, to, se.MemberID, m.ID)
	mine, err := to.ListMemberConsultations(c, se.MemberID)
	if err != nil || len(mine) != 1 || mine[0].Booked == nil {
		t.Fatalf("moved consultations of a = %v, %v; want the booked one", mine, err)
	}
	if keys := claimKeys(t, to); len(keys) == 0 {
		t.Error("the booked time was not held on the target")
	}
	// The moved booking owns its time there: cancelling frees it.
	mine[0].Status = rooms.StatusCancelled
	mustDo(t, to.UpdateConsultationTime(c, mine[0], nil, mine[0].TimeKeys()))
	if keys := claimKeys(t, to); len(keys) != 0 {
		t.Errorf("cancelling the moved booking left its time held: %v", keys)
	}
	// A finished job stays finished there; a running server's lease stays behind.
	if l, err := to.GetLease(c, "reminder:move"); err != nil || !l.Done {
		t.Errorf("moved done lease = %+v, %v; want it done on the target", l, err)
	}
	if l, err := to.GetLease(c, "node:a"); !errors.Is(err, rooms.ErrNotFound) {
		t.Errorf("a live lease moved: %+v, %v", l, err)
	}
}

func equalExports(t *testing.T, got, want map[rooms.Kind]map[string]string) bool {
	t.Helper()
	same := true
	for _, k := range rooms.Kinds {
		for key, w := range want[k] {
			if g := got[k][key]; g != w {
				t.Errorf("%s %s:\n got %s\nwant %s", k, key, g, w)
				same = false
			}
		}
		if len(got[k]) != len(want[k]) {
			t.Errorf("%s: %d records, want %d", k, len(got[k]), len(want[k]))
			same = false
		}
	}
	return same
}

func testBulkIdempotent(t *testing.T, from, to rooms.Store) {
	FillEveryKind(t, from)
	copyAll(t, from, to, false)
	first := ExportAll(t, to)
	for k, n := range copyAll(t, from, to, false) {
		if n != 0 {
			t.Errorf("second import of %s wrote %d records, want 0", k, n)
		}
	}
	if !equalExports(t, ExportAll(t, to), first) {
		t.Error("a second import changed the target")
	}
}

func testBulkReplace(t *testing.T, from, to rooms.Store) {
	c := ctx(t)
	co := NewCompany("Old name")
	mustDo(t, from.CreateCompany(c, co))
	copyAll(t, from, to, false)
	co.Name = "New name"
	mustDo(t, from.UpdateCompany(c, co))
	if n := copyAll(t, from, to, false)[rooms.KindCompanies]; n != 0 {
		t.Errorf("import without replace wrote %d, want 0", n)
	}
	if got, err := to.GetCompany(c, co.ID); err != nil || got.Name != "Old name" {
		t.Errorf("without replace: %+v, %v; want the target's record left alone", got, err)
	}
	if n := copyAll(t, from, to, true)[rooms.KindCompanies]; n != 1 {
		t.Errorf("import with replace wrote %d, want 1", n)
	}
	if got, err := to.GetCompany(c, co.ID); err != nil || got.Name != "New name" || got.Version != 2 {
		t.Errorf("with replace: %+v, %v; want the source's name and version 2", got, err)
	}
}

func testBulkConflict(t *testing.T, _, to rooms.Store) {
	c := ctx(t)
	co := NewCompany("KK")
	taken := NewMember(co.ID, "same@move.example")
	mustDo(t, to.CreateMember(c, taken))
	other := NewMember(co.ID, "same@move.example")
	_, err := bulk(t, to).ImportRecords(c, rooms.KindMembers, []rooms.Record{other}, false)
	var ce *rooms.ConflictError
	if !errors.As(err, &ce) || ce.Field != "email" {
		t.Errorf("importing another member with a taken email = %v, want a conflict on email", err)
	}
	if _, err := to.GetMember(c, other.ID); !errors.Is(err, rooms.ErrNotFound) {
		t.Errorf("the conflicting member was written: %v", err)
	}
}

func testBulkBadInput(t *testing.T, _, to rooms.Store) {
	c := ctx(t)
	if _, err := bulk(t, to).ImportRecords(c, rooms.KindMembers, []rooms.Record{NewCompany("not a member")}, false); !errors.Is(err, rooms.ErrInvalid) {
		t.Errorf("a company imported as a member = %v, want ErrInvalid", err)
	}
	if list, _ := to.ListCompanies(c); len(list) != 0 {
		t.Errorf("the wrong record was written: %v", list)
	}
	err := bulk(t, to).ExportRecords(c, "nonsense", func([]rooms.Record) error { return nil })
	if !errors.Is(err, rooms.ErrInvalid) {
		t.Errorf("export of an unknown kind = %v, want ErrInvalid", err)
	}
}

// testBulkPages: more records than a page all come, each once, in pages
// no larger than BulkPage.
func testBulkPages(t *testing.T, from, _ rooms.Store) {
	c := ctx(t)
	n := rooms.BulkPage + 3
	var want []string
	for i := range n {
		e := &rooms.AuditEntry{ID: fmt.Sprintf("au_%04d", i), RoundtableID: "rt_pages", ActorID: "mb_x", Action: "mute", At: time.Now()}
		want = append(want, e.ID)
		mustDo(t, from.AppendAudit(c, e))
	}
	var got []string
	err := bulk(t, from).ExportRecords(c, rooms.KindAudit, func(page []rooms.Record) error {
		if len(page) > rooms.BulkPage {
			return fmt.Errorf("a page of %d", len(page))
		}
		for _, r := range page {
			got = append(got, r.RecordKey())
		}
		return nil
	})
	mustDo(t, err)
	slices.Sort(got)
	if !slices.Equal(got, want) {
		t.Errorf("exported %d audit entries, want %d each once", len(got), n)
	}
}
