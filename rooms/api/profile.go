package api

import (
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/zadankai/zadankai/rooms"
)

// profileOptions lists the curated choices the profile form offers.
func (a *API) profileOptions(c *gin.Context) {
	c.JSON(http.StatusOK, gin.H{"themes": rooms.Themes, "industries": rooms.Industries, "job_functions": rooms.JobFunctions,
		"age_bands": rooms.AgeBands, "languages": rooms.LanguageCodes})
}

// profileRequest is what a member may set; the server owns the rest.
type profileRequest struct {
	Intro           string          `json:"intro"`
	Industry        string          `json:"industry"`
	JobFunction     string          `json:"job_function"`
	JobLevel        int             `json:"job_level"`
	YearsExperience int             `json:"years_experience"`
	WorkStyle       rooms.WorkStyle `json:"work_style"`
	Children        rooms.Children  `json:"children"`
	Themes          []string        `json:"themes"`
	Languages       []string        `json:"languages"`
	InPerson        bool            `json:"in_person"`
	Area            string          `json:"area"`
	Capacity        int             `json:"capacity"`
	Paused          bool            `json:"paused"`
	// Version is the version the client read; a stale one is a conflict.
	Version int64 `json:"version"`
}

// myProfile returns the saved profile or the starting one, with
// HasPhoto read from the photos as well (see putMyPhoto).
func (a *API) myProfile(c *gin.Context) (*rooms.Profile, error) {
	m := currentMember(c)
	p, err := a.store.GetProfile(c.Request.Context(), m.ID)
	if errors.Is(err, rooms.ErrNotFound) {
		p, err = rooms.NewProfile(m.ID), nil
	}
	if err == nil && !p.HasPhoto {
		p.HasPhoto, err = a.photoExists(c, m.ID)
	}
	return p, err
}

// photoExists reports whether m has uploaded a photo.
func (a *API) photoExists(c *gin.Context, m rooms.MemberID) (bool, error) {
	_, err := a.store.GetPhoto(c.Request.Context(), m)
	if errors.Is(err, rooms.ErrNotFound) {
		return false, nil
	}
	return err == nil, err
}

func (a *API) getMyProfile(c *gin.Context) {
	p, err := a.myProfile(c)
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, p)
}

func (a *API) putMyProfile(c *gin.Context) {
	var req profileRequest
	if err := bindJSON(c, &req); err != nil {
		fail(c, err)
		return
	}
	cur, err := a.myProfile(c)
	if err != nil {
		fail(c, err)
		return
	}
	if req.Version != cur.Version {
		fail(c, &Error{Status: http.StatusConflict, Code: "conflict", Field: "version", Message: "the profile changed in another window; reload it"})
		return
	}
	p := &rooms.Profile{MemberID: cur.MemberID, Intro: req.Intro, Industry: req.Industry, JobFunction: req.JobFunction,
		JobLevel: req.JobLevel, YearsExperience: req.YearsExperience, WorkStyle: req.WorkStyle, Children: req.Children,
		Themes: orEmpty(req.Themes), Languages: req.Languages, InPerson: req.InPerson, Area: req.Area, Capacity: req.Capacity,
		Paused: req.Paused, HasPhoto: cur.HasPhoto, Version: cur.Version}
	p.Children.AgeBands = orEmpty(p.Children.AgeBands)
	if err := p.Validate(); err != nil {
		fail(c, err)
		return
	}
	first := cur.Version == 0
	if err := a.store.PutProfile(c.Request.Context(), p); err != nil {
		fail(c, err)
		return
	}
	if first && currentMember(c).Role == rooms.RoleMember {
		// A new member gets a first batch now, not at the next weekly round.
		if err := a.RecommendFor(c.Request.Context(), p.MemberID); err != nil {
			a.log.WarnContext(c.Request.Context(), "first recommendations", "member_id", p.MemberID, "err", err)
		}
	}
	c.JSON(http.StatusOK, p)
}

// orEmpty makes an empty list read [] in JSON rather than null.
func orEmpty[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

type availabilityRequest struct {
	TimeZone   string            `json:"time_zone"`
	Weekly     []rooms.Window    `json:"weekly"`
	Exceptions []rooms.Exception `json:"exceptions"`
	Version    int64             `json:"version"`
}

func (a *API) myAvailability(c *gin.Context) (*rooms.Availability, error) {
	m := currentMember(c)
	av, err := a.store.GetAvailability(c.Request.Context(), m.ID)
	if errors.Is(err, rooms.ErrNotFound) {
		return &rooms.Availability{MemberID: m.ID, TimeZone: m.TimeZone, Weekly: []rooms.Window{}, Exceptions: []rooms.Exception{}}, nil
	} else if err != nil {
		return nil, err
	}
	if av.Weekly == nil {
		av.Weekly = []rooms.Window{}
	}
	if av.Exceptions == nil {
		av.Exceptions = []rooms.Exception{}
	}
	return av, nil
}

func (a *API) getMyAvailability(c *gin.Context) {
	av, err := a.myAvailability(c)
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, av)
}

func (a *API) putMyAvailability(c *gin.Context) {
	var req availabilityRequest
	if err := bindJSON(c, &req); err != nil {
		fail(c, err)
		return
	}
	cur, err := a.myAvailability(c)
	if err != nil {
		fail(c, err)
		return
	}
	if req.Version != cur.Version {
		fail(c, &Error{Status: http.StatusConflict, Code: "conflict", Field: "version", Message: "your availability changed in another window; reload it"})
		return
	}
	av := &rooms.Availability{MemberID: cur.MemberID, TimeZone: req.TimeZone, Weekly: req.Weekly, Exceptions: req.Exceptions, Version: cur.Version}
	if av.Weekly == nil {
		av.Weekly = []rooms.Window{}
	}
	if av.Exceptions == nil {
		av.Exceptions = []rooms.Exception{}
	}
	if err := av.Validate(); err != nil {
		fail(c, err)
		return
	}
	if err := av.CheckHorizon(a.now()); err != nil {
		fail(c, err)
		return
	}
	if err := a.store.PutAvailability(c.Request.Context(), av); err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, av)
}
