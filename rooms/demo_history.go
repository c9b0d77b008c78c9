package rooms

import (
	"context"
	"errors"
	"slices"
	"time"
)

// DemoHistoryTitle is the roundtable the demo held last month.
const DemoHistoryTitle = "在宅勤務と子育て — 先月の座談会"

// demoPast is one consultation held last month between a member of
// さくら精密 and someone elsewhere, with what each said afterwards.
type demoPast struct {
	ours, theirs     string // emails
	day, hour, mins  int
	note             string
	rating, theirRat int
	text, report     string // their feedback's text and problem report
}

var demoPastConsultations = []demoPast{
	{"keiko@sakura.example", "daisuke@aozora.example", 5, 12, 45, "育休から戻ったあとの働き方について伺いたいです。", 5, 5, "復帰したばかりの不安がよくわかりました。", ""},
	{"aya@sakura.example", "mika@aozora.example", 8, 12, 30, "学び直しの時間をどう作っているか聞きたいです。", 4, 4, "", "途中で映像が固まり、最後は音声だけで続けました。"},
	{"yuki@sakura.example", "yoko@minato.example", 12, 21, 60, "管理職として部下の子育てをどう支えているか知りたいです。", 5, 5, "同じ悩みを持つ人と話せてよかったです。", ""},
	{"mayumi@sakura.example", "emma@minato.example", 15, 21, 45, "夫婦で育休を分けた経験をお話しできればと思います。", 4, 5, "Lovely talk, very practical.", ""},
	{"tomoko@sakura.example", "daisuke@aozora.example", 19, 12, 30, "子どもの通院と仕事の調整について相談させてください。", 5, 4, "", ""},
}

// seedDemoHistory gives さくら精密 a last month its HR can read: its
// members joined, five of them held a consultation with someone from
// another company and rated it, one cancelled (a figure from one person,
// which stays hidden), and a roundtable took place. It runs once per
// month (a claim marks it), so a demo started again next month has a
// fresh last month; invitations are written only the first time.
func seedDemoHistory(ctx context.Context, s Store, now time.Time) error {
	last := ClosedMonths(now, tokyo, 1)[0]
	start, _ := time.ParseInLocation("2006-01", last, tokyo)
	day := func(d, hour int) time.Time {
		return start.AddDate(0, 0, d-1).Add(time.Duration(hour) * time.Hour).UTC()
	}
	people := map[string]*Member{}
	for _, dc := range demoData {
		for _, dm := range slices.Concat(dc.members, dc.extras) {
			m, err := s.GetMemberByEmail(ctx, dm.email)
			if errors.Is(err, ErrNotFound) {
				return nil // a demo account was deleted: leave the history as it is
			} else if err != nil {
				return err
			}
			people[dm.email] = m
		}
	}
	if err := s.ClaimOnce(ctx, "demo-history:"+last, now); errors.Is(err, ErrConflict) {
		return nil
	} else if err != nil {
		return err
	}
	if err := seedDemoInvitations(ctx, s, people, day, now); err != nil {
		return err
	}
	for _, p := range demoPastConsultations {
		if err := seedDemoHeld(ctx, s, people[p.ours], people[p.theirs], p, day); err != nil {
			return err
		}
	}
	if err := seedDemoCancelled(ctx, s, people["tomoko@sakura.example"], people["yoko@minato.example"], day); err != nil {
		return err
	}
	return seedDemoHistoryRoundtable(ctx, s, people, day)
}

// seedDemoInvitations records how さくら精密's people came in last month:
// the operator invited HR, HR invited the members (each accepted), and
// one invitation went to a mistyped address and was revoked; a new hire's
// is still open. Written once: a company with invitations keeps them.
func seedDemoInvitations(ctx context.Context, s Store, people map[string]*Member, day func(int, int) time.Time, now time.Time) error {
	hr, op := people["hr@sakura.example"], people["operator@zadankai.example"]
	if list, err := s.ListInvitations(ctx, hr.CompanyID); err != nil || len(list) > 0 {
		return err
	}
	invite := func(email string, role Role, by *Member, at time.Time) (*Invitation, error) {
		iv := &Invitation{ID: NewInvitationID(), TokenHash: string(SessionIDFor(NewSecret())), Email: email, Role: role,
			CompanyID: hr.CompanyID, InvitedBy: by.ID, CreatedAt: at, ExpiresAt: at.Add(InvitationTTL)}
		return iv, s.CreateInvitation(ctx, iv)
	}
	accepted := []string{"hr@sakura.example", "hanako@sakura.example", "keiko@sakura.example", "aya@sakura.example",
		"yuki@sakura.example", "mayumi@sakura.example", "tomoko@sakura.example"}
	for i, email := range accepted {
		by, role := hr, RoleMember
		if i == 0 {
			by, role = op, RoleCompanyAdmin
		}
		iv, err := invite(email, role, by, day(1+i/3, 9+i))
		if err != nil {
			return err
		}
		if err := s.ClaimOnce(ctx, iv.ClaimKey(), iv.CreatedAt); err != nil {
			return err
		}
		if err := s.MarkInvitationAccepted(ctx, iv.ID, people[email].ID, iv.CreatedAt.Add(3*time.Hour)); err != nil {
			return err
		}
	}
	typo, err := invite("tomoko@sakura.exmaple", RoleMember, hr, day(2, 10))
	if err != nil {
		return err
	}
	if err := s.ClaimOnce(ctx, typo.ClaimKey(), typo.CreatedAt); err != nil {
		return err
	}
	if err := s.MarkInvitationRevoked(ctx, typo.ID, typo.CreatedAt.Add(10*time.Minute)); err != nil {
		return err
	}
	_, err = invite("new-hire@sakura.example", RoleMember, hr, now.Add(-24*time.Hour).UTC())
	return err
}

