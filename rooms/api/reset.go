package api

import (
	"errors"
	"net/http"
	"time"

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
	if !a.limitReset(c, email) {
		fail(c, rateLimited(c, time.Minute, "too many requests; wait a minute"))
		return
	}
	m, err := a.store.GetMemberByEmail(c.Request.Context(), email)
	// An operator made by `zadankai operator add` has no password until
	// her first link is used; if it lapsed, she asks for another here.
	if err == nil && (m.PasswordHash != "" || m.Role == rooms.RoleOperator) {
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

// confirmPasswordReset sets the new password once per link, voids every
// other reset link of the account and logs it out everywhere (the reset
// page has no session of its own to keep).
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
	hash, err := a.hashNewPassword(c, req.Password)
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
	if err := a.store.DeletePasswordResets(c.Request.Context(), m.ID); err != nil {
		fail(c, err)
		return
	}
	if err := a.store.DeleteMemberSessions(c.Request.Context(), m.ID); err != nil {
		fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}
