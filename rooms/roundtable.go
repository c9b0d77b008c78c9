package rooms

import (
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// RoundtableID identifies a roundtable.
type RoundtableID string

// NewRoundtableID returns a fresh random RoundtableID.
func NewRoundtableID() RoundtableID { return RoundtableID(newID("rt_")) }

// Valid reports whether id is well formed.
func (id RoundtableID) Valid() bool { return validID(string(id), "rt_") }

// Format is where a roundtable happens.
type Format string

// Formats.
const (
	FormatOnline   Format = "online"
	FormatInPerson Format = "in_person"
	FormatHybrid   Format = "hybrid"
)

// Talk is how a roundtable's conversation is shaped.
type Talk string

// Talk shapes.
const (
	// TalkSmallRound lets everyone speak.
	TalkSmallRound Talk = "small_round"
	// TalkStage puts speakers and moderators on a stage; the audience
	// listens, chats and raises hands until promoted.
	TalkStage Talk = "stage"
)

// Roundtable is a themed group session with moderators and, often, guest
// speakers.
type Roundtable struct {
	ID                RoundtableID  `json:"id" bson:"_id"`
	Title             string        `json:"title" bson:"title"`
	Description       string        `json:"description" bson:"description"`
	Axis              Axis          `json:"axis" bson:"axis"`
	Themes            []string      `json:"themes" bson:"themes"`
	Start             time.Time     `json:"start" bson:"start"`
	Minutes           int           `json:"minutes" bson:"minutes"`
	TimeZone          string        `json:"time_zone" bson:"time_zone"`
	Format            Format        `json:"format" bson:"format"`
	Venue             string        `json:"venue" bson:"venue"`
	Capacity          int           `json:"capacity" bson:"capacity"`
	Talk              Talk          `json:"talk" bson:"talk"`
	Moderators        []MemberID    `json:"moderators" bson:"moderators"`
	Speakers          []MemberID    `json:"speakers" bson:"speakers"`
	ExcludedCompanies []CompanyID   `json:"excluded_companies" bson:"excluded_companies"`
	CloseBefore       time.Duration `json:"close_before" bson:"close_before"` // registration closes this long before the start
	Cancelled         bool          `json:"cancelled" bson:"cancelled"`
	Live              LiveState     `json:"live" bson:"live"`
	CreatedBy         MemberID      `json:"created_by" bson:"created_by"`
	CreatedAt         time.Time     `json:"created_at" bson:"created_at"`
	UpdatedAt         time.Time     `json:"updated_at" bson:"updated_at"`
	Version           int64         `json:"version" bson:"version"`
}

// End is when the roundtable ends.
func (r *Roundtable) End() time.Time { return r.Start.Add(time.Duration(r.Minutes) * time.Minute) }

// RoomName is its media room.
func (r *Roundtable) RoomName() string { return roundtableRoomPrefix + string(r.ID) }

// JoinWindow is when tokens are minted: 15 minutes before until the end.
func (r *Roundtable) JoinWindow() (time.Time, time.Time) {
	return r.Start.Add(-15 * time.Minute), r.End()
}

// IsModerator reports whether m moderates r.
func (r *Roundtable) IsModerator(m MemberID) bool { return slices.Contains(r.Moderators, m) }

// IsSpeaker reports whether m is a guest speaker of r.
func (r *Roundtable) IsSpeaker(m MemberID) bool { return slices.Contains(r.Speakers, m) }

// Validate checks what an organiser sets, naming the field at fault.
func (r *Roundtable) Validate(now time.Time) error {
	r.Title, r.Description, r.Venue = CleanLine(r.Title), strings.TrimSpace(r.Description), CleanLine(r.Venue)
	_, zoneErr := time.LoadLocation(r.TimeZone)
	checks := []struct {
		bad         bool
		field, code string
		msg         string
	}{
		{r.Title == "", "title", "required", "a title is required"},
		{utf8.RuneCountInString(r.Title) > 120, "title", "too_long", "the title is longer than 120 characters"},
		{badLine(r.Title), "title", "invalid_characters", badLineMsg},
		{utf8.RuneCountInString(r.Description) > 4000, "description", "too_long", "the description is longer than 4000 characters"},
		{r.Axis != AxisLife && r.Axis != AxisCareer, "axis", "unknown_value", "axis must be life or career"},
		{zoneErr != nil || r.TimeZone == "" || r.TimeZone == "Local", "time_zone", "unknown_value", "time zone must be an IANA name such as Asia/Tokyo"},
		{!r.Start.After(now), "start", "in_the_past", "the start must be in the future"},
		{TooFar(r.Start, now), "start", "too_far", "the start must be within two years"},
		{r.Minutes < 15 || r.Minutes > 240, "minutes", "out_of_range", "a roundtable lasts 15 to 240 minutes"},
		{r.Format != FormatOnline && r.Format != FormatInPerson && r.Format != FormatHybrid, "format", "unknown_value", "format must be online, in_person or hybrid"},
		{r.Format != FormatOnline && r.Venue == "", "venue", "required", "in-person and hybrid roundtables need a venue"},
		{badLine(r.Venue), "venue", "invalid_characters", badLineMsg},
		{utf8.RuneCountInString(r.Venue) > 200, "venue", "too_long", "the venue is longer than 200 characters"},
		{r.Capacity <= 0 || r.Capacity > 1000, "capacity", "out_of_range", "capacity must be 1 to 1000"},
		{r.Talk != TalkSmallRound && r.Talk != TalkStage, "talk", "unknown_value", "talk must be small_round or stage"},
		{len(r.Moderators) == 0, "moderators", "required", "name at least one moderator"},
		{r.CloseBefore < 0 || r.CloseBefore > 7*24*time.Hour, "close_before", "out_of_range", "registration closes 0 to 7 days before the start"},
	}
	for _, c := range checks {
		if c.bad {
			return Invalid(c.field, c.code, c.msg)
		}
	}
	for _, err := range []error{checkList("themes", r.Themes, 5), checkList("moderators", r.Moderators, MaxModerators),
		checkList("speakers", r.Speakers, MaxSpeakers), checkList("excluded_companies", r.ExcludedCompanies, MaxExcludedCompanies)} {
		if err != nil {
			return err
		}
	}
	for i, t := range r.Themes {
		if _, ok := ThemeByID(t); !ok {
			return Invalid(fmt.Sprintf("themes[%d]", i), "unknown_value", "unknown theme")
		}
	}
	return nil
}

// Limits of a roundtable's lists: every member's roundtable list shows
// its moderators and speakers, so their number stays small.
const (
	MaxModerators        = 5
	MaxSpeakers          = 5
	MaxExcludedCompanies = 50
)

// checkList refuses more than max entries or the same entry twice,
// naming the list or the repeated entry.
func checkList[T comparable](field string, xs []T, max int) error {
	if len(xs) > max {
		return Invalid(field, "too_many", fmt.Sprintf("at most %d %s", max, strings.ReplaceAll(field, "_", " ")))
	}
	for i, x := range xs {
		if slices.Index(xs, x) < i {
			return Invalid(fmt.Sprintf("%s[%d]", field, i), "duplicate", "this one is already in the list")
		}
	}
	return nil
}

// LiveState is what moderators set during the session; the control plane
// enforces it when minting tokens and the media plane when people join
// (see EntryFor).
type LiveState struct {
	Lobby     bool       `json:"lobby" bson:"lobby"`         // new arrivals wait to be admitted
	Locked    bool       `json:"locked" bson:"locked"`       // no new joins
	LockedIn  []MemberID `json:"locked_in" bson:"locked_in"` // who was in the room when it was locked: they may come back
	Ended     bool       `json:"ended" bson:"ended"`         // ended for everyone
	Spotlight MemberID   `json:"spotlight" bson:"spotlight"` // shown large to everyone
	Admitted  []MemberID `json:"admitted" bson:"admitted"`   // let in from the lobby
	Promoted  []MemberID `json:"promoted" bson:"promoted"`   // audience members on stage
	Removed   []MemberID `json:"removed" bson:"removed"`     // may not rejoin this session
	// Breakout is the current (or last) round of small groups.
	Breakout *Breakout `json:"breakout,omitempty" bson:"breakout,omitempty"`
}

// OnStage reports whether m speaks from the stage of r.
func (r *Roundtable) OnStage(m MemberID) bool {
	return r.IsModerator(m) || r.IsSpeaker(m) || slices.Contains(r.Live.Promoted, m)
}

// AuditEntry records one moderation action: who did what to whom, when.
type AuditEntry struct {
	ID           string       `json:"id" bson:"_id"`
	RoundtableID RoundtableID `json:"roundtable_id" bson:"roundtable_id"`
	ActorID      MemberID     `json:"actor_id" bson:"actor_id"`
	Action       string       `json:"action" bson:"action"`
	TargetID     MemberID     `json:"target_id,omitempty" bson:"target_id,omitempty"`
	Detail       string       `json:"detail,omitempty" bson:"detail,omitempty"`
	At           time.Time    `json:"at" bson:"at"`
}

// NewAuditID returns a fresh audit entry id.
func NewAuditID() string { return newID("au_") }

// RegistrationStatus is where one person stands for a roundtable.
type RegistrationStatus string

// Registration statuses.
const (
	Registered RegistrationStatus = "registered"
	Waitlisted RegistrationStatus = "waitlisted"
	Withdrawn  RegistrationStatus = "cancelled"
)

// Registration is one member's place (or place in the queue).
type Registration struct {
	RoundtableID RoundtableID       `json:"roundtable_id" bson:"roundtable_id"`
	MemberID     MemberID           `json:"member_id" bson:"member_id"`
	CompanyID    CompanyID          `json:"company_id" bson:"company_id"`
	Status       RegistrationStatus `json:"status" bson:"status"`
	QueuedAt     time.Time          `json:"queued_at" bson:"queued_at"`
	CreatedAt    time.Time          `json:"created_at" bson:"created_at"`
	UpdatedAt    time.Time          `json:"updated_at" bson:"updated_at"`
	Version      int64              `json:"version" bson:"version"`
}
