package rooms

import (
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// Profile is what a member tells about themselves so that good peers can
// be recommended. Children are described by count and age bands only,
// never by name.
type Profile struct {
	MemberID        MemberID  `json:"member_id" bson:"_id"`
	Intro           string    `json:"intro" bson:"intro"`
	Industry        string    `json:"industry" bson:"industry"`
	JobFunction     string    `json:"job_function" bson:"job_function"`
	JobLevel        int       `json:"job_level" bson:"job_level"` // 1 staff … 5 executive
	YearsExperience int       `json:"years_experience" bson:"years_experience"`
	WorkStyle       WorkStyle `json:"work_style" bson:"work_style"`
	Children        Children  `json:"children" bson:"children"`
	Themes          []string  `json:"themes" bson:"themes"` // Theme IDs
	Languages       []string  `json:"languages" bson:"languages"`
	InPerson        bool      `json:"in_person" bson:"in_person"`
	Area            string    `json:"area" bson:"area"`         // where they can meet in person, e.g. "東京都"
	Capacity        int       `json:"capacity" bson:"capacity"` // consultations per month they accept
	Paused          bool      `json:"paused" bson:"paused"`     // no recommendations either way
	HasPhoto        bool      `json:"has_photo" bson:"has_photo"`
	UpdatedAt       time.Time `json:"updated_at" bson:"updated_at"`
	Version         int64     `json:"version" bson:"version"`
}

// WorkStyle is how someone works.
type WorkStyle struct {
	Hours  string `json:"hours" bson:"hours"`   // "full_time" or "part_time"
	Remote string `json:"remote" bson:"remote"` // "office", "hybrid" or "remote"
}

// Children is the count and the age bands present, without names.
type Children struct {
	Count    int      `json:"count" bson:"count"`
	AgeBands []string `json:"age_bands" bson:"age_bands"`
}

// Choice lists for profile fields; the UI shows them translated.
var (
	Industries    = []string{"manufacturing", "it", "finance", "consulting", "retail", "healthcare", "education", "public", "media", "construction", "logistics", "other"}
	JobFunctions  = []string{"engineering", "sales", "marketing", "hr", "finance", "operations", "research", "design", "legal", "management", "other"}
	AgeBands      = []string{"0-2", "3-5", "6-12", "13-18", "19+"}
	LanguageCodes = []string{"ja", "en", "zh", "ko", "es", "pt", "fr", "de", "vi", "tl"}
	hoursOptions  = []string{"full_time", "part_time"}
	remoteOptions = []string{"office", "hybrid", "remote"}
)

// NewProfile returns the profile a member starts with.
func NewProfile(id MemberID) *Profile {
	return &Profile{MemberID: id, Languages: []string{"ja"}, Capacity: 2, JobLevel: 1,
		WorkStyle: WorkStyle{Hours: "full_time", Remote: "hybrid"}, Themes: []string{}, Children: Children{AgeBands: []string{}}}
}

// Validate checks every field, naming the first one at fault.
func (p *Profile) Validate() error {
	p.Intro, p.Area = strings.TrimSpace(p.Intro), strings.TrimSpace(p.Area)
	checks := []struct {
		bad         bool
		field, code string
		msg         string
	}{
		{utf8.RuneCountInString(p.Intro) > 600, "intro", "too_long", "intro is longer than 600 characters"},
		{p.Industry != "" && !slices.Contains(Industries, p.Industry), "industry", "unknown_value", "unknown industry"},
		{p.JobFunction != "" && !slices.Contains(JobFunctions, p.JobFunction), "job_function", "unknown_value", "unknown job function"},
		{p.JobLevel < 1 || p.JobLevel > 5, "job_level", "out_of_range", "job level must be 1 (staff) to 5 (executive)"},
		{p.YearsExperience < 0 || p.YearsExperience > 60, "years_experience", "out_of_range", "years of experience must be 0-60"},
		{!slices.Contains(hoursOptions, p.WorkStyle.Hours), "work_style.hours", "unknown_value", "hours must be full_time or part_time"},
		{!slices.Contains(remoteOptions, p.WorkStyle.Remote), "work_style.remote", "unknown_value", "remote must be office, hybrid or remote"},
		{p.Children.Count < 0 || p.Children.Count > 15, "children.count", "out_of_range", "children count must be 0-15"},
		{len(p.Themes) > 8, "themes", "too_many", "choose at most 8 themes"},
		{len(p.Children.AgeBands) > len(AgeBands), "children.age_bands", "too_many", "choose each age band at most once"},
		{len(p.Languages) == 0 || len(p.Languages) > 5, "languages", "out_of_range", "choose 1 to 5 languages"},
		{p.InPerson && p.Area == "", "area", "required", "say where you can meet in person"},
		{utf8.RuneCountInString(p.Area) > 60, "area", "too_long", "area is longer than 60 characters"},
		{p.Capacity < 0 || p.Capacity > 20, "capacity", "out_of_range", "capacity must be 0-20 consultations a month"},
	}
	for _, c := range checks {
		if c.bad {
			return Invalid(c.field, c.code, c.msg)
		}
	}
	return p.validateLists()
}

func (p *Profile) validateLists() error {
	for i, b := range p.Children.AgeBands {
		if !slices.Contains(AgeBands, b) {
			return Invalid(fmt.Sprintf("children.age_bands[%d]", i), "unknown_value", "unknown age band")
		}
	}
	for i, id := range p.Themes {
		if _, ok := ThemeByID(id); !ok {
			return Invalid(fmt.Sprintf("themes[%d]", i), "unknown_value", "unknown theme")
		}
	}
	for i, l := range p.Languages {
		if !slices.Contains(LanguageCodes, l) {
			return Invalid(fmt.Sprintf("languages[%d]", i), "unknown_value", "unknown language")
		}
	}
	p.Themes = dedupe(p.Themes)
	p.Languages = dedupe(p.Languages)
	p.Children.AgeBands = dedupe(p.Children.AgeBands)
	return nil
}

func dedupe(s []string) []string {
	out := make([]string, 0, len(s))
	for _, v := range s {
		if !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	return out
}
