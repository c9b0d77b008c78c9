package storetest

import (
	"errors"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/zadankai/zadankai/rooms"
)

// testQuestions asks, votes (one vote each, taken back), moves questions
// between states and lists them per roundtable.
func testQuestions(t *testing.T, open Opener, _ Options) {
	s, c := mustOpen(t, open), ctx(t)
	r1, r2 := rooms.NewRoundtableID(), rooms.NewRoundtableID()
	author, a, b := rooms.NewMemberID(), rooms.NewMemberID(), rooms.NewMemberID()
	q1 := &rooms.Question{ID: rooms.NewQuestionID(), RoundtableID: r1, AuthorID: author, Text: "復職のタイミングは？", Anonymous: true, State: rooms.QuestionOpen}
	mustDo(t, s.CreateQuestion(c, q1))
	if q1.CreatedAt.IsZero() {
		t.Fatal("CreateQuestion left CreatedAt unset")
	}
	if err := s.CreateQuestion(c, &rooms.Question{ID: q1.ID, RoundtableID: r1, Text: "dup", State: rooms.QuestionOpen}); !errors.Is(err, rooms.ErrConflict) {
		t.Errorf("CreateQuestion with a taken id = %v, want ErrConflict", err)
	}
	time.Sleep(2 * time.Millisecond) // distinct creation times, so the order is defined
	q2 := &rooms.Question{ID: rooms.NewQuestionID(), RoundtableID: r1, AuthorID: a, Text: "second", State: rooms.QuestionOpen}
	mustDo(t, s.CreateQuestion(c, q2))
	time.Sleep(2 * time.Millisecond)
	mustDo(t, s.CreateQuestion(c, &rooms.Question{ID: rooms.NewQuestionID(), RoundtableID: r2, AuthorID: a, Text: "elsewhere", State: rooms.QuestionOpen}))

	mustDo(t, s.VoteQuestion(c, q2.ID, a, true))
	mustDo(t, s.VoteQuestion(c, q2.ID, b, true))
	if err := s.VoteQuestion(c, q2.ID, a, true); !errors.Is(err, rooms.ErrConflict) {
		t.Errorf("a second vote by the same member = %v, want ErrConflict", err)
	}
	mustDo(t, s.VoteQuestion(c, q1.ID, b, true))
	mustDo(t, s.VoteQuestion(c, q1.ID, b, false))
	mustDo(t, s.VoteQuestion(c, q1.ID, b, false)) // no vote to take back: not an error
	if err := s.VoteQuestion(c, rooms.NewQuestionID(), a, true); !errors.Is(err, rooms.ErrNotFound) {
		t.Errorf("a vote for a missing question = %v, want ErrNotFound", err)
	}
	mustDo(t, s.SetQuestionState(c, q1.ID, rooms.QuestionHidden))
	if err := s.SetQuestionState(c, rooms.NewQuestionID(), rooms.QuestionAnswered); !errors.Is(err, rooms.ErrNotFound) {
		t.Errorf("SetQuestionState(missing) = %v, want ErrNotFound", err)
	}

	list, err := s.ListQuestions(c, r1)
	if err != nil || len(list) != 2 || list[0].ID != q1.ID || list[1].ID != q2.ID {
		t.Fatalf("ListQuestions(r1) = %d, %v; want q1 then q2", len(list), err)
	}
	got := list[0]
	if got.Text != q1.Text || !got.Anonymous || got.AuthorID != author || got.State != rooms.QuestionHidden || len(got.Voters) != 0 {
		t.Errorf("q1 = %+v; want the text, anonymous, its author kept, hidden, no votes", got)
	}
	if v := list[1].Voters; len(v) != 2 || !slices.Contains(v, a) || !slices.Contains(v, b) {
		t.Errorf("q2 voters = %v, want a and b once each", v)
	}
	mine, err := s.ListQuestionsBy(c, a)
	if err != nil || len(mine) != 2 || mine[0].ID != q2.ID || mine[1].RoundtableID != r2 || mine[1].Text != "elsewhere" {
		t.Errorf("ListQuestionsBy(a) = %+v, %v; want q2 then her question in r2, across roundtables", mine, err)
	}
	if none, err := s.ListQuestionsBy(c, b); err != nil || len(none) != 0 {
		t.Errorf("ListQuestionsBy(a voter who asked nothing) = %d, %v; want none", len(none), err)
	}
	one, err := s.GetQuestion(c, q2.ID)
	if err != nil || len(one.Voters) != 2 || one.RoundtableID != r1 {
		t.Errorf("GetQuestion = %+v, %v", one, err)
	}
	if _, err := s.GetQuestion(c, rooms.NewQuestionID()); !errors.Is(err, rooms.ErrNotFound) {
		t.Errorf("GetQuestion(missing) = %v, want ErrNotFound", err)
	}
}

