package rooms

import (
	"fmt"
	"slices"
	"time"
)

// Availability is when a member can meet: weekly windows in their own
// time zone, plus one-off exceptions (a day off, or an extra window).
type Availability struct {
	MemberID   MemberID    `json:"member_id" bson:"_id"`
	TimeZone   string      `json:"time_zone" bson:"time_zone"`
	Weekly     []Window    `json:"weekly" bson:"weekly"`
	Exceptions []Exception `json:"exceptions" bson:"exceptions"`
	UpdatedAt  time.Time   `json:"updated_at" bson:"updated_at"`
	Version    int64       `json:"version" bson:"version"`
	_          struct{}    `json:"-" bson:"-"`
}

// Window is a weekly slot: Weekday 0 = Sunday, times "HH:MM" local.
type Window struct {
	Weekday int    `json:"weekday" bson:"weekday"`
	Start   string `json:"start" bson:"start"`
	End     string `json:"end" bson:"end"`
}

// Exception changes one date: Unavailable removes the whole day;
// otherwise Start/End add a window that day.
type Exception struct {
	Date        string `json:"date" bson:"date"` // YYYY-MM-DD local
	Unavailable bool   `json:"unavailable" bson:"unavailable"`
	Start       string `json:"start,omitempty" bson:"start,omitempty"`
	End         string `json:"end,omitempty" bson:"end,omitempty"`
}

// minutes parses "HH:MM" into minutes after midnight; "24:00" is allowed
// as an end.
func minutes(s string) (int, bool) {
	t, err := time.Parse("15:04", s)
	if err == nil {
		return t.Hour()*60 + t.Minute(), true
	}
	if s == "24:00" {
		return 24 * 60, true
	}
	return 0, false
}

// Validate checks the windows: well formed, start before end, at least
// 30 minutes, no overlaps on one weekday, and a real time zone.
func (a *Availability) Validate() error {
	if _, err := time.LoadLocation(a.TimeZone); err != nil || a.TimeZone == "" || a.TimeZone == "Local" {
		return Invalid("time_zone", "unknown_value", "time zone must be an IANA name such as Asia/Tokyo")
	}
	if len(a.Weekly) > 50 || len(a.Exceptions) > 100 {
		return Invalid("weekly", "too_many", "at most 50 weekly windows and 100 exceptions")
	}
	type span struct{ day, start, end int }
	var spans []span
	for i, w := range a.Weekly {
		field := fmt.Sprintf("weekly[%d]", i)
		if w.Weekday < 0 || w.Weekday > 6 {
			return Invalid(field+".weekday", "out_of_range", "weekday must be 0 (Sunday) to 6 (Saturday)")
		}
		s, e, err := checkRange(field, w.Start, w.End)
		if err != nil {
			return err
		}
		for _, o := range spans {
			if o.day == w.Weekday && s < o.end && o.start < e {
				return Invalid(field, "overlap", "this window overlaps another on the same day")
			}
		}
		spans = append(spans, span{w.Weekday, s, e})
	}
	for i, x := range a.Exceptions {
		field := fmt.Sprintf("exceptions[%d]", i)
		if _, err := time.Parse(time.DateOnly, x.Date); err != nil {
			return Invalid(field+".date", "malformed", "date must be YYYY-MM-DD")
		}
		if !x.Unavailable {
			if _, _, err := checkRange(field, x.Start, x.End); err != nil {
				return err
			}
		}
	}
	slices.SortFunc(a.Weekly, func(x, y Window) int {
		return (x.Weekday*1440 + mustMinutes(x.Start)) - (y.Weekday*1440 + mustMinutes(y.Start))
	})
	return nil
}

func mustMinutes(s string) int { m, _ := minutes(s); return m }

func checkRange(field, start, end string) (int, int, error) {
	s, ok1 := minutes(start)
	e, ok2 := minutes(end)
	switch {
	case !ok1 || s >= 24*60:
		return 0, 0, Invalid(field+".start", "malformed", "start must be HH:MM")
	case !ok2:
		return 0, 0, Invalid(field+".end", "malformed", "end must be HH:MM")
	case e-s < 30:
		return 0, 0, Invalid(field+".end", "too_short", "a window lasts at least 30 minutes and ends after it starts")
	}
	return s, e, nil
}

// Covers reports whether [from, to) lies inside one available window,
// evaluated in the member's time zone (exceptions first).
func (a *Availability) Covers(from, to time.Time) bool {
	loc, err := time.LoadLocation(a.TimeZone)
	if err != nil {
		return false
	}
	return a.coversIn(loc, from, to)
}

// coversIn is Covers with the zone already loaded (LoadLocation reads the
// zone database each time, too slow for a loop over many slots).
func (a *Availability) coversIn(loc *time.Location, from, to time.Time) bool {
	if !from.Before(to) {
		return false
	}
	f, t := from.In(loc), to.In(loc)
	if f.YearDay() != t.YearDay() && !(t.Hour() == 0 && t.Minute() == 0 && t.Sub(f) <= 24*time.Hour) {
		return false // slots never span two local days
	}
	date := f.Format(time.DateOnly)
	s := f.Hour()*60 + f.Minute()
	e := s + int(t.Sub(f).Minutes())
	added := false
	for _, x := range a.Exceptions {
		if x.Date != date {
			continue
		}
		if x.Unavailable {
			return false
		}
		xs, xe := mustMinutes(x.Start), mustMinutes(x.End)
		if xs <= s && e <= xe {
			added = true
		}
	}
	if added {
		return true
	}
	for _, w := range a.Weekly {
		if w.Weekday == int(f.Weekday()) && mustMinutes(w.Start) <= s && e <= mustMinutes(w.End) {
			return true
		}
	}
	return false
}

// CheckHorizon refuses exceptions dated beyond the horizon from now.
func (a *Availability) CheckHorizon(now time.Time) error {
	for i, x := range a.Exceptions {
		if d, err := time.Parse(time.DateOnly, x.Date); err == nil && TooFar(d, now) {
			return Invalid(fmt.Sprintf("exceptions[%d].date", i), "too_far", "dates must be within two years")
		}
	}
	return nil
}
