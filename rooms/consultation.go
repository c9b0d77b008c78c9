package rooms

import (
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// ConsultationID identifies a 1:1 consultation.
type ConsultationID string

// NewConsultationID returns a fresh random ConsultationID.
func NewConsultationID() ConsultationID { return ConsultationID(newID("cs_")) }

// Valid reports whether id is well formed.
func (id ConsultationID) Valid() bool { return validID(string(id), "cs_") }

// ConsultationStatus is where a consultation stands.
type ConsultationStatus string

// Consultation statuses. Expired and completed are also derived from time
// on read (see Consultation.StatusAt), so no job has to race the clock.
const (
	StatusRequested ConsultationStatus = "requested" // waiting for AwaitingID to pick a slot
	StatusBooked    ConsultationStatus = "booked"
	StatusDeclined  ConsultationStatus = "declined"
	StatusCancelled ConsultationStatus = "cancelled"
	StatusExpired   ConsultationStatus = "expired"
	StatusCompleted ConsultationStatus = "completed"
)

// Mode is how the two meet.
type Mode string

// Modes.
const (
	ModeOnline   Mode = "online"
	ModeInPerson Mode = "in_person"
)

// Slot is a proposed or booked time.
type Slot struct {
	Start   time.Time `json:"start" bson:"start"`
	Minutes int       `json:"minutes" bson:"minutes"`
}

// End is when the slot ends.
func (s Slot) End() time.Time { return s.Start.Add(time.Duration(s.Minutes) * time.Minute) }

// Consultation is a request between two members of different companies
// and, once a slot is picked, the booked meeting.
type Consultation struct {
	ID               ConsultationID     `json:"id" bson:"_id"`
	RequesterID      MemberID           `json:"requester_id" bson:"requester_id"`
	RecipientID      MemberID           `json:"recipient_id" bson:"recipient_id"`
	RequesterCompany CompanyID          `json:"requester_company" bson:"requester_company"`
	RecipientCompany CompanyID          `json:"recipient_company" bson:"recipient_company"`
	Note             string             `json:"note" bson:"note"`
	Mode             Mode               `json:"mode" bson:"mode"`
	Place            string             `json:"place" bson:"place"`
	Status           ConsultationStatus `json:"status" bson:"status"`
	AwaitingID       MemberID           `json:"awaiting_id" bson:"awaiting_id"` // who must pick a slot
	Proposed         []Slot             `json:"proposed" bson:"proposed"`
	Booked           *Slot              `json:"booked,omitempty" bson:"booked,omitempty"`
	Reschedule       *Reschedule        `json:"reschedule,omitempty" bson:"reschedule,omitempty"` // new times proposed for the booking
	DeclineReason    string             `json:"decline_reason" bson:"decline_reason"`             // never shown to the requester
	CancelledBy      MemberID           `json:"cancelled_by" bson:"cancelled_by"`
	CancelledAt      time.Time          `json:"cancelled_at" bson:"cancelled_at,omitempty"`
	NoShows          []MemberID         `json:"no_shows" bson:"no_shows"`
	Joined           []MemberID         `json:"joined" bson:"joined"`     // who opened its video room, so "didn't come" is not said of them
	Sequence         int                `json:"sequence" bson:"sequence"` // RFC 5545 SEQUENCE of its calendar entry
	CreatedAt        time.Time          `json:"created_at" bson:"created_at"`
	ExpiresAt        time.Time          `json:"expires_at" bson:"expires_at"` // of the current request
	UpdatedAt        time.Time          `json:"updated_at" bson:"updated_at"`
	Version          int64              `json:"version" bson:"version"`
}

// Durations a consultation may last, in minutes.
var ConsultationMinutes = []int{30, 45, 60}

// StatusAt is the status with time applied: an unanswered request past
// its expiry is expired; a booked slot that has ended is completed.
func (c *Consultation) StatusAt(now time.Time) ConsultationStatus {
	switch {
	case c.Status == StatusRequested && !now.Before(c.ExpiresAt):
		return StatusExpired
	case c.Status == StatusBooked && c.Booked != nil && !now.Before(c.Booked.End()):
		return StatusCompleted
	}
	return c.Status
}

// HasJoined reports whether m opened the consultation's video room.
func (c *Consultation) HasJoined(m MemberID) bool { return slices.Contains(c.Joined, m) }

// Cancel calls c off on behalf of by at now; new times proposed for it
// lapse with it.
func (c *Consultation) Cancel(by MemberID, now time.Time) {
	c.Status, c.CancelledBy, c.CancelledAt, c.Reschedule = StatusCancelled, by, now, nil
}

// CancelTime is when c was cancelled: CancelledAt, or for cancellations
// recorded without it the last update, which a cancellation is.
func (c *Consultation) CancelTime() time.Time {
	if c.Status != StatusCancelled || !c.CancelledAt.IsZero() {
		return c.CancelledAt
	}
	return c.UpdatedAt
}

// Party reports whether m takes part, and returns the other party.
func (c *Consultation) Party(m MemberID) (other MemberID, ok bool) {
	switch m {
	case c.RequesterID:
		return c.RecipientID, true
	case c.RecipientID:
		return c.RequesterID, true
	}
	return "", false
}

// ValidateRequest checks what a requester sends: a short note, one to
// three slots of allowed lengths starting at least notice from now, and a
// place for in-person.
func (c *Consultation) ValidateRequest(now time.Time, notice time.Duration) error {
	c.Note, c.Place = strings.TrimSpace(c.Note), strings.TrimSpace(c.Place)
	switch {
	case c.Mode != ModeOnline && c.Mode != ModeInPerson:
		return Invalid("mode", "unknown_value", "mode must be online or in_person")
	case c.Mode == ModeInPerson && c.Place == "":
		return Invalid("place", "required", "say where to meet")
	case utf8.RuneCountInString(c.Place) > 200:
		return Invalid("place", "too_long", "the place is longer than 200 characters")
	}
	return ValidateProposal(c.Note, c.Proposed, now, notice)
}

// MaxNote is how long the note of a request or a reschedule may be.
const MaxNote = 500

// ValidateProposal checks what every proposal of times carries, a new
// request's or a reschedule's: a note of at most MaxNote characters and
// one to three valid slots (see ValidateSlots).
func ValidateProposal(note string, slots []Slot, now time.Time, notice time.Duration) error {
	if utf8.RuneCountInString(strings.TrimSpace(note)) > MaxNote {
		return Invalid("note", "too_long", fmt.Sprintf("the note is longer than %d characters", MaxNote))
	}
	return ValidateSlots(slots, now, notice)
}

// DefaultMinNotice is how soon a proposed slot may start by default: a
// lunch break's worth, so someone free now can meet in a quarter of an
// hour (the video room opens ten minutes before the start).
const DefaultMinNotice = 15 * time.Minute

// ValidateSlots checks one to three proposals: allowed lengths, starting
// at least notice from now and within 90 days, on 15-minute marks, and
// not overlapping each other.
func ValidateSlots(slots []Slot, now time.Time, notice time.Duration) error {
	if len(slots) == 0 || len(slots) > 3 {
		return Invalid("slots", "out_of_range", "propose one to three slots")
	}
	for i, s := range slots {
		f := fmt.Sprintf("slots[%d]", i)
		switch {
		case !contains(ConsultationMinutes, s.Minutes):
			return Invalid(f+".minutes", "unknown_value", "a consultation lasts 30, 45 or 60 minutes")
		case s.Start.Before(now.Add(notice)):
			return Invalid(f+".start", "too_soon", fmt.Sprintf("a slot starts at least %s from now", noticeText(notice)))
		case s.Start.After(now.Add(90 * 24 * time.Hour)):
			return Invalid(f+".start", "too_far", "a slot starts within 90 days")
		case s.Start.Unix()%(15*60) != 0:
			return Invalid(f+".start", "not_aligned", "slots start on a quarter hour")
		}
		for j := range i {
			if s.Start.Before(slots[j].End()) && slots[j].Start.Before(s.End()) {
				return Invalid(f, "overlap", "proposed slots overlap")
			}
		}
	}
	return nil
}

// noticeText says a notice in words: "15 minutes", "1 hour", "90 minutes".
func noticeText(d time.Duration) string {
	if d%time.Hour == 0 && d > 0 {
		if d == time.Hour {
			return "1 hour"
		}
		return fmt.Sprintf("%d hours", d/time.Hour)
	}
	return fmt.Sprintf("%d minutes", d/time.Minute)
}

func contains(xs []int, x int) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}

