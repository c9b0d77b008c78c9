package api

import (
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/zadankai/zadankai/rooms"
)

// roundtableFilter is what ?axis=, ?theme=, ?format=, ?date=, ?days=,
// ?when=, ?limit= and ?cursor= ask for, checked.
type roundtableFilter struct {
	axis, theme, format string
	date                string // YYYY-MM-DD in zone
	zone                *time.Location
	days                int
	past                bool
	page                page
}

func parseRoundtableFilter(c *gin.Context, me *rooms.Member, now time.Time) (roundtableFilter, error) {
	f := roundtableFilter{axis: c.Query("axis"), theme: c.Query("theme"), format: c.Query("format"), date: c.Query("date"), days: 90}
	if s := c.Query("days"); s != "" {
		n, err := atoiRange(s, 1, 365)
		if err != nil {
			return f, badRequest("out_of_range", "days", "days must be 1 to 365")
		}
		f.days = n
	}
	switch c.Query("when") {
	case "", "upcoming":
	case "past":
		f.past = true
	default:
		return f, badRequest("unknown_value", "when", "when must be upcoming or past")
	}
	var err error
	if f.page, err = parsePage(c, f.past, now); err != nil {
		return f, err
	}
	if f.axis != "" && f.axis != string(rooms.AxisLife) && f.axis != string(rooms.AxisCareer) {
		return f, badRequest("unknown_value", "axis", "axis must be life or career")
	}
	if _, ok := rooms.ThemeByID(f.theme); f.theme != "" && !ok {
		return f, badRequest("unknown_value", "theme", "unknown theme")
	}
	switch rooms.Format(f.format) {
	case "", rooms.FormatOnline, rooms.FormatInPerson, rooms.FormatHybrid:
	default:
		return f, badRequest("unknown_value", "format", "format must be online, in_person or hybrid")
	}
	if d, err := time.Parse(time.DateOnly, f.date); f.date != "" && err != nil {
		return f, badRequest("malformed", "date", "date must be YYYY-MM-DD")
	} else if f.date != "" && rooms.TooFar(d, now) {
		return f, badRequest("too_far", "date", "date must be within two years")
	}
	f.zone = tokyo
	if loc, err := time.LoadLocation(me.TimeZone); err == nil && me.TimeZone != "" {
		f.zone = loc
	}
	return f, nil
}

func (f roundtableFilter) match(r *rooms.Roundtable) bool {
	switch {
	case f.axis != "" && string(r.Axis) != f.axis,
		f.theme != "" && !slices.Contains(r.Themes, f.theme),
		f.format != "" && string(r.Format) != f.format,
		f.date != "" && r.Start.In(f.zone).Format(time.DateOnly) != f.date:
		return false
	}
	return true
}

// roundtableEvent is r's calendar entry for m (their own copy).
func (a *API) roundtableEvent(r *rooms.Roundtable, m *rooms.Member) rooms.CalendarEvent {
	ev := rooms.CalendarEvent{UID: string(r.ID) + "@zadankai", Sequence: int(r.Version), Start: r.Start, End: r.End(),
		Summary: "座談会 / Zadankai: " + r.Title, Description: r.Description, URL: a.publicURL + "/roundtables?id=" + string(r.ID),
		Organizer: a.fromAddress, Attendee: m.Email, AttendeeCN: m.DisplayName, Location: r.Venue}
	if r.Format == rooms.FormatOnline {
		ev.Location = ev.URL
	}
	return ev
}

// roundtableICS downloads the calendar entry for people with a seat, the
// guest speakers and the moderators.
func (a *API) roundtableICS(c *gin.Context) {
	r, me, ok := a.myRoundtable(c)
	if !ok {
		return
	}
	in, err := a.tookPart(c, r, me)
	if err != nil {
		fail(c, err)
		return
	}
	if !in {
		fail(c, &Error{Status: http.StatusForbidden, Code: "not_registered", Message: "register for this roundtable first"})
		return
	}
	method := rooms.MethodRequest
	if r.Cancelled {
		method = rooms.MethodCancel
	}
	c.Header("Content-Disposition", `attachment; filename="zadankai-`+string(r.ID)+`.ics"`)
	c.Data(http.StatusOK, "text/calendar; charset=utf-8", rooms.ICS(a.roundtableEvent(r, me), method, a.now()))
}

// AuditView is one moderation action as operators read it.
type AuditView struct {
	ID           string             `json:"id"`
	RoundtableID rooms.RoundtableID `json:"roundtable_id"`
	Title        string             `json:"roundtable_title"`
	Actor        PeerView           `json:"actor"`
	Action       string             `json:"action"`
	Target       *PeerView          `json:"target,omitempty"`
	Detail       string             `json:"detail,omitempty"`
	At           time.Time          `json:"at"`
}

// auditCursor is "<unix ms>.<entry id>" of the last entry of a page.
func auditCursor(e *rooms.AuditEntry) string {
	return strconv.FormatInt(e.At.UnixMilli(), 10) + "." + e.ID
}