// seedDemoHeld writes one consultation held last month and both people's
// feedback, each at the time it happened.
func seedDemoHeld(ctx context.Context, s Store, ours, theirs *Member, p demoPast, day func(int, int) time.Time) error {
	slot := Slot{Start: day(p.day, p.hour), Minutes: p.mins}
	created := slot.Start.Add(-72 * time.Hour)
	c := &Consultation{ID: NewConsultationID(), RequesterID: ours.ID, RecipientID: theirs.ID, RequesterCompany: ours.CompanyID,
		RecipientCompany: theirs.CompanyID, Note: p.note, Mode: ModeOnline, Status: StatusBooked, Proposed: []Slot{slot},
		Booked: &slot, Sequence: 1, CreatedAt: created, ExpiresAt: created.Add(72 * time.Hour),
		NoShows: []MemberID{}, Joined: []MemberID{ours.ID, theirs.ID}}
	if err := s.CreateConsultation(ctx, c); err != nil {
		return err
	}
	after := slot.End().Add(time.Hour)
	for _, f := range []*Feedback{
		{ConsultationID: c.ID, AuthorID: ours.ID, AuthorCompany: ours.CompanyID, Rating: p.rating, Tags: []string{"helpful"},
			WouldMeetAgain: true, CreatedAt: after},
		{ConsultationID: c.ID, AuthorID: theirs.ID, AuthorCompany: theirs.CompanyID, Rating: p.theirRat, Tags: []string{"good_listener"},
			Text: p.text, Report: p.report, WouldMeetAgain: p.report == "", CreatedAt: after.Add(30 * time.Minute)},
	} {
		if err := s.CreateFeedback(ctx, f); err != nil {
			return err
		}
	}
	return nil
}

// seedDemoCancelled is a consultation booked last month and called off
// by the requester a few days before.
func seedDemoCancelled(ctx context.Context, s Store, ours, theirs *Member, day func(int, int) time.Time) error {
	slot := Slot{Start: day(26, 12), Minutes: 30}
	c := &Consultation{ID: NewConsultationID(), RequesterID: ours.ID, RecipientID: theirs.ID, RequesterCompany: ours.CompanyID,
		RecipientCompany: theirs.CompanyID, Note: "時短勤務からフルタイムに戻るタイミングを相談したいです。", Mode: ModeOnline,
		Status: StatusBooked, Proposed: []Slot{slot}, Booked: &slot, Sequence: 1, CreatedAt: day(20, 21),
		ExpiresAt: day(23, 21), NoShows: []MemberID{}}
	c.Cancel(ours.ID, day(22, 7))
	return s.CreateConsultation(ctx, c)
}

// seedDemoHistoryRoundtable is a small round held last month: six had a
// seat and five opened its room.
func seedDemoHistoryRoundtable(ctx context.Context, s Store, people map[string]*Member, day func(int, int) time.Time) error {
	op, hanako := people["operator@zadankai.example"], people["hanako@sakura.example"]
	r := &Roundtable{ID: NewRoundtableID(), Title: DemoHistoryTitle, Axis: AxisLife, Themes: []string{"work_life_balance"},
		Description: "在宅勤務の日の子どもとの過ごし方を話しました。 / How we spend work-from-home days with children.",
		Start:       day(18, 20), Minutes: 60, TimeZone: "Asia/Tokyo", Format: FormatOnline, Capacity: 8, Talk: TalkSmallRound,
		Moderators: []MemberID{op.ID, hanako.ID}, Speakers: []MemberID{}, ExcludedCompanies: []CompanyID{}, CreatedBy: op.ID,
		CreatedAt: day(2, 10)}
	if err := s.CreateRoundtable(ctx, r); err != nil {
		return err
	}
	seated := []string{"keiko@sakura.example", "aya@sakura.example", "yuki@sakura.example", "mayumi@sakura.example",
		"emma@minato.example", "tomoko@sakura.example"}
	for i, email := range seated {
		m := people[email]
		reg := &Registration{RoundtableID: r.ID, MemberID: m.ID, CompanyID: m.CompanyID, QueuedAt: day(3+i, 12)}
		if err := s.RegisterSeat(ctx, reg); err != nil {
			return err
		}
		if i < 5 { // the last one could not come
			if err := s.ClaimOnce(ctx, AttendanceKey(r.ID, m.ID), r.Start.Add(-5*time.Minute)); err != nil {
				return err
			}
		}
	}
	return nil
}
