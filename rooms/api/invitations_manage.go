package api

import (
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/zadankai/zadankai/rooms"
)

var (
	errInvitationUsed = &Error{Status: http.StatusConflict, Code: "invitation_used", Message: "this invitation has been accepted already"}
	errRevoked        = &Error{Status: http.StatusConflict, Code: "invitation_revoked", Message: "this invitation has been revoked already"}
)

// managedInvitation loads the invitation in the path for its manager (an
// operator, or an admin of its company); to anyone else it does not
// exist. A body, if any, must be an empty JSON object.
func (a *API) managedInvitation(c *gin.Context) (*rooms.Invitation, *rooms.Member, bool) {
	if c.Request.ContentLength != 0 {
		var none struct{}
		if err := bindJSON(c, &none); err != nil {
			fail(c, err)
			return nil, nil, false
		}
	}
	me, id := currentMember(c), rooms.InvitationID(c.Param("id"))
	if !id.Valid() {
		fail(c, rooms.ErrNotFound)
		return nil, nil, false
	}
	iv, err := a.store.GetInvitation(c.Request.Context(), id)
	if err == nil && !iv.CanManage(me) {
		err = rooms.ErrNotFound
	}
	if err != nil {
		fail(c, err)
		return nil, nil, false
	}
	return iv, me, true
}

// claimForRevoke takes the invitation's one-time claim, the same one
// accepting takes, so a link is either used or revoked, never both.
func (a *API) claimForRevoke(c *gin.Context, iv *rooms.Invitation) error {
	if err := a.store.ClaimOnce(c.Request.Context(), iv.ClaimKey(), a.now()); err != nil {
		if errors.Is(err, rooms.ErrConflict) {
			return errInvitationUsed
		}
		return err
	}
	return a.store.MarkInvitationRevoked(c.Request.Context(), iv.ID, a.now())
}

// revokeInvitation makes an open invitation's link fail with
// invitation_revoked from now on.
func (a *API) revokeInvitation(c *gin.Context) {
	iv, _, ok := a.managedInvitation(c)
	if !ok {
		return
	}
	switch iv.Status(a.now()) {
	case rooms.InvitationAccepted:
		fail(c, errInvitationUsed)
		return
	case rooms.InvitationRevoked:
		fail(c, errRevoked)
		return
	}
	if err := a.claimForRevoke(c, iv); err != nil {
		fail(c, err)
		return
	}
	iv.RevokedAt = a.now()
	c.JSON(http.StatusOK, a.viewInvitation(iv))
}

// resendInvitation sends a fresh link (a new invitation with a new expiry)
// and revokes the old one, which then fails with invitation_revoked.
func (a *API) resendInvitation(c *gin.Context) {
	old, me, ok := a.managedInvitation(c)
	if !ok {
		return
	}
	if old.Status(a.now()) == rooms.InvitationAccepted {
		fail(c, errInvitationUsed)
		return
	}
	req := createInvitationRequest{Email: old.Email, Role: old.Role, CompanyID: old.CompanyID}
	company, existing, err := a.checkInvitation(c, me, &req)
	if err != nil {
		fail(c, err)
		return
	}
	if !a.inviteLimit.allow("inviter:" + string(me.ID)) {
		fail(c, &Error{Status: http.StatusTooManyRequests, Code: "rate_limited", Message: "too many invitations this hour"})
		return
	}
	if old.RevokedAt.IsZero() {
		if err := a.claimForRevoke(c, old); err != nil {
			fail(c, err)
			return
		}
	}
	iv, err := a.sendInvitation(c, me, old.Email, old.Role, old.CompanyID, company, existing)
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, a.viewInvitation(iv))
}
