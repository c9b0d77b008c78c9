package api

import (
	"errors"
	"net/http"
	"slices"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/zadankai/zadankai/rooms"
)

type roundtableFeedbackRequest struct {
	Rating   int      `json:"rating"`
	Tags     []string `json:"tags"`
	Text     string   `json:"text"`
	WantMore bool     `json:"want_more"`
}

// tookPart reports whether m was in r: a seat at the end, a guest speaker
// or a moderator. Waitlisted and withdrawn people were not.
func (a *API) tookPart(c *gin.Context, r *rooms.Roundtable, m *rooms.Member) (bool, error) {
	if r.IsModerator(m.ID) || r.IsSpeaker(m.ID) {
		return true, nil
	}
	reg, err := a.store.GetRegistration(c.Request.Context(), r.ID, m.ID)
	if errors.Is(err, rooms.ErrNotFound) {
		return false, nil
	}
	return err == nil && reg.Status == rooms.Registered, err
}

// createRoundtableFeedback records one participant's feedback once the
// roundtable has ended; the text reaches operators only.
func (a *API) createRoundtableFeedback(c *gin.Context) {
	var req roundtableFeedbackRequest
	if err := bindJSON(c, &req); err != nil {
		fail(c, err)
		return
	}
	r, me, ok := a.myRoundtable(c)
	if !ok {
		return
	}
	in, err := a.tookPart(c, r, me)
	switch {
	case err != nil:
		fail(c, err)
		return
	case !in:
		fail(c, &Error{Status: http.StatusForbidden, Code: "not_a_participant", Message: "only people who took part can give feedback"})
		return
	case !r.FeedbackOpen(a.now()):
		fail(c, wrongState("feedback opens when the roundtable has ended"))
		return
	}
	f := &rooms.RoundtableFeedback{RoundtableID: r.ID, AuthorID: me.ID, AuthorCompany: me.CompanyID, Rating: req.Rating,
		Tags: orEmpty(req.Tags), Text: req.Text, WantMore: req.WantMore, Axis: r.Axis, Themes: orEmpty(r.Themes)}
	if err := f.Validate(); err != nil {
		fail(c, err)
		return
	}
	if err := a.store.CreateRoundtableFeedback(c.Request.Context(), f); err != nil {
		if errors.Is(err, rooms.ErrConflict) {
			err = &Error{Status: http.StatusConflict, Code: "already_given", Message: "you have already given feedback for this roundtable"}
		}
		fail(c, err)
		return
	}
	c.Status(http.StatusCreated)
}

// RoundtableFeedbackView is roundtable feedback as operators see it.
type RoundtableFeedbackView struct {
	RoundtableID rooms.RoundtableID `json:"roundtable_id"`
	Title        string             `json:"roundtable_title"`
	Author       PeerView           `json:"author"`
	Rating       int                `json:"rating"`
	Tags         []string           `json:"tags"`
	Text         string             `json:"text"`
	WantMore     bool               `json:"want_more"`
	Axis         rooms.Axis         `json:"axis"`
	Themes       []string           `json:"themes"`
	CreatedAt    time.Time          `json:"created_at"`
}

// feedbackViews turns entries into views, newest first, naming each
// roundtable and author once per request.
func (a *API) feedbackViews(c *gin.Context, list []*rooms.RoundtableFeedback) []RoundtableFeedbackView {
	titles, names := map[rooms.RoundtableID]string{}, map[rooms.MemberID]string{}
	out := make([]RoundtableFeedbackView, 0, len(list))
	for _, f := range slices.Backward(list) {
		out = append(out, RoundtableFeedbackView{RoundtableID: f.RoundtableID, Title: a.roundtableTitle(c, titles, f.RoundtableID),
			Author: PeerView{ID: f.AuthorID, DisplayName: a.displayName(c, names, f.AuthorID)}, Rating: f.Rating,
			Tags: orEmpty(f.Tags), Text: f.Text, WantMore: f.WantMore, Axis: f.Axis, Themes: orEmpty(f.Themes), CreatedAt: f.CreatedAt})
	}
	return out
}

// displayName looks a name up once per request.
func (a *API) displayName(c *gin.Context, cache map[rooms.MemberID]string, id rooms.MemberID) string {
	if id == "" {
		return ""
	}
	if n, ok := cache[id]; ok {
		return n
	}
	n := ""
	if m, err := a.store.GetMember(c.Request.Context(), id); err == nil {
		n = m.DisplayName
	}
	cache[id] = n
	return n
}

// roundtableTitle looks a roundtable's title up once per request.
func (a *API) roundtableTitle(c *gin.Context, cache map[rooms.RoundtableID]string, id rooms.RoundtableID) string {
	if t, ok := cache[id]; ok {
		return t
	}
	t := ""
	if r, err := a.store.GetRoundtable(c.Request.Context(), id); err == nil {
		t = r.Title
	}
	cache[id] = t
	return t
}

// farFuture bounds "every entry" queries whatever the clock says.
var farFuture = time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)

// feedbackSummary is the figures of a list of roundtable feedback.
type feedbackSummary struct {
	Responses int     `json:"responses"`
	Rating    float64 `json:"average_rating"`
	WantMore  int     `json:"want_more"`
}

func summarise(list []*rooms.RoundtableFeedback) feedbackSummary {
	var s feedbackSummary
	sum := 0
	for _, f := range list {
		s.Responses++
		sum += f.Rating
		if f.WantMore {
			s.WantMore++
		}
	}
	if s.Responses > 0 {
		s.Rating = float64(sum) / float64(s.Responses)
	}
	return s
}

// listRoundtableFeedback shows operators one roundtable's feedback, text
// included, with its figures.
func (a *API) listRoundtableFeedback(c *gin.Context) {
	r, _, ok := a.myRoundtable(c)
	if !ok {
		return
	}
	list, err := a.store.ListRoundtableFeedback(c.Request.Context(), r.ID, time.Unix(0, 0), farFuture)
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"roundtable_id": r.ID, "summary": summarise(list), "feedback": a.feedbackViews(c, list)})
}

// listAllRoundtableFeedback shows operators the roundtable feedback of the
// last ?days= (default 30, at most 365), newest first, and which themes
// people want more of.
func (a *API) listAllRoundtableFeedback(c *gin.Context) {
	from, to, ok := a.lastDays(c)
	if !ok {
		return
	}
	list, err := a.store.ListRoundtableFeedback(c.Request.Context(), "", from, to)
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"summary": summarise(list), "by_theme": rooms.DemandByTheme(list), "feedback": a.feedbackViews(c, list)})
}

// lastDays reads ?days= (default 30, at most 365) of the operators'
// listings into the window that ends now.
func (a *API) lastDays(c *gin.Context) (from, to time.Time, ok bool) {
	days, err := atoiRange(c.DefaultQuery("days", "30"), 1, 365)
	if err != nil {
		fail(c, badRequest("out_of_range", "days", "days must be 1 to 365"))
		return from, to, false
	}
	now := a.now()
	return now.AddDate(0, 0, -days), now.Add(time.Second), true
}
