package api

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/zadankai/zadankai/rooms"
)

// topicBreakout tells every room of a roundtable (the main room and each
// group's) that its breakout changed; the payload is the state as
// BreakoutView without my_group. Pages also poll GET …/breakout, so a
// missed message or a reconnect strands nobody.
const topicBreakout = "breakout"

// BreakoutView is a roundtable's breakout as the people in its room see
// it: ids and display names, what the room already shows, and nothing
// else of anyone.
type BreakoutView struct {
	Open      bool       `json:"open"`
	Round     int        `json:"round"`
	EndsAt    *time.Time `json:"ends_at,omitempty"`
	Now       time.Time  `json:"now"` // the server's clock, for the countdown
	Speak     bool       `json:"speak"`
	Message   string     `json:"message"`
	MessageAt *time.Time `json:"message_at,omitempty"`
	// MyGroup is the caller's group ("" for none); absent from the data
	// messages, which everyone receives alike.
	MyGroup *string             `json:"my_group,omitempty"`
	Groups  []BreakoutGroupView `json:"groups"`
}

// BreakoutGroupView is one group and who is in it.
type BreakoutGroupView struct {
	ID      string     `json:"id"`
	Members []NameView `json:"members"`
}

// NameView is a person as the room shows her: her id and display name.
type NameView struct {
	ID          rooms.MemberID `json:"id"`
	DisplayName string         `json:"display_name"`
}

// breakoutView builds the view of r's breakout at now; for names the
// caller, me names whose my_group it carries (nil: none, for the data
// messages).
func (a *API) breakoutView(ctx context.Context, r *rooms.Roundtable, me *rooms.MemberID, now time.Time) (BreakoutView, error) {
	b := r.Live.Breakout
	v := BreakoutView{Now: now.UTC(), Groups: []BreakoutGroupView{}}
	if b != nil {
		v.Round = b.Round
	}
	if me != nil {
		mine := ""
		v.MyGroup = &mine
	}
	if !b.Open(now) || r.Live.Ended {
		return v, nil
	}
	v.Open, v.Speak, v.Message = true, b.Speak, b.Message
	ends := b.EndsAt.UTC()
	v.EndsAt = &ends
	if !b.MessageAt.IsZero() {
		at := b.MessageAt.UTC()
		v.MessageAt = &at
	}
	if me != nil {
		if g, ok := b.GroupOf(*me); ok {
			*v.MyGroup = g.ID
		}
	}
	names, err := a.displayNames(ctx, b)
	if err != nil {
		return v, err
	}
	for _, g := range b.Groups {
		gv := BreakoutGroupView{ID: g.ID, Members: make([]NameView, len(g.Members))}
		for i, m := range g.Members {
			gv.Members[i] = NameView{ID: m, DisplayName: names[m]}
		}
		v.Groups = append(v.Groups, gv)
	}
	return v, nil
}

// displayNames looks up the display name of everyone in b's groups at once.
func (a *API) displayNames(ctx context.Context, b *rooms.Breakout) (map[rooms.MemberID]string, error) {
	var ids []rooms.MemberID
	for _, g := range b.Groups {
		ids = append(ids, g.Members...)
	}
	members, err := a.store.GetMembers(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := make(map[rooms.MemberID]string, len(members))
	for id, m := range members {
		out[id] = m.DisplayName
	}
	return out, nil
}

// getBreakout shows the breakout to whoever may join the room, and to
// its organisers.
func (a *API) getBreakout(c *gin.Context) {
	r, me, ok := a.myRoundtable(c)
	if !ok {
		return
	}
	if !a.organises(me, r) {
		if _, err := a.roomRole(c, r, me); err != nil {
			fail(c, err)
			return
		}
		if slices.Contains(r.Live.Removed, me.ID) {
			fail(c, entryError(rooms.Entry{Refused: rooms.EntryRemoved}))
			return
		}
	}
	v, err := a.breakoutView(c.Request.Context(), r, &me.ID, a.now())
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, v)
}

// tellBreakout sends the breakout's state to the main room and to every
// group room of its round, best effort: the change is stored already,
// and pages poll.
func (a *API) tellBreakout(ctx context.Context, r *rooms.Roundtable) {
	if a.mediaPlane == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	v, err := a.breakoutView(ctx, r, nil, a.now())
	if err != nil {
		a.log.WarnContext(ctx, "breakout: building the state to send", "roundtable_id", r.ID, "err", err)
		return
	}
	body, _ := json.Marshal(v)
	for _, room := range append([]string{r.RoomName()}, r.BreakoutRoomNames()...) {
		if err := a.mediaPlane.SendData(ctx, room, topicBreakout, body, nil); err != nil && !errors.Is(err, rooms.ErrNotFound) {
			a.log.DebugContext(ctx, "breakout: telling a room", "room", room, "err", err)
		}
	}
}

// joinTarget picks the room POST …/join answers with: while groups are
// open, her group's room (so a reconnect lands there), or with ?group= the
// main room ("main", anyone) or a group (moderators and guest speakers any
// group, others only their own). It returns the room and the group's id
// or "main".
func (a *API) joinTarget(c *gin.Context, r *rooms.Roundtable, me *rooms.Member, now time.Time) (string, string, error) {
	want, b := c.Query("group"), r.Live.Breakout
	if want == "main" || (want == "" && !b.Open(now)) {
		return r.RoomName(), "main", nil
	}
	if want == "" {
		g, ok := b.GroupOf(me.ID)
		if !ok {
			return r.RoomName(), "main", nil
		}
		want = g.ID
	}
	round := 0
	if b != nil {
		round = b.Round
	}
	e := r.GroupEntryFor(me.ID, round, want, now)
	if _, ok := b.Group(want); !ok && e.Refused == rooms.EntryNotInGroup && (r.IsModerator(me.ID) || r.IsSpeaker(me.ID)) {
		return "", "", rooms.Invalid("group", "unknown_value", "no such group")
	}
	if err := entryError(e); err != nil {
		return "", "", err
	}
	return r.BreakoutRoomName(round, want), want, nil
}
