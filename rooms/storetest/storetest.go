// Package storetest is the conformance suite every rooms.Store
// implementation must pass. Only _test.go files import it.
package storetest

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/zadankai/zadankai/rooms"
)

// Opener opens a store on the same underlying data every time it is called,
// so the suite can close a store and reopen it (restart persistence).
type Opener func(t *testing.T) rooms.Store

// Options describe what a backend cannot do, with the reason shown when
// the suite skips that part.
type Options struct {
	// LosesConcurrentUpdates is set for backends that lose concurrent
	// compare-and-set updates of one record (FerretDB, see storage.md).
	LosesConcurrentUpdates string
}

// Run runs the whole suite. newOpener is called once per subtest and must
// return an Opener bound to fresh, empty data.
func Run(t *testing.T, newOpener func(t *testing.T) Opener, opt Options) {
	cases := []struct {
		name string
		fn   func(t *testing.T, open Opener, opt Options)
	}{
		{"Companies", testCompanies},
		{"Members", testMembers},
		{"MemberEmailConflict", testMemberEmailConflict},
		{"Sessions", testSessions},
		{"RestartPersistence", testRestart},
		{"ConcurrentUniqueClaim", testConcurrentUniqueClaim},
		{"ConcurrentUpdatesNoneLost", testConcurrentUpdates},
		{"Invitations", testInvitations},
		{"PasswordResetsAndSessions", testPasswordResetsAndSessions},
		{"ClaimOnceConcurrent", testClaimOnce},
		{"Profiles", testProfiles},
		{"AvailabilityAndPhotos", testAvailabilityAndPhotos},
		{"Consultations", testConsultations},
		{"BlocksFeedbackRecommendations", testBlocksFeedbackRecommendations},
		{"DeleteMemberData", testDeleteMemberData},
		{"Roundtables", testRoundtables},
		{"BreakoutRoundTrip", testBreakoutRoundTrip},
		// Roundtable feedback and audit pages (issue 6).
		{"RoundtableFeedback", testRoundtableFeedback},
		{"AuditPages", testAuditPages},
		{"CapacityUnderConcurrency", testCapacityUnderConcurrency},
		{"Audit", testAudit},
		// control plane, second pass
		{"InvitationRevoked", testInvitationRevoked},
		{"HasFeedback", testHasFeedback},
		// published monthly figures (issue 12)
		{"PublishedStats", testPublishedStats},
		// nothing lost, nothing leaked on a crash (issue 12)
		{"SeatSequences", testSeatSequences},
		{"SeatsUnderConcurrency", testSeatsUnderConcurrency},
		{"ConsultationTime", testConsultationTime},
		{"RepairTimeClaims", testRepairTimeClaims},
		{"FeedbackBy", testFeedbackBy},
		// people first (issue 14): bookings move only when both agree,
		// a capacity raised seats those waiting
		{"ConsultationMove", testConsultationMove},
		{"CapacityGrowthPromotes", testCapacityGrowthPromotes},
		// the roundtable list in a few reads (issue 13)
		{"BatchReads", testBatchReads},
		{"SeatCountsAndStandings", testSeatCountsAndStandings},
		{"ListStamp", testListStamp},
		// notifications (issue 17)
		{"PushSubscriptions", testPushSubscriptions},
		{"NoticePrefs", testNoticePrefs},
		{"DevicesGoWithMemberData", testDevicesGoWithMemberData},
		{"VAPIDKeys", testVAPIDKeys},
		{"HeldNotices", testHeldNotices},
		// anonymous questions and quick polls (issue 16)
		{"Questions", testQuestions},
		{"QuestionVotesConcurrent", testQuestionVotesConcurrent},
		{"Polls", testPolls},
		// replicas on one store (issue 15)
		{"Leases", testLeases},
		{"LeaseTakenOnce", testLeaseTakenOnce},
		// media rooms seen through the media plane's events (issue 15)
		{"RoomPresence", testRoomPresence},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { c.fn(t, newOpener(t), opt) })
	}
}

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	return c
}

func mustOpen(t *testing.T, open Opener) rooms.Store {
	t.Helper()
	s := open(t)
	t.Cleanup(func() { _ = s.Close(context.Background()) })
	return s
}

