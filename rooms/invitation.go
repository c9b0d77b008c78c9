package rooms

import (
	"time"
)

// InvitationID identifies an invitation.
type InvitationID string

// NewInvitationID returns a fresh random InvitationID.
func NewInvitationID() InvitationID { return InvitationID(newID("iv_")) }

// Valid reports whether id is well formed.
func (id InvitationID) Valid() bool { return validID(string(id), "iv_") }

// InvitationTTL is how long an invitation link stays usable.
const InvitationTTL = 7 * 24 * time.Hour

// Invitation is the only way in: an operator invites company admins, guest
// speakers and staff; a company admin invites the company's members. The
// email carries a one-time link with a secret whose hash is stored.
type Invitation struct {
	ID         InvitationID
	TokenHash  string // SHA-256 of the link's secret
	Email      string
	Role       Role
	CompanyID  CompanyID // required for members and company admins
	InvitedBy  MemberID
	CreatedAt  time.Time
	ExpiresAt  time.Time
	AcceptedAt time.Time // zero while open
	AcceptedBy MemberID
	RevokedAt  time.Time // zero unless the inviter revoked it (or resent it, which revokes the old link)
}

// InvitationStatus is derived from the timestamps.
type InvitationStatus string

// Invitation statuses.
const (
	InvitationPending  InvitationStatus = "pending"
	InvitationAccepted InvitationStatus = "accepted"
	InvitationExpired  InvitationStatus = "expired"
	InvitationRevoked  InvitationStatus = "revoked"
)

// Status returns where the invitation stands at now.
func (iv *Invitation) Status(now time.Time) InvitationStatus {
	switch {
	case !iv.AcceptedAt.IsZero():
		return InvitationAccepted
	case !iv.RevokedAt.IsZero():
		return InvitationRevoked
	case !now.Before(iv.ExpiresAt):
		return InvitationExpired
	}
	return InvitationPending
}

// CanInvite reports whether inviter may invite someone with role into
// company. Operators invite anyone anywhere; company admins invite members
// of their own company; nobody else invites.
func CanInvite(inviter *Member, role Role, company CompanyID) bool {
	switch inviter.Role {
	case RoleOperator:
		return true
	case RoleCompanyAdmin:
		return role == RoleMember && company == inviter.CompanyID && company != ""
	}
	return false
}

// ClaimKey is the ClaimOnce key that both accepting and revoking take,
// so exactly one of the two ever happens to an invitation.
func (iv *Invitation) ClaimKey() string { return "invitation:" + string(iv.ID) }

// CanManage reports whether m may resend or revoke iv: an operator any
// invitation, a company admin those of their own company.
func (iv *Invitation) CanManage(m *Member) bool {
	switch m.Role {
	case RoleOperator:
		return true
	case RoleCompanyAdmin:
		return iv.CompanyID != "" && iv.CompanyID == m.CompanyID
	}
	return false
}

// PasswordReset is a one-time, short-lived permission to set a new
// password, sent by email.
type PasswordReset struct {
	TokenHash string
	MemberID  MemberID
	CreatedAt time.Time
	ExpiresAt time.Time
}

// PasswordResetTTL is how long a reset link works.
const PasswordResetTTL = time.Hour

// ValidatePassword checks a new password: long enough to resist guessing,
// short enough for bcrypt (72 bytes).
func ValidatePassword(pw string) error {
	switch {
	case pw == "":
		return Invalid("password", "required", "password is required")
	case len([]rune(pw)) < 10:
		return Invalid("password", "too_short", "password must have at least 10 characters")
	case len(pw) > 72:
		return Invalid("password", "too_long", "password is longer than 72 bytes")
	}
	return nil
}
