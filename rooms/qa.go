package rooms

import (
	"cmp"
	"fmt"
	"slices"
	"time"
	"unicode/utf8"
)

// QuestionID identifies a question asked in a roundtable.
type QuestionID string

// NewQuestionID returns a fresh random QuestionID.
func NewQuestionID() QuestionID { return QuestionID(newID("qu_")) }

// Valid reports whether id is well formed.
func (id QuestionID) Valid() bool { return validID(string(id), "qu_") }

// QuestionState is where a question stands in the moderator's hands.
type QuestionState string

// Question states.
const (
	QuestionOpen     QuestionState = "open"
	QuestionOnScreen QuestionState = "on_screen" // shown to everyone in the room
	QuestionAnswered QuestionState = "answered"
	QuestionHidden   QuestionState = "hidden" // taken away as abusive; members no longer see it
)

// Limits of questions and polls.
const (
	MaxQuestionRunes = 280
	MaxQuestions     = 300 // per roundtable: the list every page polls stays small
	MaxPollRunes     = 200
	MaxChoiceRunes   = 80
	MinChoices       = 2
	MaxChoices       = 6
	MaxPolls         = 30 // per roundtable
)

// Question is one question asked in a roundtable. Anonymous questions
// (the default) are anonymous to everyone, moderators included: AuthorID
// is kept only so that operators can act on an abuse report, and no
// member- or moderator-facing view carries it.
type Question struct {
	ID           QuestionID    `json:"id" bson:"_id"`
	RoundtableID RoundtableID  `json:"roundtable_id" bson:"roundtable_id"`
	AuthorID     MemberID      `json:"author_id" bson:"author_id"`
	Text         string        `json:"text" bson:"text"`
	Anonymous    bool          `json:"anonymous" bson:"anonymous"`
	State        QuestionState `json:"state" bson:"state"`
	// Voters is filled by the store from the votes it keeps one per
	// member (see Store.VoteQuestion); it is not written with the question.
	Voters    []MemberID `json:"-" bson:"-"`
	CreatedAt time.Time  `json:"created_at" bson:"created_at"`
	UpdatedAt time.Time  `json:"updated_at" bson:"updated_at"`
}

// Validate checks what the author sends, naming the field at fault.
func (q *Question) Validate() error {
	q.Text = CleanLine(q.Text)
	switch {
	case q.Text == "":
		return Invalid("text", "required", "write a question")
	case utf8.RuneCountInString(q.Text) > MaxQuestionRunes:
		return Invalid("text", "too_long", fmt.Sprintf("a question is at most %d characters", MaxQuestionRunes))
	case badLine(q.Text):
		return Invalid("text", "invalid_characters", badLineMsg)
	}
	return nil
}

// ValidQuestionState reports whether s is a state a moderator may set.
func ValidQuestionState(s QuestionState) bool {
	return s == QuestionOpen || s == QuestionOnScreen || s == QuestionAnswered || s == QuestionHidden
}

// SortQuestions orders questions as the room shows them: the one on
// screen first, then by votes, then the oldest first (a stable order for
// equal votes, so the list does not jump between two polls).
func SortQuestions(list []*Question) {
	slices.SortStableFunc(list, func(a, b *Question) int {
		if (a.State == QuestionOnScreen) != (b.State == QuestionOnScreen) {
			if a.State == QuestionOnScreen {
				return -1
			}
			return 1
		}
		if c := cmp.Compare(len(b.Voters), len(a.Voters)); c != 0 {
			return c
		}
		return a.CreatedAt.Compare(b.CreatedAt)
	})
}

// PollID identifies a quick poll.
type PollID string

// NewPollID returns a fresh random PollID.
func NewPollID() PollID { return PollID(newID("po_")) }

// Valid reports whether id is well formed.
func (id PollID) Valid() bool { return validID(string(id), "po_") }

