package rooms

import (
	"context"
	"errors"
	"time"
)

// Titles of the demo roundtables; seeding looks them up by title so that
// running it at every start adds only what is missing.
const (
	DemoStageTitle = "管理職という選択 — 先輩に聞くキャリアの話"
	DemoRoundTitle = "保育園と仕事の両立 — 小さな座談会"
	DemoLiveTitle  = "いまから座談会（ライブ体験）"
	DemoPastTitle  = "育休復帰のリアル"
)

// demoPeople are the accounts the demo roundtables name.
type demoPeople struct {
	operator, hanako, speaker *Member
	audience                  []*Member // members who are neither moderators nor speakers
}

func loadDemoPeople(ctx context.Context, s Store) (demoPeople, error) {
	var p demoPeople
	var err error
	get := func(email string) *Member {
		m, e := s.GetMemberByEmail(ctx, email)
		err = errors.Join(err, e)
		return m
	}
	p.operator, p.hanako, p.speaker = get("operator@zadankai.example"), get("hanako@sakura.example"), get("speaker@guest.example")
	for _, e := range []string{"yoko@minato.example", "emma@minato.example", "mika@aozora.example", "daisuke@aozora.example", "keiko@sakura.example"} {
		p.audience = append(p.audience, get(e))
	}
	return p, err
}

// seedDemoRoundtables makes sure the demo has: an upcoming stage
// roundtable with a guest speaker and a moderator, open for registration;
// a small hybrid round; one whose join window is open now (every demo
// member already has a seat, and others may still register until it
// starts); and one that ended yesterday, so feedback can be tried.
func seedDemoRoundtables(ctx context.Context, s Store, now time.Time) error {
	p, err := loadDemoPeople(ctx, s)
	if errors.Is(err, ErrNotFound) {
		return nil // a demo account was deleted: leave the roundtables as they are
	} else if err != nil {
		return err
	}
	existing, err := s.ListRoundtables(ctx, now.AddDate(0, 0, -3), now.AddDate(0, 0, 30))
	if err != nil {
		return err
	}
	has := func(title string, ok func(*Roundtable) bool) bool {
		for _, r := range existing {
			if r.Title == title && !r.Cancelled && ok(r) {
				return true
			}
		}
		return false
	}
	upcoming := func(r *Roundtable) bool { return r.Start.After(now) }
	day := func(days, hour int) time.Time {
		d := now.In(tokyo).AddDate(0, 0, days)
		return time.Date(d.Year(), d.Month(), d.Day(), hour, 0, 0, 0, tokyo).UTC()
	}
	ids := func(ms ...*Member) []MemberID {
		out := []MemberID{}
		for _, m := range ms {
			out = append(out, m.ID)
		}
		return out
	}
	var plan []*Roundtable
	if !has(DemoStageTitle, upcoming) {
		plan = append(plan, &Roundtable{Title: DemoStageTitle, Axis: AxisCareer, Themes: []string{"promotion", "leadership"},
			Description: "子育てしながら管理職になった先輩をゲストに迎えます。質問は手を挙げてどうぞ。 / A guest who became a manager while raising children. Raise your hand to ask.",
			Start:       day(7, 20), Minutes: 60, Format: FormatOnline, Capacity: 30, Talk: TalkStage, CloseBefore: time.Hour,
			Moderators: ids(p.hanako, p.operator), Speakers: ids(p.speaker)})
	}
	if !has(DemoRoundTitle, upcoming) {
		plan = append(plan, &Roundtable{Title: DemoRoundTitle, Axis: AxisLife, Themes: []string{"work_life_balance", "childcare_services"},
			Description: "6人までの少人数で、保活や送り迎えの工夫を話します。 / Up to six people share how they manage nursery and pick-ups.",
			Start:       day(3, 12), Minutes: 45, Format: FormatHybrid, Venue: "渋谷 会議室A / Shibuya, room A", Capacity: 6,
			Talk: TalkSmallRound, CloseBefore: 2 * time.Hour, Moderators: ids(p.operator), Speakers: ids()})
	}
	for _, r := range plan {
		r.ID, r.TimeZone, r.CreatedBy, r.ExcludedCompanies = NewRoundtableID(), "Asia/Tokyo", p.operator.ID, []CompanyID{}
		if err := r.Validate(now); err != nil {
			return err
		}
		if err := s.CreateRoundtable(ctx, r); err != nil {
			return err
		}
	}
	if err := seedDemoLive(ctx, s, p, now, has); err != nil {
		return err
	}
	return seedDemoPast(ctx, s, p, now, has)
}

