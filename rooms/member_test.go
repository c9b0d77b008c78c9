package rooms

import (
	"errors"
	"strings"
	"testing"
)

func TestMemberValidate(t *testing.T) {
	co := NewCompanyID()
	ok := func() Member {
		return Member{ID: NewMemberID(), CompanyID: co, Email: " Hanako@Example.COM ", DisplayName: " 花子 ", Role: RoleMember}
	}
	m := ok()
	if err := m.Validate(); err != nil {
		t.Fatal(err)
	}
	if m.Email != "hanako@example.com" || m.DisplayName != "花子" || m.Locale != "ja" || m.TimeZone != "Asia/Tokyo" {
		t.Errorf("normalised: %+v", m)
	}
	cases := []struct {
		name   string
		change func(*Member)
		field  string
		code   string
	}{
		{"no email", func(m *Member) { m.Email = "" }, "email", "required"},
		{"bad email", func(m *Member) { m.Email = "not an email" }, "email", "malformed"},
		{"email with name", func(m *Member) { m.Email = "Hanako <h@example.com>" }, "email", "malformed"},
		{"no name", func(m *Member) { m.DisplayName = "  " }, "display_name", "required"},
		{"long name", func(m *Member) { m.DisplayName = strings.Repeat("あ", 81) }, "display_name", "too_long"},
		{"unknown role", func(m *Member) { m.Role = "admin" }, "role", "unknown_value"},
		{"member without company", func(m *Member) { m.CompanyID = "" }, "company_id", "required"},
		{"malformed company", func(m *Member) { m.CompanyID = "co_$where" }, "company_id", "malformed"},
		{"bad locale", func(m *Member) { m.Locale = "fr" }, "locale", "unknown_value"},
		{"bad zone", func(m *Member) { m.TimeZone = "Mars/Olympus" }, "time_zone", "unknown_value"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m := ok()
			tc.change(&m)
			err := m.Validate()
			var ve *ValidationError
			if !errors.As(err, &ve) || ve.Field != tc.field || ve.Code != tc.code || !errors.Is(err, ErrInvalid) {
				t.Errorf("Validate = %v, want %s/%s", err, tc.field, tc.code)
			}
		})
	}
	op := Member{ID: NewMemberID(), Email: "op@example.com", DisplayName: "Op", Role: RoleOperator}
	if err := op.Validate(); err != nil {
		t.Errorf("operator without company: %v", err)
	}
}

func TestIDs(t *testing.T) {
	if id := NewMemberID(); !id.Valid() || NewMemberID() == id {
		t.Errorf("NewMemberID %q invalid or repeated", id)
	}
	for _, bad := range []CompanyID{"", "co_", "co_short", "mb_aaaaaaaaaaaaaaaaaaaaaaaaaa", "co_AAAAAAAAAAAAAAAAAAAAAAAAAA", `co_{"$gt":""}aaaaaaaaaaaaaaaaa`} {
		if bad.Valid() {
			t.Errorf("%q reported valid", bad)
		}
	}
	if SessionIDFor("a") == SessionIDFor("b") || len(SessionIDFor("a")) != 64 {
		t.Errorf("SessionIDFor is not a sha256 hex")
	}
}

func TestCompanyValidate(t *testing.T) {
	c := Company{Name: "  ", Status: CompanyTrial}
	if err := c.Validate(); err == nil {
		t.Error("blank name accepted")
	}
	c = Company{Name: "A", Status: "paused"}
	var ve *ValidationError
	if err := c.Validate(); !errors.As(err, &ve) || ve.Field != "status" {
		t.Errorf("unknown status: %v", err)
	}
}
