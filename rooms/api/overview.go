package api

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/zadankai/zadankai/rooms"
)

// platformOverview shows operators what they run the platform by over
// the last ?days= (1–365, default 30): members and active members by
// company, consultations requested, held and cancelled, roundtables held
// with the seats taken and the people who came, problem reports and
// no-shows. Exact counts: operators only.
func (a *API) platformOverview(c *gin.Context) {
	days, err := strconv.Atoi(c.DefaultQuery("days", "30"))
	if err != nil || days < 1 || days > 365 {
		fail(c, badRequest("out_of_range", "days", "days must be 1 to 365"))
		return
	}
	now := a.now()
	in, err := a.loadOverview(c.Request.Context(), now.AddDate(0, 0, -days), now)
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"days": days, "overview": rooms.ComputeOverview(in)})
}

// loadOverview reads what the overview of [from, to) is computed from.
func (a *API) loadOverview(ctx context.Context, from, to time.Time) (rooms.OverviewInput, error) {
	in := rooms.OverviewInput{From: from, To: to, Seats: map[rooms.RoundtableID]int{}, Attendees: map[rooms.RoundtableID][]rooms.MemberID{}}
	var err error
	if in.Companies, err = a.store.ListCompanies(ctx); err != nil {
		return in, err
	}
	for _, co := range in.Companies {
		ms, err := a.store.ListMembersByCompany(ctx, co.ID)
		if err != nil {
			return in, err
		}
		in.Members = append(in.Members, ms...)
	}
	// A consultation held or cancelled in the period may have been
	// requested long before it.
	if in.Consultations, err = a.store.ListConsultationsCreatedBetween(ctx, from.Add(-statsLookback), to.Add(time.Second)); err != nil {
		return in, err
	}
	if in.Feedback, err = a.store.ListFeedbackBetween(ctx, from, to.Add(time.Second)); err != nil {
		return in, err
	}
	if in.Roundtables, err = a.store.ListRoundtables(ctx, from, to); err != nil {
		return in, err
	}
	for _, r := range in.Roundtables {
		if err := a.loadAttendance(ctx, r, to, &in); err != nil {
			return in, err
		}
	}
	return in, nil
}

// loadAttendance counts r's seats taken and who opened its room.
func (a *API) loadAttendance(ctx context.Context, r *rooms.Roundtable, to time.Time, in *rooms.OverviewInput) error {
	regs, err := a.store.ListRegistrations(ctx, r.ID)
	if err != nil {
		return err
	}
	for _, reg := range regs {
		if reg.Status == rooms.Registered {
			in.Seats[r.ID]++
		}
	}
	claims, err := a.store.ListClaims(ctx, rooms.AttendancePrefix(r.ID), to.Add(time.Second))
	if err != nil {
		return err
	}
	for _, cl := range claims {
		if m, ok := rooms.AttendeeOf(r.ID, cl.Key); ok {
			in.Attendees[r.ID] = append(in.Attendees[r.ID], m)
		}
	}
	return nil
}

// recordAttendance notes, once, that a member with a seat opened a
// roundtable's room; the join goes on if the note cannot be written.
func (a *API) recordAttendance(ctx context.Context, r *rooms.Roundtable, me *rooms.Member, role string, now time.Time) {
	if role != roomRoleAudience && role != roomRoleMember {
		return // moderators and guests run it; they are not its attendance
	}
	if a.media.EventsRecordAttendance {
		return // her participant_joined records it, once she is actually in
	}
	err := a.store.ClaimOnce(ctx, rooms.AttendanceKey(r.ID, me.ID), now)
	if err != nil && !errors.Is(err, rooms.ErrConflict) {
		a.log.WarnContext(ctx, "recording roundtable attendance", "roundtable_id", r.ID, "err", err)
	}
}
