package rooms

import (
	"slices"
	"time"
)

// FreeSlots lists slots of the given length that start in [from, to),
// lie inside a's windows (exceptions applied, as Covers reads them) and
// overlap none of busy. Starts fall on quarter hours, step apart within
// each window; at most limit slots are returned, earliest first, with
// truncated set when more existed.
func (a *Availability) FreeSlots(from, to time.Time, minutes int, step time.Duration, busy []Slot, limit int) (out []Slot, truncated bool) {
	loc, err := time.LoadLocation(a.TimeZone)
	if err != nil || !from.Before(to) || minutes <= 0 || step <= 0 {
		return nil, false
	}
	length := time.Duration(minutes) * time.Minute
	seen := map[int64]bool{}
	day := from.In(loc)
	day = time.Date(day.Year(), day.Month(), day.Day(), 0, 0, 0, 0, loc)
	for ; day.Before(to); day = time.Date(day.Year(), day.Month(), day.Day()+1, 0, 0, 0, 0, loc) {
		for _, w := range a.windowsOn(day) {
			start := w[0].Add(time.Duration((900-w[0].Unix()%900)%900) * time.Second) // first quarter hour
			for t := start; !t.Add(length).After(w[1]); t = t.Add(step) {
				if t.Before(from) || !t.Before(to) || seen[t.Unix()] || !a.coversIn(loc, t, t.Add(length)) || overlapsAny(t, t.Add(length), busy) {
					continue
				}
				seen[t.Unix()] = true
				out = append(out, Slot{Start: t, Minutes: minutes})
			}
		}
		if len(out) > limit { // days come in order: later ones cannot make the cut
			break
		}
	}
	slices.SortFunc(out, func(x, y Slot) int { return x.Start.Compare(y.Start) })
	if len(out) > limit {
		return out[:limit], true
	}
	return out, false
}

// windowsOn returns the windows of one local day (midnight in loc) as
// absolute [start, end) pairs: none on an unavailable day, else the
// day's extra windows and its weekly ones.
func (a *Availability) windowsOn(day time.Time) [][2]time.Time {
	date := day.Format(time.DateOnly)
	at := func(hhmm string) time.Time {
		m := mustMinutes(hhmm)
		return time.Date(day.Year(), day.Month(), day.Day(), m/60, m%60, 0, 0, day.Location())
	}
	var out [][2]time.Time
	for _, x := range a.Exceptions {
		if x.Date != date {
			continue
		}
		if x.Unavailable {
			return nil
		}
		out = append(out, [2]time.Time{at(x.Start), at(x.End)})
	}
	for _, w := range a.Weekly {
		if w.Weekday == int(day.Weekday()) {
			out = append(out, [2]time.Time{at(w.Start), at(w.End)})
		}
	}
	return out
}

func overlapsAny(from, to time.Time, busy []Slot) bool {
	for _, b := range busy {
		if from.Before(b.End()) && b.Start.Before(to) {
			return true
		}
	}
	return false
}
