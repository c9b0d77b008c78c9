package rooms

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"
)

// seedDemoActivity gives every demo member a first batch of
// recommendations (until the recommendation job makes real ones) and books
// one consultation tomorrow evening, so every flow can be tried at once.
func seedDemoActivity(ctx context.Context, s Store, now time.Time) error {
	var members []*Member
	var profiles = map[MemberID]*Profile{}
	for _, dc := range demoData {
		for _, dm := range dc.members {
			m, err := s.GetMemberByEmail(ctx, dm.email)
			if err != nil {
				return err
			}
			if p, err := s.GetProfile(ctx, m.ID); err == nil && m.Role == RoleMember {
				members, profiles[m.ID] = append(members, m), p
			}
		}
	}
	for _, m := range members {
		if _, err := s.GetRecommendation(ctx, m.ID); err == nil {
			continue // already seeded
		}
		r := &Recommendation{MemberID: m.ID, MadeAt: now}
		for _, o := range members {
			if o.CompanyID == m.CompanyID {
				continue
			}
			r.Candidates = append(r.Candidates, Candidate{MemberID: o.ID, Score: 1, Reasons: demoReasons(profiles[m.ID], profiles[o.ID])})
		}
		if err := s.SaveRecommendation(ctx, r); err != nil {
			return err
		}
	}
	return seedDemoConsultation(ctx, s, now)
}

func demoReasons(me, o *Profile) []Reason {
	shared := 0
	for _, t := range o.Themes {
		if slices.Contains(me.Themes, t) {
			shared++
		}
	}
	var rs []Reason
	if shared > 0 {
		rs = append(rs, Reason{Code: "shared_themes", Params: map[string]string{"n": fmt.Sprint(shared)}})
	}
	if d := o.YearsExperience - me.YearsExperience; d >= 3 && o.JobFunction == me.JobFunction {
		rs = append(rs, Reason{Code: "years_ahead_same_function", Params: map[string]string{"years": fmt.Sprint(d)}})
	}
	if o.Industry != me.Industry {
		rs = append(rs, Reason{Code: "different_industry"})
	}
	return rs
}

// seedDemoConsultation books 山田 花子 and 高橋 洋子 for tomorrow 21:00 JST.
func seedDemoConsultation(ctx context.Context, s Store, now time.Time) error {
	a, err1 := s.GetMemberByEmail(ctx, "hanako@sakura.example")
	b, err2 := s.GetMemberByEmail(ctx, "yoko@minato.example")
	if err := errors.Join(err1, err2); err != nil {
		return err
	}
	if list, err := s.ListMemberConsultations(ctx, a.ID); err != nil || len(list) > 0 {
		return err
	}
	day := now.In(tokyo).AddDate(0, 0, 1)
	slot := Slot{Start: time.Date(day.Year(), day.Month(), day.Day(), 21, 0, 0, 0, tokyo).UTC(), Minutes: 45}
	for _, k := range append(BusyKeys(a.ID, slot), BusyKeys(b.ID, slot)...) {
		if err := s.ClaimOnce(ctx, k, now); err != nil {
			return nil // the time is taken: leave the demo without it
		}
	}
	c := &Consultation{ID: NewConsultationID(), RequesterID: a.ID, RecipientID: b.ID, RequesterCompany: a.CompanyID,
		RecipientCompany: b.CompanyID, Note: "管理職になるか迷っています。お話を聞かせてください。", Mode: ModeOnline,
		Status: StatusBooked, AwaitingID: b.ID, Proposed: []Slot{slot}, Booked: &slot, Sequence: 1,
		ExpiresAt: now.Add(72 * time.Hour), NoShows: []MemberID{}}
	return s.CreateConsultation(ctx, c)
}
