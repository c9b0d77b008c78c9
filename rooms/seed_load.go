package rooms

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"time"
)

// LoadSeed is what SeedLoad wrote: the accounts and roundtables a load
// run or a benchmark reads the roundtable list with.
type LoadSeed struct {
	// Members are company members (moderators among them), the readers.
	Members []*Member
	// Speakers are guest speakers, outside every company.
	Speakers []*Member
	// Roundtables are the roundtables written, by start.
	Roundtables []*Roundtable
	// Registrations counts the registrations written (seats and waitlist).
	Registrations int
}

// LoadSize shapes SeedLoad's data.
type LoadSize struct {
	Roundtables int
	Companies   int
	// MembersPerCompany: the roundtables fill from these.
	MembersPerCompany int
	// Fill is the mean registrations per roundtable as a share of its
	// capacity (above 1 some wait); 0 means 0.7.
	Fill float64
	// Seed makes the data repeatable (IDs and times aside).
	Seed uint64
}

// SeedLoad writes size.Roundtables roundtables starting over the next 60
// days (stage ones with guest speakers, small rounds, some hybrid, some
// closed to a company, some cancelled, seats taken and waitlists), with
// the companies, members, profiles and photos they name. Emails carry a
// random tag, so it may run again on the same store. It is for measuring
// and checking the roundtable list (cmd/zadankai-load, benchmarks).
func SeedLoad(ctx context.Context, s Store, size LoadSize, now time.Time) (*LoadSeed, error) {
	if size.Fill == 0 {
		size.Fill = 0.7
	}
	rng := rand.New(rand.NewPCG(size.Seed, 0x5eed))
	tag := NewSecret()[:8]
	out := &LoadSeed{}
	for c := range size.Companies {
		co := &Company{ID: NewCompanyID(), Name: fmt.Sprintf("Load %s %d", tag, c), Status: CompanyActive}
		if err := s.CreateCompany(ctx, co); err != nil {
			return nil, err
		}
		for i := range size.MembersPerCompany {
			m, err := seedLoadMember(ctx, s, co.ID, fmt.Sprintf("load-%s-%d-%d@load.example", tag, c, i), i%10 == 0, i%10 == 5, i%20 == 5)
			if err != nil {
				return nil, err
			}
			out.Members = append(out.Members, m)
		}
	}
	for i := range max(size.Roundtables/25, 2) {
		m, err := seedLoadMember(ctx, s, "", fmt.Sprintf("load-%s-speaker-%d@load.example", tag, i), false, i%2 == 0, i%4 == 0)
		if err != nil {
			return nil, err
		}
		out.Speakers = append(out.Speakers, m)
	}
	for i := range size.Roundtables {
		r, n, err := seedLoadRoundtable(ctx, s, rng, out, i, size, now)
		if err != nil {
			return nil, err
		}
		out.Roundtables = append(out.Roundtables, r)
		out.Registrations += n
	}
	return out, nil
}

// seedLoadMember writes one account with a profile and maybe a photo,
// which the profile may not mention yet (uploaded after the last profile
// save, which the list also handles).
func seedLoadMember(ctx context.Context, s Store, co CompanyID, email string, moderator, photo, saidSo bool) (*Member, error) {
	m := &Member{ID: NewMemberID(), CompanyID: co, Email: email, DisplayName: "負荷 " + email[:min(len(email), 20)],
		Role: RoleMember, Moderator: moderator}
	if co == "" {
		m.Role = RoleGuestSpeaker
	}
	if err := m.Validate(); err != nil {
		return nil, err
	}
	if err := s.CreateMember(ctx, m); err != nil {
		return nil, err
	}
	p := &Profile{MemberID: m.ID, Intro: "子育てと仕事の両立について話します。 / Happy to talk about work and children.",
		Industry: "it", JobFunction: "engineering", JobLevel: 3, YearsExperience: 10, WorkStyle: WorkStyle{Hours: "full_time", Remote: "hybrid"},
		Themes: []string{"work_life_balance", "promotion"}, Languages: []string{"ja"}, Capacity: 2, HasPhoto: saidSo}
	if err := s.PutProfile(ctx, p); err != nil {
		return nil, err
	}
	if photo {
		if err := s.PutPhoto(ctx, m.ID, []byte("\xff\xd8\xff\xd9")); err != nil {
			return nil, err
		}
	}
	return m, nil
}