// NewCompany returns a valid company for tests.
func NewCompany(name string) *rooms.Company {
	return &rooms.Company{ID: rooms.NewCompanyID(), Name: name, Status: rooms.CompanyActive}
}

// NewMember returns a valid member of company for tests.
func NewMember(company rooms.CompanyID, email string) *rooms.Member {
	m := &rooms.Member{ID: rooms.NewMemberID(), CompanyID: company, Email: email,
		DisplayName: "Test " + email, Role: rooms.RoleMember}
	if err := m.Validate(); err != nil {
		panic(err) // test data is ours; a failure here is a bug in the suite
	}
	return m
}

func testCompanies(t *testing.T, open Opener, _ Options) {
	s, c := mustOpen(t, open), ctx(t)
	b := NewCompany("Beta KK")
	a := NewCompany("Alpha Inc")
	for _, co := range []*rooms.Company{b, a} {
		if err := s.CreateCompany(c, co); err != nil {
			t.Fatalf("CreateCompany(%s): %v", co.Name, err)
		}
	}
	if a.Version != 1 || a.CreatedAt.IsZero() {
		t.Errorf("after create: version %d, created %v; want 1 and a time", a.Version, a.CreatedAt)
	}
	if err := s.CreateCompany(c, &rooms.Company{ID: a.ID, Name: "Dup", Status: rooms.CompanyTrial}); !errors.Is(err, rooms.ErrConflict) {
		t.Errorf("CreateCompany with a taken id: %v, want ErrConflict", err)
	}
	got, err := s.GetCompany(c, a.ID)
	if err != nil || got.Name != "Alpha Inc" || got.Status != rooms.CompanyActive || !got.CreatedAt.Equal(a.CreatedAt) {
		t.Fatalf("GetCompany = %+v, %v; want %+v", got, err, a)
	}
	list, err := s.ListCompanies(c)
	if err != nil || len(list) != 2 || list[0].Name != "Alpha Inc" || list[1].Name != "Beta KK" {
		t.Fatalf("ListCompanies = %v, %v; want Alpha then Beta", names(list), err)
	}
	stale := *got
	got.Status = rooms.CompanyEnded
	if err := s.UpdateCompany(c, got); err != nil || got.Version != 2 {
		t.Fatalf("UpdateCompany: %v (version %d), want nil and version 2", err, got.Version)
	}
	stale.Name = "Lost write"
	if err := s.UpdateCompany(c, &stale); !errors.Is(err, rooms.ErrConflict) {
		t.Errorf("UpdateCompany with a stale version: %v, want ErrConflict", err)
	}
	again, _ := s.GetCompany(c, a.ID)
	if again.Status != rooms.CompanyEnded || again.Name != "Alpha Inc" || again.Version != 2 {
		t.Errorf("after updates: %+v; want status ended, name kept, version 2", again)
	}
	if _, err := s.GetCompany(c, rooms.NewCompanyID()); !errors.Is(err, rooms.ErrNotFound) {
		t.Errorf("GetCompany(unknown) = %v, want ErrNotFound", err)
	}
	ghost := NewCompany("Ghost")
	if err := s.UpdateCompany(c, ghost); !errors.Is(err, rooms.ErrNotFound) {
		t.Errorf("UpdateCompany(unknown) = %v, want ErrNotFound", err)
	}
}

func names(cs []*rooms.Company) []string {
	var out []string
	for _, c := range cs {
		out = append(out, c.Name)
	}
	return out
}