func parseAuditQuery(c *gin.Context, now time.Time) (rooms.AuditQuery, error) {
	q := rooms.AuditQuery{Roundtable: rooms.RoundtableID(c.Query("roundtable_id")), Limit: 50}
	if q.Roundtable != "" && !q.Roundtable.Valid() {
		return q, badRequest("malformed", "roundtable_id", "not a roundtable id")
	}
	if s := c.Query("limit"); s != "" {
		n, err := atoiRange(s, 1, 200)
		if err != nil {
			return q, badRequest("out_of_range", "limit", "limit must be 1 to 200")
		}
		q.Limit = n
	}
	if s := c.Query("before"); s != "" {
		ms, id, found := strings.Cut(s, ".")
		n, err := strconv.ParseInt(ms, 10, 64)
		if !found || err != nil || n <= 0 || rooms.TooFar(time.UnixMilli(n), now) || !strings.HasPrefix(id, "au_") || len(id) > 64 {
			return q, badRequest("malformed", "before", "before must be the next cursor of the previous page")
		}
		q.Before, q.BeforeID = time.UnixMilli(n).UTC(), id
	}
	return q, nil
}

// listAllAudit pages operators through moderation actions across every
// roundtable (or one, with ?roundtable_id=), newest first: ?limit= (1–200,
// default 50) and ?before= the "next" cursor of the previous page.
func (a *API) listAllAudit(c *gin.Context) {
	q, err := parseAuditQuery(c, a.now())
	if err != nil {
		fail(c, err)
		return
	}
	list, err := a.store.ListAuditPage(c.Request.Context(), q)
	if err != nil {
		fail(c, err)
		return
	}
	titles, names := map[rooms.RoundtableID]string{}, map[rooms.MemberID]string{}
	out := make([]AuditView, 0, len(list))
	for _, e := range list {
		v := AuditView{ID: e.ID, RoundtableID: e.RoundtableID, Title: a.roundtableTitle(c, titles, e.RoundtableID), Action: e.Action, Detail: e.Detail, At: e.At,
			Actor: PeerView{ID: e.ActorID, DisplayName: a.displayName(c, names, e.ActorID)}}
		if e.TargetID != "" {
			v.Target = &PeerView{ID: e.TargetID, DisplayName: a.displayName(c, names, e.TargetID)}
		}
		out = append(out, v)
	}
	next := ""
	if len(list) == q.Limit {
		next = auditCursor(list[len(list)-1])
	}
	c.JSON(http.StatusOK, gin.H{"entries": out, "next": next})
}

// PersonView is someone an organiser can name as moderator or speaker.
type PersonView struct {
	ID          rooms.MemberID `json:"id"`
	DisplayName string         `json:"display_name"`
	Email       string         `json:"email,omitempty"` // operators only
}

// listRoundtablePeople gives organisers (operators and trained
// moderators) the moderators and guest speakers they can name. Nobody
// else gets a directory of people.
func (a *API) listRoundtablePeople(c *gin.Context) {
	me := currentMember(c)
	if !me.CanModerate() {
		fail(c, rooms.ErrForbidden)
		return
	}
	cos, err := a.store.ListCompanies(c.Request.Context())
	if err != nil {
		fail(c, err)
		return
	}
	mods, speakers := []PersonView{}, []PersonView{}
	for _, co := range append([]rooms.CompanyID{""}, companyIDs(cos)...) {
		ms, err := a.store.ListMembersByCompany(c.Request.Context(), co)
		if err != nil {
			fail(c, err)
			return
		}
		for _, m := range ms {
			p := PersonView{ID: m.ID, DisplayName: m.DisplayName}
			if me.Role == rooms.RoleOperator {
				p.Email = m.Email
			}
			if m.CanModerate() {
				mods = append(mods, p)
			}
			if m.Role == rooms.RoleGuestSpeaker {
				speakers = append(speakers, p)
			}
		}
	}
	c.JSON(http.StatusOK, gin.H{"moderators": mods, "speakers": speakers})
}

func companyIDs(cos []*rooms.Company) []rooms.CompanyID {
	out := make([]rooms.CompanyID, len(cos))
	for i, co := range cos {
		out[i] = co.ID
	}
	return out
}

type moderatorRequest struct {
	Email     string `json:"email"`
	Moderator *bool  `json:"moderator"`
}

// nameModerator lets an operator mark a member as a trained moderator (or
// take it back): moderators can then organise roundtables and be named to
// run them. Taking it back leaves them on the roundtables they already run.
func (a *API) nameModerator(c *gin.Context) {
	var req moderatorRequest
	if err := bindJSON(c, &req); err != nil {
		fail(c, err)
		return
	}
	email := rooms.NormalizeEmail(req.Email)
	switch {
	case email == "":
		fail(c, rooms.Invalid("email", "required", "say whose account it is"))
		return
	case req.Moderator == nil:
		fail(c, rooms.Invalid("moderator", "required", "say whether they moderate"))
		return
	}
	m, err := a.store.GetMemberByEmail(c.Request.Context(), email)
	if errors.Is(err, rooms.ErrNotFound) {
		err = rooms.Invalid("email", "unknown_member", "no account has this email")
	}
	if err != nil {
		fail(c, err)
		return
	}
	if m.Role != rooms.RoleMember {
		fail(c, rooms.Invalid("email", "not_a_member", "only members are named moderators (operators always are)"))
		return
	}
	if m.Moderator != *req.Moderator {
		m.Moderator = *req.Moderator
		if err := a.store.UpdateMember(c.Request.Context(), m); err != nil {
			if errors.Is(err, rooms.ErrConflict) {
				err = errStale
			}
			fail(c, err)
			return
		}
	}
	c.JSON(http.StatusOK, gin.H{"id": m.ID, "display_name": m.DisplayName, "email": m.Email, "moderator": m.Moderator})
}
