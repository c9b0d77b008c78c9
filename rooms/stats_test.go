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
