package api

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/zadankai/zadankai/rooms"
)

type questionStateRequest struct {
	State rooms.QuestionState `json:"state"`
}

// setQuestionState lets a moderator put a question on screen (one at a
// time: the previous one goes back to open), mark it answered, hide it or
// open it again. Every change goes to the moderation log, which names the
// question, never its author.
func (a *API) setQuestionState(c *gin.Context) {
	var req questionStateRequest
	if err := bindJSON(c, &req); err != nil {
		fail(c, err)
		return
	}
	q, ok := a.qaModerator(c)
	if !ok {
		return
	}
	x, ok := a.theQuestion(c, q)
	if !ok {
		return
	}
	if !rooms.ValidQuestionState(req.State) {
		fail(c, rooms.Invalid("state", "unknown_value", "state must be open, on_screen, answered or hidden"))
		return
	}
	ctx := c.Request.Context()
	if req.State == rooms.QuestionOnScreen {
		if err := a.clearOnScreen(c, q.r.ID, x.ID); err != nil {
			fail(c, err)
			return
		}
	}
	if err := a.store.SetQuestionState(ctx, x.ID, req.State); err != nil {
		fail(c, err)
		return
	}
	entry := &rooms.AuditEntry{ID: rooms.NewAuditID(), RoundtableID: q.r.ID, ActorID: q.me.ID, Action: "question_" + string(req.State),
		Detail: string(x.ID), At: a.now()}
	if err := a.store.AppendAudit(ctx, entry); err != nil {
		fail(c, err)
		return
	}
	a.nudgeQA(c, q.r)
	x, err := a.store.GetQuestion(ctx, x.ID)
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, a.questionView(c, q, x))
}

// qaModerator is qaAccessFor for the roundtable's moderators (and
// operators) alone.
func (a *API) qaModerator(c *gin.Context) (*qaAccess, bool) {
	q, ok := a.qaAccessFor(c)
	if ok && !q.moderates {
		fail(c, rooms.ErrForbidden)
		return nil, false
	}
	return q, ok
}

// clearOnScreen puts back to open whatever question of r is on screen
// (but keep): the room shows one question at a time.
func (a *API) clearOnScreen(c *gin.Context, r rooms.RoundtableID, keep rooms.QuestionID) error {
	list, err := a.store.ListQuestions(c.Request.Context(), r)
	if err != nil {
		return err
	}
	for _, y := range list {
		if y.State == rooms.QuestionOnScreen && y.ID != keep {
			if err := a.store.SetQuestionState(c.Request.Context(), y.ID, rooms.QuestionOpen); err != nil {
				return err
			}
		}
	}
	return nil
}

// QuestionAuthorView is a question as operators see it when they look
// into an abuse report: with its author, hidden ones included.
type QuestionAuthorView struct {
	ID        rooms.QuestionID    `json:"id"`
	Text      string              `json:"text"`
	State     rooms.QuestionState `json:"state"`
	Anonymous bool                `json:"anonymous"`
	Author    PeerView            `json:"author"`
	CreatedAt time.Time           `json:"created_at"`
}

// questionAuthors is the operators' abuse view: who asked each question
// of a roundtable. No moderator or member reaches it.
func (a *API) questionAuthors(c *gin.Context) {
	r, _, ok := a.myRoundtable(c)
	if !ok {
		return
	}
	list, err := a.store.ListQuestions(c.Request.Context(), r.ID)
	if err != nil {
		fail(c, err)
		return
	}
	names := map[rooms.MemberID]string{}
	out := make([]QuestionAuthorView, 0, len(list))
	for _, x := range list {
		out = append(out, QuestionAuthorView{ID: x.ID, Text: x.Text, State: x.State, Anonymous: x.Anonymous, CreatedAt: x.CreatedAt,
			Author: PeerView{ID: x.AuthorID, DisplayName: a.displayName(c, names, x.AuthorID)}})
	}
	c.JSON(http.StatusOK, gin.H{"questions": out})
}