// testQuestionVotesConcurrent has many members vote at once, each twice:
// every member counts once.
func testQuestionVotesConcurrent(t *testing.T, open Opener, _ Options) {
	s, c := mustOpen(t, open), ctx(t)
	q := &rooms.Question{ID: rooms.NewQuestionID(), RoundtableID: rooms.NewRoundtableID(), AuthorID: rooms.NewMemberID(), Text: "q", State: rooms.QuestionOpen}
	mustDo(t, s.CreateQuestion(c, q))
	const n = 8
	var wg sync.WaitGroup
	errs := make([]error, 2*n)
	for i := range n {
		m := rooms.NewMemberID()
		for k := range 2 {
			wg.Go(func() { errs[2*i+k] = s.VoteQuestion(c, q.ID, m, true) })
		}
	}
	wg.Wait()
	conflicts := 0
	for _, err := range errs {
		switch {
		case errors.Is(err, rooms.ErrConflict):
			conflicts++
		case err != nil:
			t.Errorf("vote: %v", err)
		}
	}
	got, err := s.GetQuestion(c, q.ID)
	if err != nil || len(got.Voters) != n || conflicts != n {
		t.Fatalf("after %d members voted twice: %d voters, %d conflicts, %v; want %d and %d", n, len(got.Voters), conflicts, err, n, n)
	}
}

// testPolls creates, lists, votes once per member and closes polls.
func testPolls(t *testing.T, open Opener, _ Options) {
	s, c := mustOpen(t, open), ctx(t)
	r1, r2 := rooms.NewRoundtableID(), rooms.NewRoundtableID()
	mod, a, b := rooms.NewMemberID(), rooms.NewMemberID(), rooms.NewMemberID()
	p := &rooms.Poll{ID: rooms.NewPollID(), RoundtableID: r1, Question: "復職は何か月後？", Choices: []string{"6か月", "1年", "それ以上"}, Multiple: true, CreatedBy: mod}
	mustDo(t, s.CreatePoll(c, p))
	time.Sleep(2 * time.Millisecond)
	other := &rooms.Poll{ID: rooms.NewPollID(), RoundtableID: r2, Question: "x", Choices: []string{"y", "z"}, CreatedBy: mod}
	mustDo(t, s.CreatePoll(c, other))
	mustDo(t, s.CastBallot(c, &rooms.Ballot{PollID: p.ID, MemberID: a, Choices: []int{0, 2}}))
	mustDo(t, s.CastBallot(c, &rooms.Ballot{PollID: p.ID, MemberID: b, Choices: []int{2}}))
	if err := s.CastBallot(c, &rooms.Ballot{PollID: p.ID, MemberID: a, Choices: []int{1}}); !errors.Is(err, rooms.ErrConflict) {
		t.Errorf("a second ballot = %v, want ErrConflict", err)
	}
	ballots, err := s.ListBallots(c, p.ID)
	if err != nil || len(ballots) != 2 {
		t.Fatalf("ListBallots = %d, %v; want 2", len(ballots), err)
	}
	if counts, voters := p.Tally(ballots); voters != 2 || !slices.Equal(counts, []int{1, 0, 2}) {
		t.Errorf("tally = %v from %d; want [1 0 2] from 2", counts, voters)
	}
	closedAt := time.Now().UTC().Truncate(time.Millisecond)
	mustDo(t, s.ClosePoll(c, p.ID, closedAt))
	mustDo(t, s.ClosePoll(c, p.ID, closedAt.Add(time.Hour)))
	got, err := s.GetPoll(c, p.ID)
	if err != nil || !got.Closed || !got.ClosedAt.Equal(closedAt) || !got.Multiple || len(got.Choices) != 3 || got.Question != p.Question {
		t.Fatalf("GetPoll after closing twice = %+v, %v; want closed at %v", got, err, closedAt)
	}
	if err := s.ClosePoll(c, rooms.NewPollID(), closedAt); !errors.Is(err, rooms.ErrNotFound) {
		t.Errorf("ClosePoll(missing) = %v, want ErrNotFound", err)
	}
	from, to := time.Now().Add(-time.Hour), time.Now().Add(time.Hour)
	all, err := s.ListPolls(c, "", from, to)
	if err != nil || len(all) != 2 || all[0].ID != p.ID || all[1].ID != other.ID {
		t.Errorf("ListPolls(all) = %d, %v; want both, oldest first", len(all), err)
	}
	if mine, err := s.ListPolls(c, r2, from, to); err != nil || len(mine) != 1 || mine[0].ID != other.ID {
		t.Errorf("ListPolls(r2) = %d, %v; want only its poll", len(mine), err)
	}
	if none, err := s.ListPolls(c, "", to, to.Add(time.Hour)); err != nil || len(none) != 0 {
		t.Errorf("ListPolls(later window) = %d, %v", len(none), err)
	}
}
