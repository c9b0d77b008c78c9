package rooms

import (
	"testing"
	"time"
)

func TestFreeSlots(t *testing.T) {
	tokyo, _ := time.LoadLocation("Asia/Tokyo")
	at := func(d, hm string) time.Time {
		x, err := time.ParseInLocation("2006-01-02 15:04", d+" "+hm, tokyo)
		if err != nil {
			t.Fatal(err)
		}
		return x
	}
	// 2026-12-07 and 2026-12-14 are Mondays.
	av := &Availability{TimeZone: "Asia/Tokyo",
		Weekly:     []Window{{Weekday: 1, Start: "12:00", End: "13:30"}, {Weekday: 3, Start: "23:00", End: "24:00"}},
		Exceptions: []Exception{{Date: "2026-12-14", Unavailable: true}, {Date: "2026-12-08", Start: "20:00", End: "21:00"}}}
	busy := []Slot{{Start: at("2026-12-07", "12:30"), Minutes: 30}}
	from, to := at("2026-12-07", "00:00"), at("2026-12-15", "00:00")
	got, truncated := av.FreeSlots(from, to, 30, 30*time.Minute, busy, 100)
	want := []time.Time{
		at("2026-12-07", "12:00"), at("2026-12-07", "13:00"), // 12:30 is busy
		at("2026-12-08", "20:00"), at("2026-12-08", "20:30"), // the extra window
		at("2026-12-09", "23:00"), at("2026-12-09", "23:30"), // up to midnight, not past it
		// 2026-12-14 is taken off
	}
	if truncated || len(got) != len(want) {
		t.Fatalf("FreeSlots = %v (truncated %v), want %v", got, truncated, want)
	}
	for i, s := range got {
		if !s.Start.Equal(want[i]) || s.Minutes != 30 || !av.Covers(s.Start, s.End()) {
			t.Errorf("slot %d = %v, want %v", i, s.Start.In(tokyo), want[i])
		}
	}
	// 60 minutes: only starts whose whole hour fits; the busy half hour
	// blocks both hours that overlap it.
	got, _ = av.FreeSlots(from, to, 60, 30*time.Minute, busy, 100)
	if len(got) != 2 || !got[0].Start.Equal(at("2026-12-08", "20:00")) || !got[1].Start.Equal(at("2026-12-09", "23:00")) {
		t.Errorf("60-minute slots = %v", got)
	}
	if got, truncated := av.FreeSlots(from, to, 30, 30*time.Minute, nil, 3); len(got) != 3 || !truncated {
		t.Errorf("limit 3 = %d slots, truncated %v", len(got), truncated)
	}
	// from cuts the morning off; an empty range gives nothing.
	if got, _ := av.FreeSlots(at("2026-12-07", "12:45"), to, 30, 30*time.Minute, nil, 100); !got[0].Start.Equal(at("2026-12-07", "13:00")) {
		t.Errorf("from 12:45: first slot %v", got[0].Start.In(tokyo))
	}
	if got, _ := av.FreeSlots(to, from, 30, 30*time.Minute, nil, 100); len(got) != 0 {
		t.Errorf("reversed range gave %v", got)
	}
}

// BenchmarkFreeSlots: the widest request the API allows (28 days of an
// all-day availability, 30-minute steps) with a few bookings in the way.
func BenchmarkFreeSlots(b *testing.B) {
	av := &Availability{TimeZone: "Asia/Tokyo"}
	for d := range 7 {
		av.Weekly = append(av.Weekly, Window{Weekday: d, Start: "00:00", End: "24:00"})
	}
	from := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	var busy []Slot
	for i := range 20 {
		busy = append(busy, Slot{Start: from.Add(time.Duration(i*31) * time.Hour), Minutes: 60})
	}
	b.ReportAllocs()
	for b.Loop() {
		av.FreeSlots(from, from.Add(28*24*time.Hour), 45, 30*time.Minute, busy, 300)
	}
}
