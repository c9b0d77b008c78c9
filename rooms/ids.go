package rooms

import (
	"crypto/rand"
	"encoding/base32"
	"strings"
)

// CompanyID identifies a client company.
type CompanyID string

// MemberID identifies an account: a member, an admin, an operator or a guest
// speaker.
type MemberID string

// SessionID identifies a login session. It is the SHA-256 of the secret the
// browser holds, so a copy of the store does not hand out live sessions.
type SessionID string

var idEncoding = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)

// newID returns prefix + 16 random bytes in lower-case base32 (26 chars):
// unguessable, URL-safe and sortable only by accident, on purpose.
func newID(prefix string) string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails on supported platforms.
	return prefix + idEncoding.EncodeToString(b[:])
}

// NewCompanyID returns a fresh random CompanyID.
func NewCompanyID() CompanyID { return CompanyID(newID("co_")) }

// NewMemberID returns a fresh random MemberID.
func NewMemberID() MemberID { return MemberID(newID("mb_")) }

// NewSecret returns a random token for cookies and one-time links.
func NewSecret() string { return newID("") }

// validID reports whether s looks like an ID this package made with prefix;
// it keeps junk (and injection attempts) away from the stores.
func validID(s, prefix string) bool {
	if !strings.HasPrefix(s, prefix) || len(s) != len(prefix)+26 {
		return false
	}
	for _, r := range s[len(prefix):] {
		if !(r >= 'a' && r <= 'z' || r >= '2' && r <= '7') {
			return false
		}
	}
	return true
}

// Valid reports whether id is well formed.
func (id CompanyID) Valid() bool { return validID(string(id), "co_") }

// Valid reports whether id is well formed.
func (id MemberID) Valid() bool { return validID(string(id), "mb_") }
