package rooms

import (
	"testing"
	"time"
)

func TestAvailabilityCovers(t *testing.T) {
	a := &Availability{TimeZone: "Asia/Tokyo",
		Weekly:     []Window{{Weekday: 3, Start: "21:00", End: "23:00"}, {Weekday: 1, Start: "12:00", End: "13:00"}},
		Exceptions: []Exception{{Date: "2026-12-02", Unavailable: true}, {Date: "2026-12-05", Start: "10:00", End: "11:30"}}}
	if err := a.Validate(); err != nil {
		t.Fatal(err)
	}
	tokyo, _ := time.LoadLocation("Asia/Tokyo")
	at := func(day, hm string) time.Time {
		tm, err := time.ParseInLocation("2006-01-02 15:04", day+" "+hm, tokyo)
		if err != nil {
			t.Fatal(err)
		}
		return tm
	}
	cases := []struct {
		name     string
		from, to time.Time
		want     bool
	}{
		{"inside a Wednesday window", at("2026-11-25", "21:00"), at("2026-11-25", "22:00"), true},
		{"runs past the window", at("2026-11-25", "22:30"), at("2026-11-25", "23:30"), false},
		{"Monday lunch", at("2026-11-30", "12:00"), at("2026-11-30", "12:30"), true},
		{"Tuesday: no window", at("2026-11-24", "12:00"), at("2026-11-24", "12:30"), false},
		{"day off overrides the weekly window", at("2026-12-02", "21:00"), at("2026-12-02", "22:00"), false},
		{"extra window on a Saturday", at("2026-12-05", "10:30"), at("2026-12-05", "11:30"), true},
		{"same instant seen from UTC", at("2026-11-25", "21:00").UTC(), at("2026-11-25", "21:30").UTC(), true},
		{"empty slot", at("2026-11-25", "21:00"), at("2026-11-25", "21:00"), false},
	}
	for _, tc := range cases {
		if got := a.Covers(tc.from, tc.to); got != tc.want {
			t.Errorf("%s: Covers = %v, want %v", tc.name, got, tc.want)
		}
	}
}
