package api

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/zadankai/zadankai/rooms"
)

// Questions and polls are rate-limited per member: enough for a lively
// talk, too few to flood a room.
const (
	questionsPerWindow = 5
	questionWindow     = 10 * time.Minute
	votesPerWindow     = 60
	voteWindow         = time.Minute
	// questionsPerMember caps one person's questions in one roundtable.
	questionsPerMember = 20
)

// QuestionView is a question as members and moderators see it. It never
// names the author of an anonymous question, to moderators either: the
// author is kept for the operators' abuse view only (questionAuthors).
type QuestionView struct {
	ID        rooms.QuestionID    `json:"id"`
	Text      string              `json:"text"`
	State     rooms.QuestionState `json:"state"`
	Votes     int                 `json:"votes"`
	Voted     bool                `json:"voted"` // the caller voted for it
	Mine      bool                `json:"mine"`  // the caller asked it (she alone is told)
	Anonymous bool                `json:"anonymous"`
	// AuthorName is set only when the author chose to ask under her name.
	AuthorName string    `json:"author_name,omitempty"`
	CreatedAt  time.Time `json:"created_at"`
}

// qaAccess is what the caller may do with a roundtable's questions and polls.
type qaAccess struct {
	r         *rooms.Roundtable
	me        *rooms.Member
	moderates bool // its moderators and operators
	takesPart bool // registered, speaking or moderating, and not removed
	ended     bool
	names     map[rooms.MemberID]string // looked up once per request
}

// open reports whether questions and votes are taken: before the start
// and during the roundtable, never once it ended or was called off.
func (q *qaAccess) open() bool { return !q.ended && !q.r.Cancelled }

// qaAccessFor loads the roundtable in the path and what the caller may do
// with it; people who neither take part nor organise are refused.
func (a *API) qaAccessFor(c *gin.Context) (*qaAccess, bool) {
	r, me, ok := a.myRoundtable(c)
	if !ok {
		return nil, false
	}
	in, err := a.tookPart(c, r, me)
	if err != nil {
		fail(c, err)
		return nil, false
	}
	q := &qaAccess{r: r, me: me, moderates: a.organises(me, r), ended: r.Live.Ended || !a.now().Before(r.End()), names: map[rooms.MemberID]string{}}
	q.takesPart = in && !slices.Contains(r.Live.Removed, me.ID)
	if !q.takesPart && !q.moderates {
		fail(c, &Error{Status: http.StatusForbidden, Code: "not_a_participant", Message: "only the people taking part see and ask questions"})
		return nil, false
	}
	return q, true
}

// visible reports whether the caller sees question x in the list: hidden
// ones only for moderators; after the end, members see the answered ones.
func (q *qaAccess) visible(x *rooms.Question) bool {
	switch {
	case q.moderates:
		return true
	case x.State == rooms.QuestionHidden:
		return false
	case q.ended:
		return x.State == rooms.QuestionAnswered
	}
	return true
}

// questionView turns x into what the caller may read of it.
func (a *API) questionView(c *gin.Context, q *qaAccess, x *rooms.Question) QuestionView {
	v := QuestionView{ID: x.ID, Text: x.Text, State: x.State, Votes: len(x.Voters), Voted: slices.Contains(x.Voters, q.me.ID),
		Mine: x.AuthorID == q.me.ID, Anonymous: x.Anonymous, CreatedAt: x.CreatedAt}
	if !x.Anonymous {
		v.AuthorName = a.displayName(c, q.names, x.AuthorID)
	}
	return v
}

// listQuestions shows the roundtable's questions, the one on screen
// first, then by votes.
func (a *API) listQuestions(c *gin.Context) {
	q, ok := a.qaAccessFor(c)
	if !ok {
		return
	}
	list, err := a.store.ListQuestions(c.Request.Context(), q.r.ID)
	if err != nil {
		fail(c, err)
		return
	}
	rooms.SortQuestions(list)
	out := []QuestionView{}
	for _, x := range list {
		if q.visible(x) {
			out = append(out, a.questionView(c, q, x))
		}
	}
	c.JSON(http.StatusOK, gin.H{"questions": out, "open": q.open(), "moderator": q.moderates, "can_ask": q.takesPart && q.open()})
}

type questionRequest struct {
	Text      string `json:"text"`
	Anonymous *bool  `json:"anonymous"` // default true
}

// askQuestion records a question from someone taking part, before or
// during the roundtable, anonymous unless she says otherwise.
func (a *API) askQuestion(c *gin.Context) {
	var req questionRequest
	if err := bindJSON(c, &req); err != nil {
		fail(c, err)
		return
	}
	q, ok := a.qaAccessFor(c)
	if !ok {
		return
	}
	x := &rooms.Question{ID: rooms.NewQuestionID(), RoundtableID: q.r.ID, AuthorID: q.me.ID, Text: req.Text,
		Anonymous: req.Anonymous == nil || *req.Anonymous, State: rooms.QuestionOpen}
	if err := a.questionAllowed(c, q, x); err != nil {
		fail(c, err)
		return
	}
	if err := a.store.CreateQuestion(c.Request.Context(), x); err != nil {
		fail(c, err)
		return
	}
	a.nudgeQA(c, q.r)
	c.JSON(http.StatusCreated, a.questionView(c, q, x))
}