// BusyKeys are the ClaimOnce keys that reserve a member's time for a
// slot, one per quarter hour: two bookings that overlap for a member
// share a key, so only one of them can hold it.
func BusyKeys(m MemberID, s Slot) []string {
	var keys []string
	for t := s.Start.Unix() / 900; t < s.End().Unix()/900; t++ {
		keys = append(keys, fmt.Sprintf("busy:%s:%d", m, t))
	}
	return keys
}

// RoomName is the media room of an online consultation: bound to it, so a
// token for one consultation never opens another.
func (c *Consultation) RoomName() string { return consultationRoomPrefix + string(c.ID) }

// JoinWindow is when the two may enter the video room: from ten minutes
// before the slot until it ends.
func (c *Consultation) JoinWindow() (from, to time.Time, ok bool) {
	if c.Booked == nil || c.Mode != ModeOnline {
		return time.Time{}, time.Time{}, false
	}
	return c.Booked.Start.Add(-10 * time.Minute), c.Booked.End(), true
}

// Block hides two members from each other's recommendations for good.
type Block struct {
	BlockerID MemberID  `json:"blocker_id" bson:"blocker_id"`
	BlockedID MemberID  `json:"blocked_id" bson:"blocked_id"`
	CreatedAt time.Time `json:"created_at" bson:"created_at"`
}

