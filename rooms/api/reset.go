package api

import (
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/zadankai/zadankai/rooms"
)

type resetRequest struct {
	Email string `json:"email"`
}

// requestPasswordReset emails a reset link if the account exists. The
// answer is the same either way, so it does not reveal who has an account.
func (a *API) requestPasswordReset(c *gin.Context) {
	var req resetRequest
	if err := bindJSON(c, &req); err != nil {
		fail(c, err)
		return
	}
	email := rooms.NormalizeEmail(req.Email)
	if email == "" {
		fail(c, rooms.Invalid("email", "required", "email is required"))
		return
	}
	if !a.limitLogin(c, "reset:"+email) {
		fail(c, &Error{Status: http.StatusTooManyRequests, Code: "rate_limited", Message: "too many requests; wait a minute"})
		return
	}
	m, err := a.store.GetMemberByEmail(c.Request.Context(), email)
	if err == nil && m.PasswordHash != "" {
		secret := rooms.NewSecret()
		r := &rooms.PasswordReset{TokenHash: string(rooms.SessionIDFor(secret)), MemberID: m.ID, ExpiresAt: a.now().Add(rooms.PasswordResetTTL)}
		if err := a.store.CreatePasswordReset(c.Request.Context(), r); err != nil {
			fail(c, err)
			return
		}
		if err := a.mailer.Send(c.Request.Context(), rooms.PasswordResetEmail(m, a.publicURL+"/reset?token="+secret)); err != nil {
			a.log.WarnContext(c.Request.Context(), "password reset email failed", "member_id", m.ID, "err", err)
		}
	} else if err != nil && !errors.Is(err, rooms.ErrNotFound) {
		fail(c, err)
		return
	}
	c.JSON(http.StatusAccepted, gin.H{"status": "if the address has an account, a link is on its way"})
}

type confirmResetRequest struct {
	Token    string `json:"token"`
	Password string `json:"password"`
}

// confirmPasswordReset sets the new password once per link and logs the
// account out everywhere.
func (a *API) confirmPasswordReset(c *gin.Context) {
	var req confirmResetRequest
	if err := bindJSON(c, &req); err != nil {
		fail(c, err)
		return
	}
	if err := rooms.ValidatePassword(req.Password); err != nil {
		fail(c, err)
		return
	}
	badLink := &Error{Status: http.StatusGone, Code: "reset_link_invalid", Field: "token", Message: "this link is invalid, used or expired; ask for a new one"}
	if req.Token == "" || len(req.Token) > 64 {
		fail(c, badLink)
		return
	}
	r, err := a.store.GetPasswordReset(c.Request.Context(), string(rooms.SessionIDFor(req.Token)))
	if errors.Is(err, rooms.ErrNotFound) || (err == nil && !a.now().Before(r.ExpiresAt)) {
		fail(c, badLink)
		return
	} else if err != nil {
		fail(c, err)
		return
	}
	m, err := a.store.GetMember(c.Request.Context(), r.MemberID)
	if err != nil {
		fail(c, err)
		return
	}
	hash, err := hashPassword(req.Password, a.passwordCost)
	if err != nil {
		fail(c, err)
		return
	}
	if err := a.store.ClaimOnce(c.Request.Context(), "reset:"+r.TokenHash, a.now()); err != nil {
		if errors.Is(err, rooms.ErrConflict) {
			err = badLink
		}
		fail(c, err)
		return
	}
	m.PasswordHash = hash
	if err := a.store.UpdateMember(c.Request.Context(), m); err != nil {
		fail(c, err)
		return
	}
	if err := a.store.DeleteMemberSessions(c.Request.Context(), m.ID); err != nil {
		fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}
