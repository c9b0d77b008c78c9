package storetest

import (
	"errors"
	"testing"
	"time"

	"github.com/zadankai/zadankai/rooms"
)

func testRoundtableFeedback(t *testing.T, open Opener, _ Options) {
	s, c := mustOpen(t, open), ctx(t)
	r1, r2 := rooms.NewRoundtableID(), rooms.NewRoundtableID()
	a, b := rooms.NewMemberID(), rooms.NewMemberID()
	f := &rooms.RoundtableFeedback{RoundtableID: r1, AuthorID: a, AuthorCompany: rooms.NewCompanyID(), Rating: 5,
		Tags: []string{"informative", "felt_safe"}, Text: "また参加したいです", WantMore: true, Axis: rooms.AxisCareer, Themes: []string{"promotion"}}
	if err := s.CreateRoundtableFeedback(c, f); err != nil || f.CreatedAt.IsZero() {
		t.Fatalf("CreateRoundtableFeedback = %v (created %v)", err, f.CreatedAt)
	}
	again := &rooms.RoundtableFeedback{RoundtableID: r1, AuthorID: a, Rating: 1, Text: "overwrite"}
	if err := s.CreateRoundtableFeedback(c, again); !errors.Is(err, rooms.ErrConflict) {
		t.Errorf("second feedback by the same author = %v, want ErrConflict", err)
	}
	got, err := s.GetRoundtableFeedback(c, r1, a)
	if err != nil || got.Rating != 5 || got.Text != "また参加したいです" || !got.WantMore || len(got.Tags) != 2 ||
		got.Themes[0] != "promotion" || got.Axis != rooms.AxisCareer || !got.CreatedAt.Equal(f.CreatedAt) {
		t.Fatalf("GetRoundtableFeedback = %+v, %v; want the first entry unchanged", got, err)
	}
	if _, err := s.GetRoundtableFeedback(c, r1, b); !errors.Is(err, rooms.ErrNotFound) {
		t.Errorf("GetRoundtableFeedback(no entry) = %v, want ErrNotFound", err)
	}
	// The same author on another roundtable, and another author on r1.
	for _, x := range []*rooms.RoundtableFeedback{{RoundtableID: r2, AuthorID: a, Rating: 3}, {RoundtableID: r1, AuthorID: b, Rating: 4}} {
		time.Sleep(2 * time.Millisecond) // distinct creation times, so the order is defined
		if err := s.CreateRoundtableFeedback(c, x); err != nil {
			t.Fatalf("CreateRoundtableFeedback(%s by %s): %v", x.RoundtableID, x.AuthorID, err)
		}
	}
	from, to := time.Now().Add(-time.Hour), time.Now().Add(time.Hour)
	all, err := s.ListRoundtableFeedback(c, "", from, to)
	if err != nil || len(all) != 3 || all[0].Rating != 5 || all[1].Rating != 3 || all[2].Rating != 4 {
		t.Fatalf("ListRoundtableFeedback(all) = %v, %v; want 3 oldest first", ratings(all), err)
	}
	one, err := s.ListRoundtableFeedback(c, r1, from, to)
	if err != nil || len(one) != 2 || one[0].AuthorID != a || one[1].AuthorID != b {
		t.Errorf("ListRoundtableFeedback(r1) = %v, %v; want a then b", ratings(one), err)
	}
	if none, err := s.ListRoundtableFeedback(c, "", to, to.Add(time.Hour)); err != nil || len(none) != 0 {
		t.Errorf("ListRoundtableFeedback(later window) = %d, %v; want none", len(none), err)
	}
}

func ratings(list []*rooms.RoundtableFeedback) []int {
	var out []int
	for _, f := range list {
		out = append(out, f.Rating)
	}
	return out
}

