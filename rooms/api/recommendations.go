package api

import (
	"errors"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/zadankai/zadankai/rooms"
)

// CandidateView is one recommended peer with the reasons, as codes the
// page translates.
type CandidateView struct {
	Peer    PeerView       `json:"peer"`
	Reasons []rooms.Reason `json:"reasons"`
}

// getRecommendations returns the caller's current batch. Candidates who
// have since been blocked (either way) or paused are left out.
func (a *API) getRecommendations(c *gin.Context) {
	me := currentMember(c)
	rec, err := a.store.GetRecommendation(c.Request.Context(), me.ID)
	if errors.Is(err, rooms.ErrNotFound) {
		c.JSON(http.StatusOK, gin.H{"made_at": nil, "candidates": []CandidateView{}})
		return
	} else if err != nil {
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
		out = append(out, CandidateView{Peer: a.peer(c, cand.MemberID), Reasons: cand.Reasons})
	}
	c.JSON(http.StatusOK, gin.H{"made_at": rec.MadeAt.Format(time.RFC3339), "candidates": out})
}
