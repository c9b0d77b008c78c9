package rooms_test

import (
	"errors"
	"testing"
	"time"

	"github.com/zadankai/zadankai/rooms"
)

func TestRoundtableFeedbackValidate(t *testing.T) {
	cases := []struct {
		name        string
		f           rooms.RoundtableFeedback
		field, code string
	}{
		{"ok", rooms.RoundtableFeedback{Rating: 4, Tags: []string{"informative"}}, "", ""},
		{"rating 0", rooms.RoundtableFeedback{Rating: 0}, "rating", "out_of_range"},
		{"rating 6", rooms.RoundtableFeedback{Rating: 6}, "rating", "out_of_range"},
		{"unknown tag", rooms.RoundtableFeedback{Rating: 3, Tags: []string{"informative", "boring"}}, "tags[1]", "unknown_value"},
		{"duplicate tag", rooms.RoundtableFeedback{Rating: 3, Tags: []string{"felt_safe", "felt_safe"}}, "tags[1]", "duplicate"},
		{"long text", rooms.RoundtableFeedback{Rating: 3, Text: string(make([]rune, 2001))}, "text", "too_long"},
	}
	for _, tc := range cases {
		err := tc.f.Validate()
		var ve *rooms.ValidationError
		switch {
		case tc.field == "" && err != nil:
			t.Errorf("%s: %v", tc.name, err)
		case tc.field != "" && (!errors.As(err, &ve) || ve.Field != tc.field || ve.Code != tc.code):
			t.Errorf("%s: %v, want %s/%s", tc.name, err, tc.field, tc.code)
		}
	}
}

func TestFeedbackOpenAndDemand(t *testing.T) {
	now := time.Now()
	r := &rooms.Roundtable{Start: now.Add(-30 * time.Minute), Minutes: 60}
	if r.FeedbackOpen(now) {
		t.Error("feedback open during the session")
	}
	r.Live.Ended = true
	if !r.FeedbackOpen(now) {
		t.Error("feedback closed after a moderator ended the session")
	}
	r.Live.Ended, r.Start = false, now.Add(-2*time.Hour)
	if !r.FeedbackOpen(now) {
		t.Error("feedback closed after the end")
	}
	r.Cancelled = true
	if r.FeedbackOpen(now) {
		t.Error("feedback open on a cancelled roundtable")
	}
	d := rooms.DemandByTheme([]*rooms.RoundtableFeedback{
		{Rating: 5, WantMore: true, Themes: []string{"promotion", "leadership"}},
		{Rating: 3, WantMore: true, Themes: []string{"promotion"}},
		{Rating: 4, Themes: []string{"leadership", "education"}},
	})
	want := []rooms.ThemeDemand{{"promotion", 2, 2, 4}, {"leadership", 2, 1, 4.5}, {"education", 1, 0, 4}}
	if len(d) != len(want) {
		t.Fatalf("DemandByTheme = %+v", d)
	}
	for i := range want {
		if d[i] != want[i] {
			t.Errorf("DemandByTheme[%d] = %+v, want %+v", i, d[i], want[i])
		}
	}
}