func seedLoadThemes(rng *rand.Rand) []string {
	var out []string
	for _, i := range rng.Perm(len(Themes))[:1+rng.IntN(3)] {
		out = append(out, Themes[i].ID)
	}
	return out
}

// seedLoadRoundtable writes the i-th roundtable and its registrations.
func seedLoadRoundtable(ctx context.Context, s Store, rng *rand.Rand, d *LoadSeed, i int, size LoadSize, now time.Time) (*Roundtable, int, error) {
	capacity := []int{6, 8, 12, 20, 30, 50}[rng.IntN(6)]
	if i%7 == 2 {
		capacity = 6 // full, people waiting (below)
	}
	step := 60 * 24 * time.Hour / time.Duration(max(size.Roundtables, 1))
	r := &Roundtable{ID: NewRoundtableID(), Title: fmt.Sprintf("負荷試験の座談会 %d — 両立とキャリア", i),
		Description: "少人数で、仕事と子育ての両立について話します。質問は手を挙げてどうぞ。 / A small round on work and children; raise your hand to ask.",
		Axis:        AxisLife, Themes: seedLoadThemes(rng), Start: now.Add(2*time.Hour + time.Duration(i)*step).Truncate(15 * time.Minute),
		Minutes: 45 + 15*rng.IntN(5), TimeZone: "Asia/Tokyo", Format: FormatOnline, Capacity: capacity, Talk: TalkSmallRound,
		CloseBefore: time.Hour, Speakers: []MemberID{}, ExcludedCompanies: []CompanyID{}, Cancelled: i%25 == 4}
	if rng.IntN(2) == 0 {
		r.Axis = AxisCareer
	}
	if i%5 == 0 {
		r.Format, r.Venue = FormatHybrid, "渋谷 会議室A / Shibuya, room A"
	}
	for len(r.Moderators) < 1+rng.IntN(2) {
		if m := d.Members[rng.IntN(len(d.Members))]; m.Moderator && !r.IsModerator(m.ID) {
			r.Moderators = append(r.Moderators, m.ID)
		}
	}
	if capacity > 12 {
		r.Talk = TalkStage
		for len(r.Speakers) < 1+rng.IntN(3) {
			if m := d.Speakers[rng.IntN(len(d.Speakers))]; !r.IsSpeaker(m.ID) {
				r.Speakers = append(r.Speakers, m.ID)
			}
		}
	}
	if i%10 == 3 {
		r.ExcludedCompanies = []CompanyID{d.Members[rng.IntN(len(d.Members))].CompanyID}
	}
	r.CreatedBy = r.Moderators[0]
	if err := r.Validate(now); err != nil {
		return nil, 0, err
	}
	if err := s.CreateRoundtable(ctx, r); err != nil {
		return nil, 0, err
	}
	k := int(float64(capacity) * size.Fill * 2 * rng.Float64())
	if i%7 == 2 {
		k = capacity + 4
	}
	n, err := seedLoadRegistrations(ctx, s, rng, d, r, k, now)
	return r, n, err
}

// seedLoadRegistrations registers up to k members for r; one in eight
// withdraws again (a seat passes to the first who waits).
func seedLoadRegistrations(ctx context.Context, s Store, rng *rand.Rand, d *LoadSeed, r *Roundtable, k int, now time.Time) (int, error) {
	n := 0
	for _, i := range rng.Perm(len(d.Members))[:min(len(d.Members), k)] {
		m := d.Members[i]
		if r.IsModerator(m.ID) || slices.Contains(r.ExcludedCompanies, m.CompanyID) {
			continue
		}
		reg := &Registration{RoundtableID: r.ID, MemberID: m.ID, CompanyID: m.CompanyID, QueuedAt: now.Add(-time.Duration(rng.IntN(1e6)) * time.Second)}
		if err := s.RegisterSeat(ctx, reg); err != nil {
			return n, err
		}
		n++
		if rng.IntN(8) == 0 {
			if _, _, err := s.WithdrawSeat(ctx, r.ID, m.ID); err != nil {
				return n, err
			}
		}
	}
	return n, nil
}
