package rooms

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// seedDemoActivity gives every demo member a first batch of
// recommendations (until the recommendation job makes real ones) and books
// one consultation tomorrow evening, so every flow can be tried at once.
func seedDemoActivity(ctx context.Context, s Store, now time.Time) error {
	var members []*Member
	var profiles = map[MemberID]*Profile{}
	for _, dc := range demoData {
		for _, dm := range slices.Concat(dc.members, dc.extras) {
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

// demoReasons says why o suits me as the engine would, naming the
// themes they share.
func demoReasons(me, o *Profile) []Reason {
	var shared []string
	for _, t := range o.Themes {
		if slices.Contains(me.Themes, t) {
			shared = append(shared, t)
		}
	}
	slices.Sort(shared)
	var rs []Reason
	if len(shared) > 0 {
		rs = append(rs, Reason{Code: "shared_themes", Params: map[string]string{"n": fmt.Sprint(len(shared)), "themes": strings.Join(shared, ",")}})
	}
	if d := o.YearsExperience - me.YearsExperience; d >= 3 && o.JobFunction == me.JobFunction {
		rs = append(rs, Reason{Code: "years_ahead_same_function", Params: map[string]string{"years": fmt.Sprint(d)}})
	}
	if o.Industry != me.Industry {
		rs = append(rs, Reason{Code: "different_industry"})
	}
	return rs
}

// seedDemoConsultation gives 山田 花子 one consultation in each state a
// new user wants to try: booked tomorrow 21:00 JST with 高橋 洋子, booked
// right now with 渡辺 大輔 (the room is open), ended yesterday with 高橋
// 洋子 (feedback is open), and a request from Emma Wilson waiting for her
// answer. 伊藤 美香 stays free to be asked, from her free times.
func seedDemoConsultation(ctx context.Context, s Store, now time.Time) error {
	emails := []string{"hanako@sakura.example", "yoko@minato.example", "daisuke@aozora.example", "emma@minato.example"}
	people := make([]*Member, len(emails))
	for i, e := range emails {
		m, err := s.GetMemberByEmail(ctx, e)
		if err != nil {
			return err
		}
		people[i] = m
	}
	hanako, yoko, daisuke, emma := people[0], people[1], people[2], people[3]
	if list, err := s.ListMemberConsultations(ctx, hanako.ID); err != nil || len(list) > 0 {
		return err
	}
	day := now.In(tokyo).AddDate(0, 0, 1)
	tomorrow := Slot{Start: time.Date(day.Year(), day.Month(), day.Day(), 21, 0, 0, 0, tokyo).UTC(), Minutes: 45}
	current := Slot{Start: now.Truncate(15 * time.Minute).UTC(), Minutes: 60}
	y := now.In(tokyo).AddDate(0, 0, -1)
	yesterday := Slot{Start: time.Date(y.Year(), y.Month(), y.Day(), 12, 0, 0, 0, tokyo).UTC(), Minutes: 30}
	notes := []string{"管理職になるか迷っています。お話を聞かせてください。", "育休を取ったときの職場との調整について伺いたいです。", "昇進の面接の準備について相談させてください。"}
	for i, b := range []struct {
		peer *Member
		slot Slot
	}{{yoko, tomorrow}, {daisuke, current}, {yoko, yesterday}} {
		if err := seedBooking(ctx, s, now, hanako, b.peer, b.slot, notes[i]); err != nil {
			return err
		}
	}
	return seedDemoRequest(ctx, s, now, emma, hanako)
}

// seedBooking books from and to at slot; a time already taken (by an
// earlier partial seed) is left out quietly.
func seedBooking(ctx context.Context, s Store, now time.Time, from, to *Member, slot Slot, note string) error {
	c := &Consultation{ID: NewConsultationID(), RequesterID: from.ID, RecipientID: to.ID, RequesterCompany: from.CompanyID,
		RecipientCompany: to.CompanyID, Note: note, Mode: ModeOnline, Status: StatusRequested, AwaitingID: to.ID,
		Proposed: []Slot{slot}, ExpiresAt: now.Add(72 * time.Hour), NoShows: []MemberID{}}
	if err := s.CreateConsultation(ctx, c); err != nil {
		return err
	}
	c.Status, c.Booked, c.Sequence = StatusBooked, &slot, 1
	if err := s.UpdateConsultationTime(ctx, c, c.TimeKeys(), nil); err != nil && !errors.Is(err, ErrConflict) {
		return err
	}
	return nil
}

// seedDemoRequest has from ask to for one of to's free times on each of
// the next three days that have one.
func seedDemoRequest(ctx context.Context, s Store, now time.Time, from, to *Member) error {
	av, err := s.GetAvailability(ctx, to.ID)
	if err != nil {
		return err
	}
	var busy []Slot // to's bookings: accepting any proposal must succeed
	list, err := s.ListMemberConsultations(ctx, to.ID)
	if err != nil {
		return err
	}
	for _, c := range list {
		if c.Booked != nil {
			busy = append(busy, *c.Booked)
		}
	}
	free, _ := av.FreeSlots(now.Add(2*time.Hour), now.Add(14*24*time.Hour), 45, time.Hour, busy, 200)
	var proposed []Slot
	for _, f := range free {
		if len(proposed) < 3 && (len(proposed) == 0 || f.Start.In(tokyo).YearDay() != proposed[len(proposed)-1].Start.In(tokyo).YearDay()) {
			proposed = append(proposed, Slot{Start: f.Start.UTC(), Minutes: f.Minutes})
		}
	}
	if len(proposed) == 0 {
		return nil
	}
	c := &Consultation{ID: NewConsultationID(), RequesterID: from.ID, RecipientID: to.ID, RequesterCompany: from.CompanyID,
		RecipientCompany: to.CompanyID, Note: "Hello! I'd love to hear how you balance leading a team with two kids.",
		Mode: ModeOnline, Status: StatusRequested, AwaitingID: to.ID, Proposed: proposed,
		ExpiresAt: now.Add(72 * time.Hour), NoShows: []MemberID{}}
	return s.CreateConsultation(ctx, c)
}