// Poll is a moderator's single- or multiple-choice question to the room.
// Ballots are kept one per member so nobody votes twice, but results are
// only ever shown as counts.
type Poll struct {
	ID           PollID       `json:"id" bson:"_id"`
	RoundtableID RoundtableID `json:"roundtable_id" bson:"roundtable_id"`
	Question     string       `json:"question" bson:"question"`
	Choices      []string     `json:"choices" bson:"choices"`
	Multiple     bool         `json:"multiple" bson:"multiple"`
	Closed       bool         `json:"closed" bson:"closed"`
	CreatedBy    MemberID     `json:"created_by" bson:"created_by"`
	CreatedAt    time.Time    `json:"created_at" bson:"created_at"`
	ClosedAt     time.Time    `json:"closed_at" bson:"closed_at"`
}

// Validate checks what the moderator sends, naming the field at fault.
func (p *Poll) Validate() error {
	p.Question = CleanLine(p.Question)
	switch {
	case p.Question == "":
		return Invalid("question", "required", "write the poll's question")
	case utf8.RuneCountInString(p.Question) > MaxPollRunes:
		return Invalid("question", "too_long", fmt.Sprintf("the question is at most %d characters", MaxPollRunes))
	case badLine(p.Question):
		return Invalid("question", "invalid_characters", badLineMsg)
	case len(p.Choices) < MinChoices:
		return Invalid("choices", "too_few", fmt.Sprintf("give at least %d choices", MinChoices))
	case len(p.Choices) > MaxChoices:
		return Invalid("choices", "too_many", fmt.Sprintf("at most %d choices", MaxChoices))
	}
	for i, c := range p.Choices {
		p.Choices[i] = CleanLine(c)
		field := fmt.Sprintf("choices[%d]", i)
		switch c := p.Choices[i]; {
		case c == "":
			return Invalid(field, "required", "a choice cannot be empty")
		case utf8.RuneCountInString(c) > MaxChoiceRunes:
			return Invalid(field, "too_long", fmt.Sprintf("a choice is at most %d characters", MaxChoiceRunes))
		case badLine(c):
			return Invalid(field, "invalid_characters", badLineMsg)
		case slices.Index(p.Choices, c) < i:
			return Invalid(field, "duplicate", "this choice is already in the list")
		}
	}
	return nil
}

// Ballot is one member's answer to a poll: indexes into Poll.Choices.
type Ballot struct {
	PollID    PollID    `json:"poll_id" bson:"poll_id"`
	MemberID  MemberID  `json:"member_id" bson:"member_id"`
	Choices   []int     `json:"choices" bson:"choices"`
	CreatedAt time.Time `json:"created_at" bson:"created_at"`
}

// CheckBallot checks that choices answer p: at least one, each once, in
// range, and only one unless p allows several.
func (p *Poll) CheckBallot(choices []int) error {
	switch {
	case len(choices) == 0:
		return Invalid("choices", "required", "pick a choice")
	case !p.Multiple && len(choices) > 1:
		return Invalid("choices", "too_many", "this poll takes one choice")
	}
	for i, c := range choices {
		field := fmt.Sprintf("choices[%d]", i)
		if c < 0 || c >= len(p.Choices) {
			return Invalid(field, "out_of_range", "no such choice")
		}
		if slices.Index(choices, c) < i {
			return Invalid(field, "duplicate", "this choice is already picked")
		}
	}
	return nil
}

// Tally counts ballots per choice of p and how many people voted.
func (p *Poll) Tally(ballots []*Ballot) (counts []int, voters int) {
	counts = make([]int, len(p.Choices))
	for _, b := range ballots {
		voters++
		for _, c := range b.Choices {
			if c >= 0 && c < len(counts) {
				counts[c]++
			}
		}
	}
	return counts, voters
}

// QuestionVote is one member's vote for a question, as moved between
// stores (a Question's Voters are read from these).
type QuestionVote struct {
	QuestionID   QuestionID   `json:"question_id"`
	MemberID     MemberID     `json:"member_id"`
	RoundtableID RoundtableID `json:"roundtable_id"`
}

// RecordKey implements Record.
func (q *Question) RecordKey() string { return string(q.ID) }

// RecordKey implements Record.
func (v *QuestionVote) RecordKey() string { return string(v.QuestionID) + ":" + string(v.MemberID) }

// RecordKey implements Record.
func (p *Poll) RecordKey() string { return string(p.ID) }

// RecordKey implements Record.
func (b *Ballot) RecordKey() string { return string(b.PollID) + ":" + string(b.MemberID) }
