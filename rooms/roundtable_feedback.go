package rooms

import (
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// RoundtableFeedback is what one participant says after a roundtable.
// Text is seen by operators only; "want more" feeds the operators' view of
// which themes to schedule again.
type RoundtableFeedback struct {
	RoundtableID  RoundtableID `json:"roundtable_id" bson:"roundtable_id"`
	AuthorID      MemberID     `json:"author_id" bson:"author_id"`
	AuthorCompany CompanyID    `json:"author_company" bson:"author_company"`
	Rating        int          `json:"rating" bson:"rating"`
	Tags          []string     `json:"tags" bson:"tags"`
	Text          string       `json:"text" bson:"text"`
	WantMore      bool         `json:"want_more" bson:"want_more"`
	// Axis and Themes are copied from the roundtable when the feedback is
	// given, so the per-theme figures stay right if it is edited later.
	Axis      Axis      `json:"axis" bson:"axis"`
	Themes    []string  `json:"themes" bson:"themes"`
	CreatedAt time.Time `json:"created_at" bson:"created_at"`
}

// RoundtableFeedbackTags are the quick tags a roundtable participant can add.
var RoundtableFeedbackTags = []string{"informative", "encouraging", "practical_tips", "new_perspective", "felt_safe",
	"good_moderation", "easy_to_speak", "too_short", "too_long", "hard_to_speak"}

// Validate checks a roundtable feedback entry.
func (f *RoundtableFeedback) Validate() error {
	f.Text = strings.TrimSpace(f.Text)
	switch {
	case f.Rating < 1 || f.Rating > 5:
		return Invalid("rating", "out_of_range", "rating must be 1 to 5")
	case utf8.RuneCountInString(f.Text) > 2000:
		return Invalid("text", "too_long", "text is longer than 2000 characters")
	}
	if err := checkList("tags", f.Tags, len(RoundtableFeedbackTags)); err != nil {
		return err
	}
	for i, t := range f.Tags {
		if !slices.Contains(RoundtableFeedbackTags, t) {
			return Invalid(fmt.Sprintf("tags[%d]", i), "unknown_value", "unknown tag")
		}
	}
	return nil
}

// FeedbackOpen reports whether feedback for r can be given at now: after
// its end, or once a moderator has ended it, and never if it was cancelled.
func (r *Roundtable) FeedbackOpen(now time.Time) bool {
	return !r.Cancelled && (r.Live.Ended || !now.Before(r.End()))
}

// ThemeDemand is how many people asked for more of one theme.
type ThemeDemand struct {
	Theme     string  `json:"theme"`
	Responses int     `json:"responses"` // feedback entries on roundtables with this theme
	WantMore  int     `json:"want_more"` // of which asked for more
	Rating    float64 `json:"average_rating"`
}

// DemandByTheme sums feedback per theme, most wanted first (then by
// theme id, so the order is stable).
func DemandByTheme(list []*RoundtableFeedback) []ThemeDemand {
	by := map[string]*ThemeDemand{}
	sums := map[string]int{}
	for _, f := range list {
		for _, th := range f.Themes {
			d := by[th]
			if d == nil {
				d = &ThemeDemand{Theme: th}
				by[th] = d
			}
			d.Responses++
			sums[th] += f.Rating
			if f.WantMore {
				d.WantMore++
			}
		}
	}
	out := make([]ThemeDemand, 0, len(by))
	for th, d := range by {
		d.Rating = float64(sums[th]) / float64(d.Responses)
		out = append(out, *d)
	}
	slices.SortFunc(out, func(a, b ThemeDemand) int {
		if a.WantMore != b.WantMore {
			return b.WantMore - a.WantMore
		}
		return strings.Compare(a.Theme, b.Theme)
	})
	return out
}

// AuditQuery selects a page of moderation audit entries, newest first.
type AuditQuery struct {
	Roundtable RoundtableID // empty: every roundtable
	// Before, when set, continues after the last entry of the previous
	// page: entries strictly older than (Before, BeforeID).
	Before   time.Time
	BeforeID string
	Limit    int
}