// questionAllowed checks a new question against the rules: who, when,
// how long, how many.
func (a *API) questionAllowed(c *gin.Context, q *qaAccess, x *rooms.Question) error {
	switch {
	case !q.takesPart:
		return &Error{Status: http.StatusForbidden, Code: "not_a_participant", Message: "only the people taking part ask questions"}
	case !q.open():
		return wrongState("questions are closed: the roundtable has ended")
	}
	if err := x.Validate(); err != nil {
		return err
	}
	list, err := a.store.ListQuestions(c.Request.Context(), q.r.ID)
	if err != nil {
		return err
	}
	mine := 0
	for _, y := range list {
		if y.AuthorID == q.me.ID {
			mine++
		}
	}
	if len(list) >= rooms.MaxQuestions || mine >= questionsPerMember {
		return &Error{Status: http.StatusConflict, Code: "too_many", Field: "text", Message: "no more questions can be asked in this roundtable"}
	}
	if !a.questionLimit.allow(string(q.me.ID)) {
		return rateLimited(c, questionWindow, "too many questions in a short time; wait a few minutes")
	}
	return nil
}

// theQuestion loads the question in the path, which must belong to the
// roundtable and be visible to the caller.
func (a *API) theQuestion(c *gin.Context, q *qaAccess) (*rooms.Question, bool) {
	id := rooms.QuestionID(c.Param("qid"))
	return inRoundtable(c, id.Valid(), func() (*rooms.Question, error) { return a.store.GetQuestion(c.Request.Context(), id) },
		func(x *rooms.Question) bool { return x.RoundtableID == q.r.ID && q.visible(x) })
}

// inRoundtable loads a record named in the path with get (when its id is
// well formed) and answers 404 unless belongs says it is the caller's to
// see in this roundtable.
func inRoundtable[T any](c *gin.Context, valid bool, get func() (T, error), belongs func(T) bool) (T, bool) {
	var x T
	err := rooms.ErrNotFound
	if valid {
		x, err = get()
	}
	if err == nil && !belongs(x) {
		err = rooms.ErrNotFound
	}
	if err != nil {
		fail(c, err)
		return x, false
	}
	return x, true
}

// voteQuestion (POST) adds the caller's vote, unvoteQuestion (DELETE)
// takes it back; one vote each.
func (a *API) voteQuestion(c *gin.Context)   { a.castVote(c, true) }
func (a *API) unvoteQuestion(c *gin.Context) { a.castVote(c, false) }

func (a *API) castVote(c *gin.Context, up bool) {
	q, ok := a.qaAccessFor(c)
	if !ok {
		return
	}
	x, ok := a.theQuestion(c, q)
	if !ok {
		return
	}
	err := a.voteAllowed(c, q)
	if err == nil && x.State == rooms.QuestionAnswered {
		err = wrongState("this question has been answered")
	}
	if err == nil {
		err = a.store.VoteQuestion(c.Request.Context(), x.ID, q.me.ID, up)
	}
	if errors.Is(err, rooms.ErrConflict) {
		err = &Error{Status: http.StatusConflict, Code: "already_voted", Message: "you have already voted for this question"}
	}
	if err == nil {
		x, err = a.store.GetQuestion(c.Request.Context(), x.ID)
	}
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, a.questionView(c, q, x))
}

// voteAllowed checks who votes, when, and how often.
func (a *API) voteAllowed(c *gin.Context, q *qaAccess) error {
	switch {
	case !q.takesPart:
		return &Error{Status: http.StatusForbidden, Code: "not_a_participant", Message: "only the people taking part vote"}
	case !q.open():
		return wrongState("voting is closed: the roundtable has ended")
	case !a.voteLimit.allow(string(q.me.ID)):
		return rateLimited(c, voteWindow, "too many votes in a short time; wait a minute")
	}
	return nil
}

// topicQA tells the room's pages that its questions or polls changed, so
// they fetch them at once; pages also poll, which survives reconnects and
// a media plane that drops the message.
const topicQA = "zadankai.qa"

// nudgeQA sends the room that message, best effort: the change is stored
// already and a page sees it at its next poll anyway. Votes and ballots
// send none, so a busy room is not flooded.
func (a *API) nudgeQA(c *gin.Context, r *rooms.Roundtable) {
	if a.mediaPlane == nil {
		return
	}
	ctx, cancel := context.WithTimeout(c.Request.Context(), 2*time.Second)
	defer cancel()
	if err := a.mediaPlane.SendData(ctx, r.RoomName(), topicQA, []byte(`{}`), nil); err != nil && !errors.Is(err, rooms.ErrNotFound) {
		a.log.DebugContext(ctx, "telling the room about questions and polls", "roundtable_id", r.ID, "err", err)
	}
}
