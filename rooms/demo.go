package rooms

import (
	"context"
	"errors"
	"fmt"
)

// DemoLogin is one account the demo data creates, for the start-up banner.
type DemoLogin struct {
	Role     Role
	Email    string
	Password string
	Company  string
}

// DemoPassword is the password of every demo account. Demo data is for
// trying Zadankai on a laptop, never for a deployment.
const DemoPassword = "zadankai-demo"

type demoCompany struct {
	name    string
	members []demoMember
}

type demoMember struct {
	email, name string
	role        Role
	moderator   bool
	locale      string
}

var demoData = []demoCompany{
	{name: "さくら精密株式会社", members: []demoMember{
		{"hr@sakura.example", "佐藤 由美 (人事)", RoleCompanyAdmin, false, "ja"},
		{"hanako@sakura.example", "山田 花子", RoleMember, true, "ja"},
		{"keiko@sakura.example", "中村 恵子", RoleMember, false, "ja"},
	}},
	{name: "みなと商事", members: []demoMember{
		{"hr@minato.example", "鈴木 健 (人事)", RoleCompanyAdmin, false, "ja"},
		{"yoko@minato.example", "高橋 洋子", RoleMember, false, "ja"},
		{"emma@minato.example", "Emma Wilson", RoleMember, false, "en"},
	}},
	{name: "Aozora Software", members: []demoMember{
		{"mika@aozora.example", "伊藤 美香", RoleMember, false, "ja"},
		{"daisuke@aozora.example", "渡辺 大輔", RoleMember, false, "ja"},
	}},
	{name: "", members: []demoMember{ // platform staff and a guest, in no company
		{"operator@zadankai.example", "運営 スタッフ", RoleOperator, true, "ja"},
		{"speaker@guest.example", "小林 真理 (ゲスト)", RoleGuestSpeaker, false, "ja"},
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
		for _, dm := range dc.members {
			if err := seedMember(ctx, s, companyID, dm, pw); err != nil {
				return nil, err
			}
			logins = append(logins, DemoLogin{Role: dm.role, Email: dm.email, Password: DemoPassword, Company: dc.name})
		}
	}
	return logins, nil
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
	return nil
}
