package rooms

import (
	"testing"
	"time"
)

func TestMonthlyStatsSuppressesSmallGroups(t *testing.T) {
	loc := time.UTC
	now := time.Date(2026, 11, 20, 0, 0, 0, 0, loc)
	co, other := NewCompanyID(), NewCompanyID()
	in := StatsInput{Company: co, Now: now, Location: loc}
	created := time.Date(2026, 11, 3, 0, 0, 0, 0, loc)
	past := Slot{Start: time.Date(2026, 11, 5, 12, 0, 0, 0, loc), Minutes: 30}
	// Six of our members each hold one consultation with someone elsewhere;
	// four of them rate it.
	for i := range 6 {
		m := NewMemberID()
		in.Consultations = append(in.Consultations, &Consultation{RequesterID: m, RecipientID: NewMemberID(),
			RequesterCompany: co, RecipientCompany: other, Status: StatusBooked, Booked: &past, CreatedAt: created})
		if i < 4 {
			in.Feedback = append(in.Feedback, &Feedback{AuthorID: m, AuthorCompany: co, Rating: 5, CreatedAt: created})
		}
	}
	// One cancellation by a seventh member.
	in.Consultations = append(in.Consultations, &Consultation{RequesterID: NewMemberID(), RecipientID: NewMemberID(),
		RequesterCompany: co, RecipientCompany: other, Status: StatusCancelled, CreatedAt: created})
	// Another company's consultations never count.
	in.Consultations = append(in.Consultations, &Consultation{RequesterID: NewMemberID(), RecipientID: NewMemberID(),
		RequesterCompany: other, RecipientCompany: other, Status: StatusCancelled, CreatedAt: created})
	got := MonthlyStats(in, []string{"2026-10", "2026-11"})
	nov := got[1]
	if v := nov.MembersActive.Value; v == nil || *v != 7 {
		t.Errorf("members active = %+v, want 7", nov.MembersActive)
	}
	if v := nov.ConsultationsHeld.Value; v == nil || *v != 6 {
		t.Errorf("held = %+v, want 6", nov.ConsultationsHeld)
	}
	if !nov.ConsultationsCancelled.Suppressed || nov.ConsultationsCancelled.Value != nil {
		t.Errorf("one cancellation must be suppressed: %+v", nov.ConsultationsCancelled)
	}
	if !nov.AverageRating.Suppressed {
		t.Errorf("a rating from 4 people must be suppressed: %+v", nov.AverageRating)
	}
	if !got[0].MembersActive.Suppressed {
		t.Errorf("an empty month must be suppressed, not zero: %+v", got[0].MembersActive)
	}
	in.Feedback = append(in.Feedback, &Feedback{AuthorID: NewMemberID(), AuthorCompany: co, Rating: 2, CreatedAt: created})
	if avg := MonthlyStats(in, []string{"2026-11"})[0].AverageRating; avg.Value == nil || *avg.Value != 4.4 {
		t.Errorf("average of 5 ratings = %+v, want 4.4", avg)
	}
	if m := LastMonths(now, loc, 3); m[0] != "2026-09" || m[2] != "2026-11" {
		t.Errorf("LastMonths = %v", m)
	}
}

// TestMonthlyStatsCountEventsInTheirMonth: a consultation requested in
// October, held in November and one cancelled in December count in the
// month each thing happened, so a closed month's figures are final.
func TestMonthlyStatsCountEventsInTheirMonth(t *testing.T) {
	loc := time.UTC
	co, other := NewCompanyID(), NewCompanyID()
	oct, nov, dec := time.Date(2026, 10, 20, 0, 0, 0, 0, loc), time.Date(2026, 11, 10, 0, 0, 0, 0, loc), time.Date(2026, 12, 3, 0, 0, 0, 0, loc)
	in := StatsInput{Company: co, Now: dec.Add(time.Hour), Location: loc}
	for range 5 {
		held := Slot{Start: nov, Minutes: 30}
		in.Consultations = append(in.Consultations,
			&Consultation{RequesterID: NewMemberID(), RecipientID: NewMemberID(), RequesterCompany: co, RecipientCompany: other,
				Status: StatusBooked, Booked: &held, CreatedAt: oct},
			&Consultation{RequesterID: NewMemberID(), RecipientID: NewMemberID(), RequesterCompany: co, RecipientCompany: other,
				Status: StatusCancelled, CreatedAt: oct, CancelledAt: dec})
	}
	got := MonthlyStats(in, []string{"2026-10", "2026-11", "2026-12"})
	count := func(f Figure) float64 {
		if f.Value == nil {
			return -1
		}
		return *f.Value
	}
	for _, c := range []struct {
		what string
		fig  Figure
		want float64
	}{
		{"October requests", got[0].ConsultationsRequested, 10},
		{"October held", got[0].ConsultationsHeld, -1},
		{"October cancelled", got[0].ConsultationsCancelled, -1},
		{"November held", got[1].ConsultationsHeld, 5},
		{"December cancelled", got[2].ConsultationsCancelled, 5},
	} {
		if count(c.fig) != c.want {
			t.Errorf("%s = %+v, want %v (-1: suppressed)", c.what, c.fig, c.want)
		}
	}
	if m := ClosedMonths(dec, loc, 2); len(m) != 2 || m[0] != "2026-10" || m[1] != "2026-11" {
		t.Errorf("ClosedMonths = %v, want the two months before December", m)
	}
}

// TestMonthlyStatsMembersJoined counts the members whose invitation was
// accepted in the month: not the admin's own account, not invitations
// still open, revoked or expired, not another company's.
func TestMonthlyStatsMembersJoined(t *testing.T) {
	loc := time.UTC
	co, other := NewCompanyID(), NewCompanyID()
	nov := time.Date(2026, 11, 10, 0, 0, 0, 0, loc)
	in := StatsInput{Company: co, Now: time.Date(2026, 12, 2, 0, 0, 0, 0, loc), Location: loc}
	accepted := func(role Role, company CompanyID, at time.Time) *Invitation {
		return &Invitation{Role: role, CompanyID: company, CreatedAt: at.Add(-24 * time.Hour), AcceptedAt: at, AcceptedBy: NewMemberID()}
	}
	for range 5 {
		in.Invitations = append(in.Invitations, accepted(RoleMember, co, nov))
	}
	in.Invitations = append(in.Invitations,
		accepted(RoleCompanyAdmin, co, nov),                                          // the admin herself
		accepted(RoleMember, other, nov),                                             // someone elsewhere
		accepted(RoleMember, co, nov.AddDate(0, -1, 0)),                              // joined in October
		&Invitation{Role: RoleMember, CompanyID: co, CreatedAt: nov},                 // still open
		&Invitation{Role: RoleMember, CompanyID: co, CreatedAt: nov, RevokedAt: nov}, // revoked
	)
	got := MonthlyStats(in, []string{"2026-10", "2026-11"})
	if v := got[1].MembersJoined.Value; v == nil || *v != 5 {
		t.Errorf("November joined = %+v, want 5", got[1].MembersJoined)
	}
	if !got[0].MembersJoined.Suppressed {
		t.Errorf("October's one member must be suppressed: %+v", got[0].MembersJoined)
	}
	in.Exact = true
	exact := MonthlyStats(in, []string{"2026-10"})[0]
	if v := exact.MembersJoined.Value; v == nil || *v != 1 {
		t.Errorf("exact October joined = %+v, want 1", exact.MembersJoined)
	}
	if exact.AverageRating.Value != nil || exact.AverageRating.Suppressed {
		t.Errorf("no rating at all is no average, not %+v", exact.AverageRating)
	}
}
