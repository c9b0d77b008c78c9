package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/zadankai/zadankai/rooms"
	"github.com/zadankai/zadankai/rooms/match"
)

type breakoutPlanRequest struct {
	Size    int              `json:"size"`
	Include []rooms.MemberID `json:"include"`
}

// planBreakout proposes groups of about size for the people in the main
// room now (not those waiting in the lobby; moderators and guest
// speakers only if included), mixed by match.Groups. Nothing is stored:
// the moderator adjusts the proposal and opens it.
func (a *API) planBreakout(c *gin.Context) {
	var req breakoutPlanRequest
	b, ok := a.breakoutRequest(c, &req)
	if !ok {
		return
	}
	switch {
	case req.Size < 2 || req.Size > match.MaxGroupSize:
		fail(c, rooms.Invalid("size", "out_of_range", fmt.Sprintf("groups of 2 to %d", match.MaxGroupSize)))
		return
	case len(req.Include) > maxBreakoutPeople:
		fail(c, rooms.Invalid("include", "too_many", "too many people"))
		return
	case a.mediaPlane == nil:
		fail(c, &Error{Status: http.StatusServiceUnavailable, Code: "media_unavailable", Message: "no media plane is configured"})
		return
	}
	ctx := c.Request.Context()
	in, err := a.participants(ctx, b.r)
	if err != nil {
		fail(c, err)
		return
	}
	if err := checkPeople(in, "include", req.Include, map[rooms.MemberID]bool{}); err != nil {
		fail(c, err)
		return
	}
	ids, err := a.planPeople(ctx, b.r, in, req.Include)
	if err != nil {
		fail(c, err)
		return
	}
	groups, err := a.mixGroups(ctx, ids, req.Size)
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"groups": groups})
}

// planPeople lists who a plan places: the participants in r's main room
// now but those in the lobby, its moderators and guest speakers, then
// include.
func (a *API) planPeople(ctx context.Context, r *rooms.Roundtable, in map[rooms.MemberID]bool, include []rooms.MemberID) ([]rooms.MemberID, error) {
	present, err := a.mediaPlane.ListParticipants(ctx, r.RoomName())
	if err != nil && !errors.Is(err, rooms.ErrNotFound) {
		return nil, err
	}
	seen := map[rooms.MemberID]bool{}
	var ids []rooms.MemberID
	for _, p := range present {
		id := rooms.MemberID(p.Identity)
		if !in[id] || seen[id] || r.IsModerator(id) || r.IsSpeaker(id) || p.Attributes["lobby"] == "1" || r.EntryFor(id).Lobby {
			continue
		}
		seen[id] = true
		ids = append(ids, id)
	}
	for _, id := range include {
		if !seen[id] {
			seen[id] = true
			ids = append(ids, id)
		}
	}
	return ids, nil
}

// mixGroups splits ids into mixed groups of about size, by company,
// industry and children's age bands (match.Groups), answering with names.
func (a *API) mixGroups(ctx context.Context, ids []rooms.MemberID, size int) ([][]NameView, error) {
	members, err := a.store.GetMembers(ctx, ids)
	if err != nil {
		return nil, err
	}
	profiles, err := a.store.GetProfiles(ctx, ids)
	if err != nil {
		return nil, err
	}
	people := make([]match.Person, len(ids))
	for i, id := range ids {
		people[i].ID = string(id)
		if m := members[id]; m != nil {
			people[i].Company = string(m.CompanyID)
		}
		if p := profiles[id]; p != nil {
			people[i].Industry, people[i].AgeBands = p.Industry, p.Children.AgeBands
		}
	}
	groups, err := match.Groups(people, size)
	if err != nil {
		return nil, err
	}
	out := make([][]NameView, len(groups))
	for i, g := range groups {
		out[i] = make([]NameView, len(g))
		for j, id := range g {
			out[i][j] = NameView{ID: rooms.MemberID(id)}
			if m := members[rooms.MemberID(id)]; m != nil {
				out[i][j].DisplayName = m.DisplayName
			}
		}
	}
	return out, nil
}
