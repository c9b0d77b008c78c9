package api

import (
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/zadankai/zadankai/rooms"
)

var tokyo = func() *time.Location {
	loc, err := time.LoadLocation("Asia/Tokyo")
	if err != nil {
		return time.FixedZone("JST", 9*3600)
	}
	return loc
}()

// monthsParam reads ?months= (1–24, default 6).
func monthsParam(c *gin.Context) (int, error) {
	s := c.DefaultQuery("months", "6")
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > 24 {
		return 0, badRequest("out_of_range", "months", "months must be 1 to 24")
	}
	return n, nil
}

// statsLookback is how long before the first month a consultation held
// or cancelled in it may have been requested (slots lie at most 90 days
// ahead; reschedules move them further).
const statsLookback = 366 * 24 * time.Hour

// computeStats computes the figures of the months listed for company
// (empty = platform, with exact figures for operators) from what is
// stored now.
func (a *API) computeStats(c *gin.Context, company rooms.CompanyID, months []string) ([]rooms.MonthStats, error) {
	now := a.now()
	from, _ := time.ParseInLocation("2006-01", months[0], tokyo)
	in := rooms.StatsInput{Company: company, Now: now, Location: tokyo, Exact: company == ""}
	var err error
	if in.Invitations, err = a.store.ListInvitations(c.Request.Context(), company); err != nil {
		return nil, err
	}
	if in.Consultations, err = a.store.ListConsultationsCreatedBetween(c.Request.Context(), from.Add(-statsLookback), now.Add(time.Second)); err != nil {
		return nil, err
	}
	if in.Feedback, err = a.store.ListFeedbackBetween(c.Request.Context(), from, now.Add(time.Second)); err != nil {
		return nil, err
	}
	return rooms.MonthlyStats(in, months), nil
}

// publishedStats returns company's figures of the n months before this
// one, publishing those nobody has asked for since they closed. The
// month under way is never shown, and a published month never changes:
// a rating given, a consultation cancelled or an account deleted later
// shows in no figure an admin has already seen, so two reads never tell
// one person's action apart.
func (a *API) publishedStats(c *gin.Context, company rooms.CompanyID, n int) ([]rooms.MonthStats, error) {
	months := rooms.ClosedMonths(a.now(), tokyo, n)
	out := make([]rooms.MonthStats, len(months))
	missing := -1 // the first month not yet published
	for i := len(months) - 1; i >= 0; i-- {
		s, err := a.store.GetMonthStats(c.Request.Context(), company, months[i])
		if errors.Is(err, rooms.ErrNotFound) {
			missing = i
			continue
		} else if err != nil {
			return nil, err
		}
		out[i] = *s
	}
	if missing < 0 {
		return out, nil
	}
	computed, err := a.computeStats(c, company, months[missing:])
	if err != nil {
		return nil, err
	}
	for i, s := range computed {
		if out[missing+i].Month != "" {
			continue // published already
		}
		stored, err := a.store.PublishMonthStats(c.Request.Context(), company, &s)
		if err != nil {
			return nil, err
		}
		out[missing+i] = *stored
	}
	return out, nil
}

// companyStats shows a company's admin (or an operator) the company's
// aggregates per closed month: never names, never who met whom, never
// feedback text, and no figure from fewer than five people.
func (a *API) companyStats(c *gin.Context) {
	co, ok := a.visibleCompany(c)
	if !ok {
		return
	}
	if r := currentMember(c).Role; r != rooms.RoleCompanyAdmin && r != rooms.RoleOperator {
		fail(c, rooms.ErrForbidden)
		return
	}
	n, err := monthsParam(c)
	if err != nil {
		fail(c, err)
		return
	}
	s, err := a.publishedStats(c, co.ID, n)
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"company_id": co.ID, "min_group": rooms.MinGroup, "closed_months_only": true, "months": s})
}

// platformStats is the operators' platform-wide view, live, with the
// month under way and no suppression: operators may see individual
// activity anyway (they read feedback by name), and a platform run on
// "—" cannot be run.
func (a *API) platformStats(c *gin.Context) {
	n, err := monthsParam(c)
	if err != nil {
		fail(c, err)
		return
	}
	s, err := a.computeStats(c, "", rooms.LastMonths(a.now(), tokyo, n))
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"min_group": 0, "closed_months_only": false, "months": s})
}

// FeedbackView is feedback as operators see it.
type FeedbackView struct {
	ConsultationID rooms.ConsultationID `json:"consultation_id"`
	AuthorID       rooms.MemberID       `json:"author_id"`
	Rating         int                  `json:"rating"`
	Tags           []string             `json:"tags"`
	Text           string               `json:"text"`
	WouldMeetAgain bool                 `json:"would_meet_again"`
	Report         string               `json:"report,omitempty"`
	CreatedAt      time.Time            `json:"created_at"`
	// Who wrote it and about whom, by name and company: operators only
	// (this list is theirs alone), so reports can be acted on.
	Author Party `json:"author"`
	About  Party `json:"about"`
}

// Party names a person and their company for operators.
type Party struct {
	ID          rooms.MemberID  `json:"id"`
	DisplayName string          `json:"display_name"`
	CompanyID   rooms.CompanyID `json:"company_id,omitempty"`
	CompanyName string          `json:"company_name,omitempty"`
}

// listFeedback shows operators feedback of the last ?days= (default 30,
// at most 365); ?reports=1 keeps only entries that report a problem.
func (a *API) listFeedback(c *gin.Context) {
	days, err := strconv.Atoi(c.DefaultQuery("days", "30"))
	if err != nil || days < 1 || days > 365 {
		fail(c, badRequest("out_of_range", "days", "days must be 1 to 365"))
		return
	}
	onlyReports := c.Query("reports") == "1"
	list, err := a.store.ListFeedbackBetween(c.Request.Context(), a.now().AddDate(0, 0, -days), a.now().Add(time.Second))
	if err != nil {
		fail(c, err)
		return
	}
	out := []FeedbackView{}
	names := a.partyNamer(c)
	for i := len(list) - 1; i >= 0; i-- {
		f := list[i]
		if onlyReports && f.Report == "" {
			continue
		}
		v := FeedbackView{ConsultationID: f.ConsultationID, AuthorID: f.AuthorID, Rating: f.Rating,
			Tags: f.Tags, Text: f.Text, WouldMeetAgain: f.WouldMeetAgain, Report: f.Report, CreatedAt: f.CreatedAt,
			Author: names(f.AuthorID)}
		if cs, err := a.store.GetConsultation(c.Request.Context(), f.ConsultationID); err == nil {
			other, _ := cs.Party(f.AuthorID)
			v.About = names(other)
		}
		out = append(out, v)
	}
	c.JSON(http.StatusOK, gin.H{"feedback": out})
}

// partyNamer looks people and their companies up once per request.
func (a *API) partyNamer(c *gin.Context) func(rooms.MemberID) Party {
	people := map[rooms.MemberID]Party{}
	companies := map[rooms.CompanyID]string{}
	return func(id rooms.MemberID) Party {
		if p, ok := people[id]; ok {
			return p
		}
		p := Party{ID: id}
		if m, err := a.store.GetMember(c.Request.Context(), id); err == nil {
			p.DisplayName, p.CompanyID = m.DisplayName, m.CompanyID
			name, ok := companies[m.CompanyID]
			if !ok && m.CompanyID != "" {
				if co, err := a.store.GetCompany(c.Request.Context(), m.CompanyID); err == nil {
					name = co.Name
				}
				companies[m.CompanyID] = name
			}
			p.CompanyName = name
		}
		people[id] = p
		return p
	}
}