func testMembers(t *testing.T, open Opener, _ Options) {
	s, c := mustOpen(t, open), ctx(t)
	co, other := NewCompany("A"), NewCompany("B")
	for _, x := range []*rooms.Company{co, other} {
		if err := s.CreateCompany(c, x); err != nil {
			t.Fatal(err)
		}
	}
	m1 := NewMember(co.ID, "hanako@example.com")
	m1.Moderator, m1.PasswordHash, m1.Locale = true, "$2a$hash", "en"
	m2 := NewMember(co.ID, "taro@example.com")
	m3 := NewMember(other.ID, "jiro@example.com")
	for _, m := range []*rooms.Member{m1, m2, m3} {
		if err := s.CreateMember(c, m); err != nil {
			t.Fatalf("CreateMember(%s): %v", m.Email, err)
		}
	}
	got, err := s.GetMember(c, m1.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Email != m1.Email || !got.Moderator || got.PasswordHash != "$2a$hash" || got.Locale != "en" ||
		got.TimeZone != "Asia/Tokyo" || got.CompanyID != co.ID || got.Role != rooms.RoleMember || got.Version != 1 {
		t.Errorf("GetMember = %+v, want the fields written (%+v)", got, m1)
	}
	byEmail, err := s.GetMemberByEmail(c, "  HANAKO@Example.com ")
	if err != nil || byEmail.ID != m1.ID {
		t.Errorf("GetMemberByEmail (case, spaces) = %v, %v; want %s", byEmail, err, m1.ID)
	}
	if _, err := s.GetMemberByEmail(c, "nobody@example.com"); !errors.Is(err, rooms.ErrNotFound) {
		t.Errorf("GetMemberByEmail(unknown) = %v, want ErrNotFound", err)
	}
	list, err := s.ListMembersByCompany(c, co.ID)
	if err != nil || len(list) != 2 {
		t.Fatalf("ListMembersByCompany = %d members, %v; want 2 (other companies' members excluded)", len(list), err)
	}
	for _, m := range list {
		if m.CompanyID != co.ID {
			t.Errorf("ListMembersByCompany leaked %s of company %s", m.Email, m.CompanyID)
		}
	}
	if n, err := s.CountMembers(c); err != nil || n != 3 {
		t.Errorf("CountMembers = %d, %v; want 3", n, err)
	}
	got.DisplayName = "Hanako Y."
	if err := s.UpdateMember(c, got); err != nil {
		t.Fatalf("UpdateMember: %v", err)
	}
	if again, _ := s.GetMember(c, m1.ID); again.DisplayName != "Hanako Y." || again.Version != 2 {
		t.Errorf("after update: %q v%d, want new name and version 2", again.DisplayName, again.Version)
	}
}

func testMemberEmailConflict(t *testing.T, open Opener, _ Options) {
	s, c := mustOpen(t, open), ctx(t)
	co := NewCompany("A")
	if err := s.CreateCompany(c, co); err != nil {
		t.Fatal(err)
	}
	a, b := NewMember(co.ID, "a@example.com"), NewMember(co.ID, "b@example.com")
	for _, m := range []*rooms.Member{a, b} {
		if err := s.CreateMember(c, m); err != nil {
			t.Fatal(err)
		}
	}
	dup := NewMember(co.ID, "A@EXAMPLE.COM")
	err := s.CreateMember(c, dup)
	var ce *rooms.ConflictError
	if !errors.As(err, &ce) || ce.Field != "email" {
		t.Fatalf("CreateMember with a taken email (other case) = %v, want ConflictError on email", err)
	}
	if _, err := s.GetMember(c, dup.ID); !errors.Is(err, rooms.ErrNotFound) {
		t.Errorf("the refused member was written anyway: %v", err)
	}
	b.Email = "a@example.com"
	if err := s.UpdateMember(c, b); !errors.Is(err, rooms.ErrConflict) {
		t.Errorf("UpdateMember to a taken email = %v, want ErrConflict", err)
	}
	if got, _ := s.GetMember(c, b.ID); got.Email != "b@example.com" {
		t.Errorf("refused email change was written: %s", got.Email)
	}
}

func testSessions(t *testing.T, open Opener, _ Options) {
	s, c := mustOpen(t, open), ctx(t)
	now := time.Now().UTC()
	live := &rooms.Session{ID: rooms.SessionIDFor("live"), MemberID: rooms.NewMemberID(), CSRFToken: "csrf1",
		UserAgent: "test", ExpiresAt: now.Add(time.Hour)}
	old := &rooms.Session{ID: rooms.SessionIDFor("old"), MemberID: live.MemberID, CSRFToken: "csrf2",
		ExpiresAt: now.Add(-time.Minute)}
	for _, se := range []*rooms.Session{live, old} {
		if err := s.CreateSession(c, se); err != nil {
			t.Fatal(err)
		}
	}
	got, err := s.GetSession(c, live.ID)
	if err != nil || got.MemberID != live.MemberID || got.CSRFToken != "csrf1" || !got.ExpiresAt.Equal(live.ExpiresAt) {
		t.Fatalf("GetSession = %+v, %v; want %+v", got, err, live)
	}
	if got.Expired(now) {
		t.Errorf("live session reported expired")
	}
	n, err := s.DeleteExpiredSessions(c, now)
	if err != nil || n != 1 {
		t.Errorf("DeleteExpiredSessions = %d, %v; want 1", n, err)
	}
	if _, err := s.GetSession(c, old.ID); !errors.Is(err, rooms.ErrNotFound) {
		t.Errorf("expired session still there: %v", err)
	}
	if err := s.DeleteSession(c, live.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.GetSession(c, live.ID); !errors.Is(err, rooms.ErrNotFound) {
		t.Errorf("deleted session still there: %v", err)
	}
	if err := s.DeleteSession(c, live.ID); err != nil {
		t.Errorf("deleting a missing session: %v, want nil", err)
	}
}

func testRestart(t *testing.T, open Opener, _ Options) {
	c := ctx(t)
	s := open(t)
	co := NewCompany("Persistent KK")
	m := NewMember(co.ID, "keep@example.com")
	if err := s.CreateCompany(c, co); err != nil {
		t.Fatal(err)
	}
	if err := s.CreateMember(c, m); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(c); err != nil {
		t.Fatalf("Close: %v", err)
	}
	s2 := mustOpen(t, open)
	got, err := s2.GetMemberByEmail(c, "keep@example.com")
	if err != nil || got.ID != m.ID || got.CompanyID != co.ID {
		t.Fatalf("after reopen: %+v, %v; want the member written before", got, err)
	}
	if gc, err := s2.GetCompany(c, co.ID); err != nil || gc.Name != "Persistent KK" {
		t.Fatalf("after reopen: company %+v, %v", gc, err)
	}
	// Reopening must not re-run migrations or duplicate indexes.
	if err := s2.CreateMember(c, NewMember(co.ID, "keep@example.com")); !errors.Is(err, rooms.ErrConflict) {
		t.Errorf("unique email not enforced after reopen: %v", err)
	}
}

// testConcurrentUniqueClaim has many goroutines claim one unique slot (an
// email): exactly one must win.
func testConcurrentUniqueClaim(t *testing.T, open Opener, _ Options) {
	s, c := mustOpen(t, open), ctx(t)
	co := NewCompany("A")
	if err := s.CreateCompany(c, co); err != nil {
		t.Fatal(err)
	}
	const n = 16
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { errs[i] = s.CreateMember(c, NewMember(co.ID, "slot@example.com")) })
	}
	wg.Wait()
	wins := 0
	for _, err := range errs {
		switch {
		case err == nil:
			wins++
		case !errors.Is(err, rooms.ErrConflict):
			t.Errorf("unexpected error: %v", err)
		}
	}
	if wins != 1 {
		t.Fatalf("%d of %d claims won, want exactly 1", wins, n)
	}
	if list, _ := s.ListMembersByCompany(c, co.ID); len(list) != 1 {
		t.Errorf("%d members stored, want 1", len(list))
	}
}

