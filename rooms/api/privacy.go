package api

import (
	"errors"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
	"golang.org/x/crypto/bcrypt"

	"github.com/zadankai/zadankai/rooms"
)

// exportMyData returns, as one JSON file, everything the platform keeps
// about the caller that the caller may see.
func (a *API) exportMyData(c *gin.Context) {
	me := currentMember(c)
	out := gin.H{"exported_at": a.now().UTC().Format(time.RFC3339), "account": viewMember(me)}
	if p, err := a.store.GetProfile(c.Request.Context(), me.ID); err == nil {
		out["profile"] = p
	}
	if av, err := a.store.GetAvailability(c.Request.Context(), me.ID); err == nil {
		out["availability"] = av
	}
	list, err := a.store.ListMemberConsultations(c.Request.Context(), me.ID)
	if err != nil {
		fail(c, err)
		return
	}
	views := make([]ConsultationView, len(list))
	for i, cs := range list {
		views[i] = a.viewConsultation(c, cs, me)
	}
	out["consultations"] = views
	blocks, err := a.store.ListBlocks(c.Request.Context(), me.ID)
	if err != nil {
		fail(c, err)
		return
	}
	var blocked []rooms.MemberID
	for _, b := range blocks {
		if b.BlockerID == me.ID {
			blocked = append(blocked, b.BlockedID)
		}
	}
	out["blocked"] = blocked
	c.Header("Content-Disposition", `attachment; filename="zadankai-export.json"`)
	c.JSON(http.StatusOK, out)
}

type deleteRequest struct {
	Password string `json:"password"`
}

// deleteMyAccount cancels what is still open, deletes the profile and
// everything around it, and anonymises the account record (kept only so
// past consultations of the other person stay coherent).
func (a *API) deleteMyAccount(c *gin.Context) {
	var req deleteRequest
	if err := bindJSON(c, &req); err != nil {
		fail(c, err)
		return
	}
	me := currentMember(c)
	if bcrypt.CompareHashAndPassword([]byte(me.PasswordHash), []byte(req.Password)) != nil {
		fail(c, &Error{Status: http.StatusForbidden, Code: "wrong_password", Field: "password", Message: "confirm with your password"})
		return
	}
	list, err := a.store.ListMemberConsultations(c.Request.Context(), me.ID)
	if err != nil {
		fail(c, err)
		return
	}
	for _, cs := range list {
		st := cs.StatusAt(a.now())
		if st != rooms.StatusRequested && st != rooms.StatusBooked {
			continue
		}
		wasBooked, held := cs.Status == rooms.StatusBooked, cs.TimeKeys()
		cs.Status, cs.CancelledBy, cs.Sequence = rooms.StatusCancelled, me.ID, cs.Sequence+1
		err := a.store.UpdateConsultationTime(c.Request.Context(), cs, nil, held)
		if err != nil && !errors.Is(err, rooms.ErrConflict) {
			fail(c, err)
			return
		}
		if wasBooked && err == nil {
			a.sendCalendar(c, cs, rooms.MethodCancel)
		}
	}
	if err := a.store.DeleteMemberData(c.Request.Context(), me.ID); err != nil {
		fail(c, err)
		return
	}
	me.Email = "deleted+" + string(me.ID) + "@zadankai.invalid"
	me.DisplayName, me.PasswordHash, me.Moderator = "退会したメンバー / Former member", "", false
	if err := a.store.UpdateMember(c.Request.Context(), me); err != nil {
		fail(c, err)
		return
	}
	http.SetCookie(c.Writer, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, Secure: a.secure, SameSite: http.SameSiteLaxMode})
	c.Status(http.StatusNoContent)
}
