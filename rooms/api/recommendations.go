package api

import (
	"errors"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/zadankai/zadankai/rooms"
)

// CandidateView is one recommended peer with the reasons, as codes the
// page translates. Open is the request or booking the two already have,
// which the page shows instead of offering a new request.
type CandidateView struct {
	Peer    PeerView       `json:"peer"`
	Reasons []rooms.Reason `json:"reasons"`
	Open    *OpenView      `json:"open,omitempty"`
}

// OpenView is a consultation still open between the viewer and a peer.
type OpenView struct {
	ID         rooms.ConsultationID     `json:"id"`
	Status     rooms.ConsultationStatus `json:"status"`
	Role       string                   `json:"role"` // the viewer's side: requester or recipient
	AwaitingMe bool                     `json:"awaiting_me"`
}

// getRecommendations returns the caller's current batch. Candidates who
// have since been blocked (either way) or paused are left out; with no
// batch yet, needs_profile says whether her profile is what is missing.
func (a *API) getRecommendations(c *gin.Context) {
	me := currentMember(c)
	rec, err := a.store.GetRecommendation(c.Request.Context(), me.ID)
	if errors.Is(err, rooms.ErrNotFound) {
		_, perr := a.store.GetProfile(c.Request.Context(), me.ID)
		if perr != nil && !errors.Is(perr, rooms.ErrNotFound) {
			fail(c, perr)
			return
		}
		c.JSON(http.StatusOK, gin.H{"made_at": nil, "candidates": []CandidateView{}, "needs_profile": perr != nil})
		return
	} else if err != nil {
		fail(c, err)
		return
	}
	open, err := a.openConsultations(c, me.ID)
	if err != nil {
		fail(c, err)
		return
	}
	out := []CandidateView{}
	for _, cand := range rec.Candidates {
		blocked, err := a.blockedEitherWay(c, me.ID, cand.MemberID)
		if err != nil {
			fail(c, err)
			return
		}
		if p, err := a.store.GetProfile(c.Request.Context(), cand.MemberID); blocked || (err == nil && p.Paused) {
			continue
		}
		v := CandidateView{Peer: a.peer(c, cand.MemberID), Reasons: cand.Reasons}
		if cs := open[cand.MemberID]; cs != nil {
			v.Open = &OpenView{ID: cs.ID, Status: cs.StatusAt(a.now()), Role: "recipient", AwaitingMe: cs.Awaits(me.ID, a.now())}
			if cs.RequesterID == me.ID {
				v.Open.Role = "requester"
			}
		}
		out = append(out, v)
	}
	c.JSON(http.StatusOK, gin.H{"made_at": rec.MadeAt.Format(time.RFC3339), "candidates": out, "needs_profile": false})
}

// openConsultations maps each peer m has an open consultation with (a
// request not yet answered or expired, or a booking to come) to the
// newest such consultation.
func (a *API) openConsultations(c *gin.Context, m rooms.MemberID) (map[rooms.MemberID]*rooms.Consultation, error) {
	list, err := a.store.ListMemberConsultations(c.Request.Context(), m)
	if err != nil {
		return nil, err
	}
	out := map[rooms.MemberID]*rooms.Consultation{}
	now := a.now()
	for _, cs := range list { // newest first
		other, _ := cs.Party(m)
		if st := cs.StatusAt(now); (st == rooms.StatusRequested || st == rooms.StatusBooked) && out[other] == nil {
			out[other] = cs
		}
	}
	return out, nil
}
