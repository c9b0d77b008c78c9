package rooms

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"
)

// DemoLogin is one account the demo data creates, for the start-up banner.
type DemoLogin struct {
	Role     Role
	Email    string
	Password string
	Company  string
	Note     string // what this account is for in the demo, if anything special
	// Extra marks colleagues who are there to give a company enough
	// people for unsuppressed figures; the banner only counts them.
	Extra bool
}

// DemoPassword is the password of every demo account. Demo data is for
// trying Zadankai on a laptop, never for a deployment.
const DemoPassword = "zadankai-demo"

type demoCompany struct {
	name    string
	members []demoMember
	extras  []demoMember // listed apart in the banner (DemoLogin.Extra)
}

type demoMember struct {
	email, name string
	role        Role
	moderator   bool
	locale      string
	profile     *Profile // members only
}

func demoProfile(industry, function string, level, years, kids int, bands, themes []string, intro string) *Profile {
	return &Profile{Intro: intro, Industry: industry, JobFunction: function, JobLevel: level, YearsExperience: years,
		WorkStyle: WorkStyle{Hours: "full_time", Remote: "hybrid"}, Children: Children{Count: kids, AgeBands: bands},
		Themes: themes, Languages: []string{"ja"}, Capacity: 3}
}

var demoData = []demoCompany{
	{name: "さくら精密株式会社", members: []demoMember{
		{"hr@sakura.example", "佐藤 由美", RoleCompanyAdmin, false, "ja", nil},
		{"hanako@sakura.example", "山田 花子", RoleMember, true, "ja", demoProfile("manufacturing", "engineering", 3, 12, 2,
			[]string{"0-2", "6-12"}, []string{"promotion", "work_life_balance", "partner_sharing"}, "設計チームのリーダーです。二児の母。")},
		{"keiko@sakura.example", "中村 恵子", RoleMember, false, "ja", demoProfile("manufacturing", "hr", 2, 6, 1,
			[]string{"0-2"}, []string{"return_from_leave", "childcare_services"}, "育休から復帰したばかりです。")},
	}, extras: []demoMember{
		{"aya@sakura.example", "佐々木 彩", RoleMember, false, "ja", demoProfile("manufacturing", "research", 2, 9, 1,
			[]string{"3-5"}, []string{"reskilling", "work_life_balance"}, "研究開発。保育園の送り迎え担当です。")},
		{"yuki@sakura.example", "松本 由紀", RoleMember, false, "ja", demoProfile("manufacturing", "sales", 3, 14, 2,
			[]string{"6-12"}, []string{"promotion", "leadership"}, "営業課長。小学生が2人います。")},
		{"mayumi@sakura.example", "井上 真由美", RoleMember, false, "ja", demoProfile("manufacturing", "finance", 2, 10, 1,
			[]string{"0-2"}, []string{"return_from_leave", "partner_sharing"}, "経理。夫と育休を分けて取りました。")},
		{"tomoko@sakura.example", "木村 智子", RoleMember, false, "ja", demoProfile("manufacturing", "operations", 1, 4, 2,
			[]string{"3-5", "6-12"}, []string{"work_life_balance", "child_health"}, "工場の生産管理。時短勤務です。")},
	}},
	{name: "みなと商事", members: []demoMember{
		{"hr@minato.example", "鈴木 健", RoleCompanyAdmin, false, "ja", nil},
		{"yoko@minato.example", "高橋 洋子", RoleMember, false, "ja", demoProfile("retail", "sales", 4, 17, 2,
			[]string{"6-12", "13-18"}, []string{"promotion", "leadership", "education"}, "営業部長。子どもは小学生と中学生。")},
		{"emma@minato.example", "Emma Wilson", RoleMember, false, "en", demoProfile("retail", "marketing", 2, 8, 1,
			[]string{"3-5"}, []string{"work_life_balance", "relocation"}, "Marketing, moved to Tokyo two years ago.")},
	}},
	{name: "Aozora Software", members: []demoMember{
		{"mika@aozora.example", "伊藤 美香", RoleMember, false, "ja", demoProfile("it", "engineering", 2, 5, 1,
			[]string{"0-2"}, []string{"return_from_leave", "reskilling", "work_life_balance"}, "エンジニア。時短勤務中。")},
		{"daisuke@aozora.example", "渡辺 大輔", RoleMember, false, "ja", demoProfile("it", "management", 4, 15, 3,
			[]string{"3-5", "6-12"}, []string{"partner_sharing", "leadership", "child_health"}, "育休を取った父親です。")},
	}},
	{name: "", members: []demoMember{ // platform staff and a guest, in no company
		{"operator@zadankai.example", "石田 涼子", RoleOperator, true, "ja", nil},
		{"speaker@guest.example", "小林 真理", RoleGuestSpeaker, false, "ja", nil},
	}},
}

