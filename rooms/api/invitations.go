package api

import (
	"errors"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/zadankai/zadankai/rooms"
)

// InvitationView is what inviters see of an invitation (never the token).
type InvitationView struct {
	ID        rooms.InvitationID     `json:"id"`
	Email     string                 `json:"email"`
	Role      rooms.Role             `json:"role"`
	CompanyID rooms.CompanyID        `json:"company_id,omitempty"`
	Status    rooms.InvitationStatus `json:"status"`
	CreatedAt time.Time              `json:"created_at"`
	ExpiresAt time.Time              `json:"expires_at"`
}

func (a *API) viewInvitation(iv *rooms.Invitation) InvitationView {
	return InvitationView{ID: iv.ID, Email: iv.Email, Role: iv.Role, CompanyID: iv.CompanyID,
		Status: iv.Status(a.now()), CreatedAt: iv.CreatedAt, ExpiresAt: iv.ExpiresAt}
}

type createInvitationRequest struct {
	Email     string          `json:"email"`
	Role      rooms.Role      `json:"role"`
	CompanyID rooms.CompanyID `json:"company_id"`
}

// createInvitation stores an invitation and emails its one-time link.
func (a *API) createInvitation(c *gin.Context) {
	var req createInvitationRequest
	if err := bindJSON(c, &req); err != nil {
		fail(c, err)
		return
	}
	inviter := currentMember(c)
	if inviter.Role == rooms.RoleCompanyAdmin && req.CompanyID == "" {
		req.CompanyID = inviter.CompanyID
	}
	company, existing, err := a.checkInvitation(c, inviter, &req)
	if err != nil {
		fail(c, err)
		return
	}
	if !a.inviteLimit.allow("inviter:" + string(inviter.ID)) {
		fail(c, &Error{Status: http.StatusTooManyRequests, Code: "rate_limited", Message: "too many invitations this hour"})
		return
	}
	iv, err := a.sendInvitation(c, inviter, req.Email, req.Role, req.CompanyID, company, existing)
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, a.viewInvitation(iv))
}

// sendInvitation stores an invitation and emails its one-time link. When
// the address already has an account, the invitation is stored all the
// same (the inviter's list and answer look as for anyone else) but its
// link goes nowhere: the account's owner gets a note instead, at most one
// a day, saying how to log in.
func (a *API) sendInvitation(c *gin.Context, inviter *rooms.Member, email string, role rooms.Role, company rooms.CompanyID,
	companyName string, existing *rooms.Member) (*rooms.Invitation, error) {
	secret := rooms.NewSecret()
	iv := &rooms.Invitation{ID: rooms.NewInvitationID(), TokenHash: string(rooms.SessionIDFor(secret)), Email: email,
		Role: role, CompanyID: company, InvitedBy: inviter.ID, ExpiresAt: a.now().Add(rooms.InvitationTTL)}
	if err := a.store.CreateInvitation(c.Request.Context(), iv); err != nil {
		return nil, err
	}
	msg := rooms.InvitationEmail(iv, inviter.DisplayName, companyName, a.publicURL+"/invite?token="+secret)
	if existing != nil {
		if !a.noticeLimit.allow(existing.Email) {
			return iv, nil
		}
		msg = rooms.AccountExistsEmail(existing, inviter.DisplayName, companyName, a.publicURL+"/", a.publicURL+"/reset")
	}
	if err := a.mailer.Send(c.Request.Context(), msg); err != nil {
		a.log.WarnContext(c.Request.Context(), "invitation email failed", "invitation_id", iv.ID, "err", err)
	}
	return iv, nil
}

// checkInvitation validates an invitation request and returns the
// company's name (empty for company-less roles) and the account that
// already has the address, if any (which the inviter is never told).
func (a *API) checkInvitation(c *gin.Context, inviter *rooms.Member, req *createInvitationRequest) (string, *rooms.Member, error) {
	req.Email = rooms.NormalizeEmail(req.Email)
	probe := rooms.Member{Email: req.Email, DisplayName: "-", Role: req.Role, CompanyID: req.CompanyID}
	if err := probe.Validate(); err != nil {
		return "", nil, err
	}
	if inviter.Role == rooms.RoleCompanyAdmin && req.CompanyID != inviter.CompanyID {
		return "", nil, rooms.ErrNotFound // another company is not there for her, as everywhere else
	}
	if !rooms.CanInvite(inviter, req.Role, req.CompanyID) {
		return "", nil, rooms.ErrForbidden
	}
	existing, err := a.store.GetMemberByEmail(c.Request.Context(), req.Email)
	if errors.Is(err, rooms.ErrNotFound) {
		existing = nil
	} else if err != nil {
		return "", nil, err
	}
	if req.CompanyID == "" {
		return "", existing, nil
	}
	co, err := a.store.GetCompany(c.Request.Context(), req.CompanyID)
	if errors.Is(err, rooms.ErrNotFound) {
		return "", nil, rooms.Invalid("company_id", "unknown_company", "no such company")
	} else if err != nil {
		return "", nil, err
	}
	if co.Status == rooms.CompanyEnded {
		return "", nil, rooms.Invalid("company_id", "company_ended", "the company's subscription has ended")
	}
	return co.Name, existing, nil
}