// Feedback is what one participant says after a consultation. Text is
// seen by operators only; company admins get aggregates of ratings.
type Feedback struct {
	ConsultationID ConsultationID `json:"consultation_id" bson:"consultation_id"`
	AuthorID       MemberID       `json:"author_id" bson:"author_id"`
	AuthorCompany  CompanyID      `json:"author_company" bson:"author_company"`
	Rating         int            `json:"rating" bson:"rating"`
	Tags           []string       `json:"tags" bson:"tags"`
	Text           string         `json:"text" bson:"text"`
	WouldMeetAgain bool           `json:"would_meet_again" bson:"would_meet_again"`
	Report         string         `json:"report" bson:"report"` // a problem for operators; empty if none
	CreatedAt      time.Time      `json:"created_at" bson:"created_at"`
}

// FeedbackTags are the quick tags a participant can add.
var FeedbackTags = []string{"helpful", "encouraging", "practical_tips", "good_listener", "new_perspective", "felt_safe", "too_short", "mismatch"}

// Validate checks a feedback entry.
func (f *Feedback) Validate() error {
	f.Text, f.Report = strings.TrimSpace(f.Text), strings.TrimSpace(f.Report)
	switch {
	case f.Rating < 1 || f.Rating > 5:
		return Invalid("rating", "out_of_range", "rating must be 1 to 5")
	case utf8.RuneCountInString(f.Text) > 2000:
		return Invalid("text", "too_long", "text is longer than 2000 characters")
	case utf8.RuneCountInString(f.Report) > 2000:
		return Invalid("report", "too_long", "report is longer than 2000 characters")
	}
	if err := checkList("tags", f.Tags, len(FeedbackTags)); err != nil {
		return err
	}
	for i, t := range f.Tags {
		if !containsString(FeedbackTags, t) {
			return Invalid(fmt.Sprintf("tags[%d]", i), "unknown_value", "unknown tag")
		}
	}
	return nil
}

func containsString(xs []string, x string) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}
