package api

import (
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/zadankai/zadankai/rooms"
)

// NoticePrefsView is a member's notification preferences on the wire:
// a channel per kind, quiet hours as "HH:MM" in her time zone.
type NoticePrefsView struct {
	Channels  map[rooms.NoticeKind]rooms.Channel `json:"channels"`
	QuietFrom string                             `json:"quiet_from"`
	QuietTo   string                             `json:"quiet_to"`
	ShowNames bool                               `json:"show_names"`
	TimeZone  string                             `json:"time_zone"` // hers, for reading the quiet hours; set on the account
	Version   int64                              `json:"version"`
}

func viewNoticePrefs(p *rooms.NoticePrefs, tz string) NoticePrefsView {
	v := NoticePrefsView{Channels: map[rooms.NoticeKind]rooms.Channel{}, QuietFrom: rooms.FormatClock(p.QuietFrom),
		QuietTo: rooms.FormatClock(p.QuietTo), ShowNames: p.ShowNames, TimeZone: tz, Version: p.Version}
	for _, k := range rooms.NoticeKinds {
		v.Channels[k] = p.ChannelFor(k)
	}
	return v
}

type noticePrefsRequest struct {
	Channels  map[rooms.NoticeKind]rooms.Channel `json:"channels"`
	QuietFrom string                             `json:"quiet_from"`
	QuietTo   string                             `json:"quiet_to"`
	ShowNames bool                               `json:"show_names"`
	Version   int64                              `json:"version"`
}

// myNoticePrefs returns the caller's preferences, the defaults (version
// 0) before she saved any.
func (a *API) myNoticePrefs(c *gin.Context) (*rooms.NoticePrefs, error) {
	me := currentMember(c)
	p, err := a.store.GetNoticePrefs(c.Request.Context(), me.ID)
	if errors.Is(err, rooms.ErrNotFound) {
		return rooms.DefaultNoticePrefs(me.ID), nil
	}
	return p, err
}

func (a *API) getMyNoticePrefs(c *gin.Context) {
	p, err := a.myNoticePrefs(c)
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, viewNoticePrefs(p, currentMember(c).TimeZone))
}

// putMyNoticePrefs replaces the caller's preferences; kinds left out
// keep push.
func (a *API) putMyNoticePrefs(c *gin.Context) {
	var req noticePrefsRequest
	if err := bindJSON(c, &req); err != nil {
		fail(c, err)
		return
	}
	cur, err := a.myNoticePrefs(c)
	if err != nil {
		fail(c, err)
		return
	}
	if req.Version != cur.Version {
		fail(c, &Error{Status: http.StatusConflict, Code: "conflict", Field: "version", Message: "your notification settings changed in another window; reload them"})
		return
	}
	from, ok1 := rooms.ParseClock(req.QuietFrom)
	to, ok2 := rooms.ParseClock(req.QuietTo)
	switch {
	case !ok1:
		fail(c, rooms.Invalid("quiet_from", "malformed", "quiet_from must be a time of day, HH:MM"))
		return
	case !ok2:
		fail(c, rooms.Invalid("quiet_to", "malformed", "quiet_to must be a time of day, HH:MM"))
		return
	}
	p := &rooms.NoticePrefs{MemberID: cur.MemberID, Channels: req.Channels, QuietFrom: from, QuietTo: to, ShowNames: req.ShowNames, Version: cur.Version}
	if p.Channels == nil {
		p.Channels = map[rooms.NoticeKind]rooms.Channel{}
	}
	if err := p.Validate(); err != nil {
		fail(c, err)
		return
	}
	if err := a.store.PutNoticePrefs(c.Request.Context(), p); err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, viewNoticePrefs(p, currentMember(c).TimeZone))
}