// testConcurrentUpdates has many goroutines increment a counter kept in one
// record with compare-and-set retries: no increment may be lost.
func testConcurrentUpdates(t *testing.T, open Opener, opt Options) {
	if opt.LosesConcurrentUpdates != "" {
		t.Skip(opt.LosesConcurrentUpdates)
	}
	s, c := mustOpen(t, open), ctx(t)
	co := NewCompany("counter 0")
	if err := s.CreateCompany(c, co); err != nil {
		t.Fatal(err)
	}
	const workers, each = 8, 25
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for range each {
				if err := increment(c, s, co.ID); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	got, err := s.GetCompany(c, co.ID)
	if err != nil {
		t.Fatal(err)
	}
	if want := fmt.Sprintf("counter %d", workers*each); got.Name != want || got.Version != workers*each+1 {
		t.Fatalf("after %d increments: %q version %d; want %q version %d", workers*each, got.Name, got.Version, want, workers*each+1)
	}
}

func increment(c context.Context, s rooms.Store, id rooms.CompanyID) error {
	for {
		co, err := s.GetCompany(c, id)
		if err != nil {
			return err
		}
		n, _ := strconv.Atoi(strings.TrimPrefix(co.Name, "counter "))
		co.Name = fmt.Sprintf("counter %d", n+1)
		err = s.UpdateCompany(c, co)
		if err == nil {
			return nil
		}
		if !errors.Is(err, rooms.ErrConflict) {
			return err
		}
	}
}