// testAuditPages pages through the audit log newest first, across all
// roundtables and within one, including entries that share a timestamp.
func testAuditPages(t *testing.T, open Opener, _ Options) {
	s, c := mustOpen(t, open), ctx(t)
	r1, r2 := rooms.NewRoundtableID(), rooms.NewRoundtableID()
	base := time.Now().Add(-time.Hour).UTC().Truncate(time.Millisecond)
	var want []string // newest first
	for i := range 7 {
		rt := r1
		if i%3 == 2 {
			rt = r2
		}
		// Entries 3 and 4 share a timestamp: the id breaks the tie.
		at := base.Add(time.Duration(min(i, 3)+max(i-4, 0)) * time.Minute)
		e := &rooms.AuditEntry{ID: rooms.NewAuditID(), RoundtableID: rt, ActorID: rooms.NewMemberID(), Action: "mute", At: at}
		if err := s.AppendAudit(c, e); err != nil {
			t.Fatal(err)
		}
		want = append(want, e.ID)
	}
	got := pageThrough(t, s, rooms.AuditQuery{Limit: 3})
	if len(got) != 7 {
		t.Fatalf("paged %d entries, want 7", len(got))
	}
	for i := 1; i < len(got); i++ {
		prev, cur := got[i-1], got[i]
		if cur.At.After(prev.At) || cur.At.Equal(prev.At) && cur.ID >= prev.ID {
			t.Errorf("entry %d (%v %s) is not older than entry %d (%v %s)", i, cur.At, cur.ID, i-1, prev.At, prev.ID)
		}
	}
	seen := map[string]bool{}
	for _, e := range got {
		seen[e.ID] = true
	}
	for _, id := range want {
		if !seen[id] {
			t.Errorf("entry %s missing from the pages", id)
		}
	}
	only, err := s.ListAuditPage(c, rooms.AuditQuery{Roundtable: r2, Limit: 10})
	if err != nil || len(only) != 2 {
		t.Fatalf("ListAuditPage(r2) = %d, %v; want 2", len(only), err)
	}
	for _, e := range only {
		if e.RoundtableID != r2 {
			t.Errorf("ListAuditPage(r2) returned an entry of %s", e.RoundtableID)
		}
	}
}

// pageThrough reads every page of q, following the cursor.
func pageThrough(t *testing.T, s rooms.Store, q rooms.AuditQuery) []*rooms.AuditEntry {
	t.Helper()
	var got []*rooms.AuditEntry
	for range 10 {
		page, err := s.ListAuditPage(ctx(t), q)
		if err != nil {
			t.Fatal(err)
		}
		if len(page) > q.Limit {
			t.Fatalf("page of %d entries, limit %d", len(page), q.Limit)
		}
		got = append(got, page...)
		if len(page) < q.Limit {
			break
		}
		last := page[len(page)-1]
		q.Before, q.BeforeID = last.At, last.ID
	}
	return got
}

// testFeedbackBy lists what one author said, on consultations and on
// roundtables, and nothing anyone else said.
func testFeedbackBy(t *testing.T, open Opener, _ Options) {
	s, c := mustOpen(t, open), ctx(t)
	a, b := rooms.NewMemberID(), rooms.NewMemberID()
	cs1, cs2 := rooms.NewConsultationID(), rooms.NewConsultationID()
	for _, f := range []*rooms.Feedback{{ConsultationID: cs1, AuthorID: a, Rating: 4, Text: "first"},
		{ConsultationID: cs1, AuthorID: b, Rating: 2}, {ConsultationID: cs2, AuthorID: a, Rating: 5, Text: "second"}} {
		mustDo(t, s.CreateFeedback(c, f))
	}
	r1, r2 := rooms.NewRoundtableID(), rooms.NewRoundtableID()
	for _, f := range []*rooms.RoundtableFeedback{{RoundtableID: r1, AuthorID: a, Rating: 3, Text: "round"},
		{RoundtableID: r2, AuthorID: b, Rating: 1}} {
		mustDo(t, s.CreateRoundtableFeedback(c, f))
	}
	mine, err := s.ListFeedbackBy(c, a)
	if err != nil || len(mine) != 2 || mine[0].Text != "first" || mine[1].Text != "second" {
		t.Errorf("ListFeedbackBy = %+v, %v", mine, err)
	}
	rts, err := s.ListRoundtableFeedbackBy(c, a)
	if err != nil || len(rts) != 1 || rts[0].Text != "round" || rts[0].RoundtableID != r1 {
		t.Errorf("ListRoundtableFeedbackBy = %+v, %v", rts, err)
	}
	if none, err := s.ListFeedbackBy(c, rooms.NewMemberID()); err != nil || len(none) != 0 {
		t.Errorf("ListFeedbackBy of someone silent = %v, %v", none, err)
	}
}
