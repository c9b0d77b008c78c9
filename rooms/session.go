package rooms

import (
	"crypto/sha256"
	"encoding/hex"
	"time"
)

// Session is a logged-in browser. The browser holds a secret; the store
// holds only its hash (the ID).
type Session struct {
	ID        SessionID
	MemberID  MemberID
	CSRFToken string // echoed by the browser on every state-changing request
	CreatedAt time.Time
	ExpiresAt time.Time
	UserAgent string
}

// SessionIDFor returns the ID under which a session secret is stored.
func SessionIDFor(secret string) SessionID {
	sum := sha256.Sum256([]byte(secret))
	return SessionID(hex.EncodeToString(sum[:]))
}

// Expired reports whether the session is no longer valid at now.
func (s *Session) Expired(now time.Time) bool { return !now.Before(s.ExpiresAt) }