// listInvitations shows operators every invitation (or one company's) and
// company admins their own company's.
func (a *API) listInvitations(c *gin.Context) {
	m := currentMember(c)
	company := rooms.CompanyID(c.Query("company_id"))
	if m.Role == rooms.RoleCompanyAdmin {
		if company != "" && company != m.CompanyID {
			fail(c, rooms.ErrNotFound) // another company's: as if it did not exist, like every other resource of theirs
			return
		}
		company = m.CompanyID
	} else if company != "" && !company.Valid() {
		fail(c, badRequest("malformed", "company_id", "company_id is malformed"))
		return
	}
	list, err := a.store.ListInvitations(c.Request.Context(), company)
	if err != nil {
		fail(c, err)
		return
	}
	out := make([]InvitationView, len(list))
	for i, iv := range list {
		out[i] = a.viewInvitation(iv)
	}
	c.JSON(http.StatusOK, gin.H{"invitations": out})
}

// openInvitation finds a usable invitation by its link's secret.
func (a *API) openInvitation(c *gin.Context, token string) (*rooms.Invitation, error) {
	if token == "" || len(token) > 64 {
		return nil, rooms.Invalid("token", "required", "the invitation link is incomplete")
	}
	iv, err := a.store.GetInvitationByToken(c.Request.Context(), string(rooms.SessionIDFor(token)))
	if errors.Is(err, rooms.ErrNotFound) {
		return nil, &Error{Status: http.StatusNotFound, Code: "invitation_not_found", Field: "token", Message: "this invitation link is not valid"}
	} else if err != nil {
		return nil, err
	}
	switch iv.Status(a.now()) {
	case rooms.InvitationAccepted:
		return nil, &Error{Status: http.StatusGone, Code: "invitation_used", Field: "token", Message: "this invitation has already been used; log in instead"}
	case rooms.InvitationExpired:
		return nil, &Error{Status: http.StatusGone, Code: "invitation_expired", Field: "token", Message: "this invitation has expired; ask for a new one"}
	case rooms.InvitationRevoked:
		return nil, errLinkRevoked
	}
	return iv, nil
}

// errLinkRevoked answers a link whose invitation was revoked or resent.
var errLinkRevoked = &Error{Status: http.StatusGone, Code: "invitation_revoked", Field: "token",
	Message: "this invitation link was withdrawn or replaced by a newer one; use the latest email or ask for a new one"}

// lookupInvitation tells the sign-up page whom the link is for.
func (a *API) lookupInvitation(c *gin.Context) {
	iv, err := a.openInvitation(c, c.Query("token"))
	if err != nil {
		fail(c, err)
		return
	}
	company := ""
	if iv.CompanyID != "" {
		if co, err := a.store.GetCompany(c.Request.Context(), iv.CompanyID); err == nil {
			company = co.Name
		}
	}
	c.JSON(http.StatusOK, gin.H{"email": iv.Email, "role": iv.Role, "company_name": company, "expires_at": iv.ExpiresAt})
}

type acceptInvitationRequest struct {
	Token       string `json:"token"`
	DisplayName string `json:"display_name"`
	Password    string `json:"password"`
	Locale      string `json:"locale"`
	TimeZone    string `json:"time_zone"`
}

// acceptInvitation creates the account and logs it in. The invitation is
// claimed once (ClaimOnce) before anything is written, so two tabs racing
// with one link create one account.
func (a *API) acceptInvitation(c *gin.Context) {
	var req acceptInvitationRequest
	if err := bindJSON(c, &req); err != nil {
		fail(c, err)
		return
	}
	iv, err := a.openInvitation(c, req.Token)
	if err != nil {
		fail(c, err)
		return
	}
	m := &rooms.Member{ID: rooms.NewMemberID(), CompanyID: iv.CompanyID, Email: iv.Email, DisplayName: req.DisplayName,
		Role: iv.Role, Locale: req.Locale, TimeZone: req.TimeZone}
	if err := m.Validate(); err != nil {
		fail(c, err)
		return
	}
	if err := rooms.ValidatePassword(req.Password); err != nil {
		fail(c, err)
		return
	}
	if m.PasswordHash, err = a.hashNewPassword(c, req.Password); err != nil {
		fail(c, err)
		return
	}
	if err := a.store.ClaimOnce(c.Request.Context(), iv.ClaimKey(), a.now()); err != nil {
		if errors.Is(err, rooms.ErrConflict) {
			err = &Error{Status: http.StatusGone, Code: "invitation_used", Field: "token", Message: "this invitation has already been used; log in instead"}
			if cur, gerr := a.store.GetInvitation(c.Request.Context(), iv.ID); gerr == nil && !cur.RevokedAt.IsZero() {
				err = errLinkRevoked // revoked while the form was open
			}
		}
		fail(c, err)
		return
	}
	if err := a.store.CreateMember(c.Request.Context(), m); err != nil {
		fail(c, err)
		return
	}
	if err := a.store.MarkInvitationAccepted(c.Request.Context(), iv.ID, m.ID, a.now()); err != nil {
		a.log.WarnContext(c.Request.Context(), "recording accepted invitation", "invitation_id", iv.ID, "err", err)
	}
	a.startSession(c, m, http.StatusCreated)
}
