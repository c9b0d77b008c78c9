// Package match computes recommendation batches: for every member a few
// peers from other companies, chosen for relevance (shared concerns, life
// stage, a role model a few years ahead), varied within the batch (maximal
// marginal relevance) and spread fairly across the population (an
// exposure cap and penalty), never breaking a hard rule.
//
// The hard rules are: never oneself, never a colleague (same company),
// never a pair blocked either way, never a pair met within the window,
// never a paused member, never a member at or over capacity, and never a
// pair without a shared language when both list languages. Violations
// re-checks them independently of the engine.
//
// The package is pure Go and uses only the standard library, so that it
// can be benchmarked and tested without a store.
package match

import "time"

// Axis is what a member wants to talk about: life, career or both.
type Axis string

// The axes a member can choose. The empty Axis means "not said" and is
// treated as both.
const (
	AxisLife   Axis = "life"
	AxisCareer Axis = "career"
	AxisBoth   Axis = "both"
)

// Person is what the engine knows of a member. Field names follow the
// rooms.Profile they are read from; the engine never sees names, notes or
// feedback.
type Person struct {
	ID string
	// Company is the member's company ID. A person without one is never
	// matched: "not a colleague" cannot be checked.
	Company  string
	Industry string
	// Function is the job function, e.g. "engineering".
	Function string
	// Level is the job level, 1 (staff) to 5 (executive).
	Level int
	// Years is years of work experience.
	Years int
	// AgeBands are the children's age bands, e.g. "0-2", "3-5", "6-12".
	AgeBands []string
	// Themes are curated theme tag IDs the member cares about.
	Themes []string
	// Axis is whether the member wants to talk about life, career or both.
	Axis Axis
	// Lang lists the languages the member can consult in, e.g. "ja", "en".
	Lang []string
	// InPerson says the member is open to meeting in person in Area
	// (a coarse place such as a prefecture).
	InPerson bool
	Area     string
	// WorkStyle is a coarse work pattern, e.g. "full_time_remote".
	WorkStyle string
	// Capacity is how many consultations a month the member accepts and
	// Load how many they have this month; Load >= Capacity means full.
	Capacity, Load int
	// Paused members get no recommendations and are recommended to no one.
	Paused bool
	// Joined is when the member joined; recent joiners get a small boost
	// so that their first consultation does not wait for luck.
	Joined time.Time
}

// Constraints are the pairs that must never be recommended. Keys are pairs
// of person IDs in either order: the engine and Violations look both
// orders up, so a caller that forgets to normalise a key is still safe.
type Constraints struct {
	// Blocked pairs: one of the two blocked the other.
	Blocked map[[2]string]bool
	// Met pairs the caller already knows met within the window (no date).
	Met map[[2]string]bool
	// MetOn holds the last date each pair met or is booked to meet; a pair
	// is kept apart while that date is within Config.RecentMonths of now
	// (or in the future).
	MetOn map[[2]string]time.Time
}

// Pair returns the normalised key for a and b (the smaller ID first).
func Pair(a, b string) [2]string {
	if a < b {
		return [2]string{a, b}
	}
	return [2]string{b, a}
}

// Reason codes: the UI translates each, using Params for the numbers and
// names. Reasons never mention a company, a block or a past meeting.
const (
	// ReasonSharedThemes: Params n (count) and themes (comma-separated IDs).
	ReasonSharedThemes = "shared_themes"
	// ReasonYearsAhead: Params years (ahead of the member) and function.
	ReasonYearsAhead = "years_ahead_same_function"
	// ReasonDifferentIndustry: Params industry (the candidate's).
	ReasonDifferentIndustry = "different_industry"
	// ReasonSimilarLifeStage: Params band (the candidate's closest band)
	// and near = "true" when the bands are adjacent rather than equal.
	ReasonSimilarLifeStage = "similar_life_stage"
	// ReasonSameLanguage: Params lang. Only for a language other than
	// Config.CommonLanguage, which everyone is expected to share.
	ReasonSameLanguage = "same_language"
	// ReasonSameFocus: Params axis (life or career).
	ReasonSameFocus = "same_focus"
	// ReasonSameArea: both meet in person; Params area.
	ReasonSameArea = "same_area"
	// ReasonSimilarWorkStyle: Params style.
	ReasonSimilarWorkStyle = "similar_work_style"
	// ReasonNewMember: the candidate joined recently.
	ReasonNewMember = "new_member"
)

// Reason says why a candidate was chosen, as a code and its parameters,
// e.g. {Code: "shared_themes", Params: {"n": "2", "themes": "a,b"}}.
type Reason struct {
	Code   string
	Params map[string]string
}

// Candidate is one recommended peer.
type Candidate struct {
	// ID is the recommended person's ID.
	ID string
	// Score is the reciprocal relevance of the pair, 0 to 1.
	Score float64
	// Reasons are ordered by how much they weigh, heaviest first.
	Reasons []Reason
}

// Batch is one member's recommendations from one round.
type Batch struct {
	PersonID   string
	MadeAt     time.Time
	Candidates []Candidate
}
