package api

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/zadankai/zadankai/rooms"
)

// OperatorLinkTTL is how long the set-password link of a new operator
// works: long enough to reach someone by mail over a weekend.
const OperatorLinkTTL = 7 * 24 * time.Hour

// ErrAccountExists refuses AddOperator for an address that has an account.
var ErrAccountExists = errors.New("this address already has an account")

// NewOperator is what AddOperator made.
type NewOperator struct {
	Member    *rooms.Member
	Link      string // the one-time set-password link
	ExpiresAt time.Time
}

// AddOperator creates an operator account for email with no password,
// and a one-time link (the password reset page) with which its owner sets
// one. It is how a fresh deployment gets its first operator. An address
// that already has an account is refused with ErrAccountExists and
// nothing is written: the command cannot be used to take over an account.
func AddOperator(ctx context.Context, s rooms.Store, email, publicURL string, now time.Time) (*NewOperator, error) {
	m := &rooms.Member{ID: rooms.NewMemberID(), Email: email, Role: rooms.RoleOperator}
	m.DisplayName, _, _ = strings.Cut(rooms.NormalizeEmail(email), "@")
	if err := m.Validate(); err != nil {
		return nil, err
	}
	if _, err := s.GetMemberByEmail(ctx, m.Email); err == nil {
		return nil, ErrAccountExists
	} else if !errors.Is(err, rooms.ErrNotFound) {
		return nil, err
	}
	if err := s.CreateMember(ctx, m); errors.Is(err, rooms.ErrConflict) {
		return nil, ErrAccountExists // created meanwhile by another run
	} else if err != nil {
		return nil, err
	}
	secret := rooms.NewSecret()
	r := &rooms.PasswordReset{TokenHash: string(rooms.SessionIDFor(secret)), MemberID: m.ID, ExpiresAt: now.Add(OperatorLinkTTL)}
	if err := s.CreatePasswordReset(ctx, r); err != nil {
		return nil, err
	}
	return &NewOperator{Member: m, Link: strings.TrimSuffix(publicURL, "/") + "/reset?token=" + secret, ExpiresAt: r.ExpiresAt}, nil
}