// seedDemoLive adds a stage roundtable starting in ten minutes, so its
// join window (15 minutes before the start) is already open.
func seedDemoLive(ctx context.Context, s Store, p demoPeople, now time.Time, has func(string, func(*Roundtable) bool) bool) error {
	if has(DemoLiveTitle, func(r *Roundtable) bool { from, to := r.JoinWindow(); return !now.Before(from) && now.Before(to) }) {
		return nil
	}
	r := &Roundtable{ID: NewRoundtableID(), Title: DemoLiveTitle, Axis: AxisLife, Themes: []string{"work_life_balance", "self_care"},
		Description: "入室できる座談会です。ゲストとモデレーターがステージに、ほかの人は聞き手として参加し、手を挙げると話せます。 / Open now: guests on stage, everyone else in the audience; raise your hand to speak.",
		Start:       now.Truncate(time.Minute).Add(10 * time.Minute), Minutes: 180, TimeZone: "Asia/Tokyo", Format: FormatOnline,
		Capacity: 50, Talk: TalkStage, Moderators: []MemberID{p.operator.ID, p.hanako.ID}, Speakers: []MemberID{p.speaker.ID},
		ExcludedCompanies: []CompanyID{}, CreatedBy: p.operator.ID}
	if err := r.Validate(now); err != nil {
		return err
	}
	if err := s.CreateRoundtable(ctx, r); err != nil {
		return err
	}
	for _, m := range p.audience {
		if _, err := Register(ctx, s, r, m, now); err != nil {
			return err
		}
	}
	return nil
}

// seedDemoPast adds a small round that ended yesterday evening with three
// members who had a seat and have not given feedback yet. It is written
// directly: scheduling checks refuse a start in the past.
func seedDemoPast(ctx context.Context, s Store, p demoPeople, now time.Time, has func(string, func(*Roundtable) bool) bool) error {
	if has(DemoPastTitle, func(r *Roundtable) bool { return !r.Start.After(now) }) {
		return nil
	}
	d := now.In(tokyo).AddDate(0, 0, -1)
	r := &Roundtable{ID: NewRoundtableID(), Title: DemoPastTitle, Axis: AxisCareer, Themes: []string{"return_from_leave"},
		Description: "復帰して半年の3人が本音で話しました。 / Three people six months back from leave talked openly.",
		Start:       time.Date(d.Year(), d.Month(), d.Day(), 21, 0, 0, 0, tokyo).UTC(), Minutes: 45, TimeZone: "Asia/Tokyo",
		Format: FormatOnline, Capacity: 8, Talk: TalkSmallRound, Moderators: []MemberID{p.operator.ID}, Speakers: []MemberID{},
		ExcludedCompanies: []CompanyID{}, CreatedBy: p.operator.ID}
	if err := s.CreateRoundtable(ctx, r); err != nil {
		return err
	}
	for _, m := range []*Member{p.audience[0], p.audience[2], p.audience[4]} {
		reg := &Registration{RoundtableID: r.ID, MemberID: m.ID, CompanyID: m.CompanyID, QueuedAt: r.Start.Add(-72 * time.Hour)}
		if err := s.RegisterSeat(ctx, reg); err != nil {
			return err
		}
	}
	return seedDemoPastActivity(ctx, s, p, r)
}

// seedDemoPastActivity gives the past roundtable its attendance (all
// three came), a moderation log and one piece of feedback (中村 恵子's),
// so the operators' sections have something to show; 高橋 洋子 can still
// give hers.
func seedDemoPastActivity(ctx context.Context, s Store, p demoPeople, r *Roundtable) error {
	mika, keiko := p.audience[2], p.audience[4]
	for _, m := range []*Member{p.audience[0], mika, keiko} {
		if err := s.ClaimOnce(ctx, AttendanceKey(r.ID, m.ID), r.Start); err != nil && !errors.Is(err, ErrConflict) {
			return err
		}
	}
	for i, e := range []AuditEntry{
		{Action: "admit_all"},
		{Action: "mute", TargetID: mika.ID, Detail: "microphone"},
		{Action: "spotlight", TargetID: keiko.ID},
	} {
		e.ID, e.RoundtableID, e.ActorID, e.At = NewAuditID(), r.ID, p.operator.ID, r.Start.Add(time.Duration(2+10*i)*time.Minute)
		if err := s.AppendAudit(ctx, &e); err != nil {
			return err
		}
	}
	f := &RoundtableFeedback{RoundtableID: r.ID, AuthorID: keiko.ID, AuthorCompany: keiko.CompanyID, Rating: 5,
		Tags: []string{"encouraging", "felt_safe"}, Text: "同じ立場の人の話が聞けて安心しました。", WantMore: true, Axis: r.Axis, Themes: r.Themes}
	return s.CreateRoundtableFeedback(ctx, f)
}
