package rooms

import (
	"net/mail"
	"strings"
	"time"
	"unicode/utf8"
)

// Role is what an account is on the platform. Per-roundtable duties
// (moderating a given session) are granted on top of it.
type Role string

// Roles.
const (
	// RoleMember is a working parent employed by a client company.
	RoleMember Role = "member"
	// RoleCompanyAdmin is a company's HR contact: invites employees and sees
	// aggregates of their own company only.
	RoleCompanyAdmin Role = "company_admin"
	// RoleOperator is platform staff.
	RoleOperator Role = "operator"
	// RoleGuestSpeaker is invited to roundtables and may belong to no
	// client company; sees only their own roundtables.
	RoleGuestSpeaker Role = "guest_speaker"
)

// Valid reports whether r is a known role.
func (r Role) Valid() bool {
	switch r {
	case RoleMember, RoleCompanyAdmin, RoleOperator, RoleGuestSpeaker:
		return true
	}
	return false
}

// NeedsCompany reports whether accounts with this role belong to a company.
func (r Role) NeedsCompany() bool { return r == RoleMember || r == RoleCompanyAdmin }

// Member is an account. Despite the name it covers every role, because all
// of them log in the same way; the Role says what it may do.
type Member struct {
	ID          MemberID
	CompanyID   CompanyID // empty for operators and outside guest speakers
	Email       string    // unique, stored lower-case
	DisplayName string
	Role        Role
	// Moderator marks someone trained to run roundtables (operator staff or
	// a member); roundtables name their moderators among these.
	Moderator    bool
	Locale       string // "ja" or "en"
	TimeZone     string // IANA name, e.g. "Asia/Tokyo"
	PasswordHash string // bcrypt; empty until the invitation is accepted
	CreatedAt    time.Time
	UpdatedAt    time.Time
	Version      int64
}

// CanModerate reports whether m may be named to run a roundtable:
// operators, and members an operator has marked as trained moderators.
// Company admins and guest speakers never are, whatever the flag says.
func (m *Member) CanModerate() bool {
	return m.Role == RoleOperator || (m.Role == RoleMember && m.Moderator)
}

// NormalizeEmail trims and lower-cases an address for storage and lookup.
func NormalizeEmail(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// Validate checks and normalises the fields a caller sets.
func (m *Member) Validate() error {
	m.Email = NormalizeEmail(m.Email)
	m.DisplayName = CleanLine(m.DisplayName)
	if m.Locale == "" {
		m.Locale = "ja"
	}
	if m.TimeZone == "" {
		m.TimeZone = "Asia/Tokyo"
	}
	if err := validateEmail(m.Email); err != nil {
		return err
	}
	switch {
	case m.DisplayName == "":
		return Invalid("display_name", "required", "display name is required")
	case utf8.RuneCountInString(m.DisplayName) > 80:
		return Invalid("display_name", "too_long", "display name is longer than 80 characters")
	case badLine(m.DisplayName):
		return Invalid("display_name", "invalid_characters", badLineMsg)
	case !m.Role.Valid():
		return Invalid("role", "unknown_value", "role must be member, company_admin, operator or guest_speaker")
	case m.Role.NeedsCompany() && m.CompanyID == "":
		return Invalid("company_id", "required", "members and company admins belong to a company")
	case m.CompanyID != "" && !m.CompanyID.Valid():
		return Invalid("company_id", "malformed", "company id is malformed")
	case m.Locale != "ja" && m.Locale != "en":
		return Invalid("locale", "unknown_value", "locale must be ja or en")
	}
	if _, err := time.LoadLocation(m.TimeZone); err != nil || m.TimeZone == "Local" {
		return Invalid("time_zone", "unknown_value", "time zone must be an IANA name such as Asia/Tokyo")
	}
	return nil
}

func validateEmail(s string) error {
	if s == "" {
		return Invalid("email", "required", "email is required")
	}
	if len(s) > 254 {
		return Invalid("email", "too_long", "email is longer than 254 characters")
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || a.Name != "" {
		return Invalid("email", "malformed", "email is not a valid address")
	}
	return nil
}