// SeedDemo creates the demo companies and accounts unless they exist
// (it is safe to run at every start) and returns how to log in as each.
// hash turns DemoPassword into the stored hash.
func SeedDemo(ctx context.Context, s Store, hash func(string) (string, error)) ([]DemoLogin, error) {
	pw, err := hash(DemoPassword)
	if err != nil {
		return nil, err
	}
	var logins []DemoLogin
	for _, dc := range demoData {
		companyID, err := seedCompany(ctx, s, dc.name)
		if err != nil {
			return nil, err
		}
		for i, dm := range slices.Concat(dc.members, dc.extras) {
			if err := seedMember(ctx, s, companyID, dm, pw); err != nil {
				return nil, err
			}
			logins = append(logins, DemoLogin{Role: dm.role, Email: dm.email, Password: DemoPassword, Company: dc.name,
				Note: demoNotes[dm.email], Extra: i >= len(dc.members)})
		}
	}
	now := time.Now()
	if err := seedDemoActivity(ctx, s, now); err != nil {
		return nil, err
	}
	if err := seedDemoRoundtables(ctx, s, now); err != nil {
		return nil, err
	}
	return logins, seedDemoHistory(ctx, s, now)
}

// demoNotes say what the special demo accounts are for (roundtables).
var demoNotes = map[string]string{
	"hr@sakura.example":         "company admin: last month's figures are readable (みなと商事's stay hidden: too few people)",
	"hanako@sakura.example":     "moderator of the demo roundtables (live one open now)",
	"yoko@minato.example":       "has a seat in the live roundtable; can give feedback on yesterday's roundtable",
	"operator@zadankai.example": "reads the platform's figures, feedback and the moderation log; schedules roundtables",
	"speaker@guest.example":     "guest speaker: sees only her roundtables",
}

// seedCompany finds the demo company by name or creates it.
func seedCompany(ctx context.Context, s Store, name string) (CompanyID, error) {
	if name == "" {
		return "", nil
	}
	all, err := s.ListCompanies(ctx)
	if err != nil {
		return "", err
	}
	for _, c := range all {
		if c.Name == name {
			return c.ID, nil
		}
	}
	c := &Company{ID: NewCompanyID(), Name: name, Status: CompanyActive}
	if err := s.CreateCompany(ctx, c); err != nil {
		return "", fmt.Errorf("demo company %s: %w", name, err)
	}
	return c.ID, nil
}

func seedMember(ctx context.Context, s Store, company CompanyID, dm demoMember, pwHash string) error {
	if _, err := s.GetMemberByEmail(ctx, dm.email); err == nil {
		return nil
	} else if !errors.Is(err, ErrNotFound) {
		return err
	}
	m := &Member{ID: NewMemberID(), CompanyID: company, Email: dm.email, DisplayName: dm.name, Role: dm.role,
		Moderator: dm.moderator, Locale: dm.locale, PasswordHash: pwHash}
	if err := m.Validate(); err != nil {
		return fmt.Errorf("demo member %s: %w", dm.email, err)
	}
	if err := s.CreateMember(ctx, m); err != nil && !errors.Is(err, ErrConflict) {
		return fmt.Errorf("demo member %s: %w", dm.email, err)
	}
	if dm.profile == nil {
		return nil
	}
	p := *dm.profile
	p.MemberID = m.ID
	if err := p.Validate(); err != nil {
		return fmt.Errorf("demo profile %s: %w", dm.email, err)
	}
	if err := s.PutProfile(ctx, &p); err != nil {
		return fmt.Errorf("demo profile %s: %w", dm.email, err)
	}
	av := &Availability{MemberID: m.ID, TimeZone: "Asia/Tokyo", Exceptions: []Exception{},
		Weekly: []Window{{1, "12:00", "13:00"}, {2, "21:00", "23:00"}, {3, "21:00", "23:00"}, {4, "21:00", "23:00"}, {6, "09:00", "12:00"}}}
	return s.PutAvailability(ctx, av)
}
