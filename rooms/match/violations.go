package match

import (
	"slices"
	"time"
)

// Violation is one recommended pair that breaks a hard rule.
type Violation struct {
	PersonID, CandidateID string
	// Rule is e.g. "same_company", "blocked", "met_recently", "paused",
	// "at_capacity", "self", "duplicate", "no_shared_language".
	Rule string
}

// Violations re-checks every recommended pair against the hard rules. It
// shares no code with the engine (it reads the Person fields and the
// constraint maps directly), so a bug in the engine's compiled view cannot
// hide itself. Batches are checked in the order of people, so the result
// is deterministic.
func Violations(people []Person, c Constraints, batches map[string]Batch, cfg Config, now time.Time) []Violation {
	byID := make(map[string]*Person, len(people))
	for i := range people {
		byID[people[i].ID] = &people[i]
	}
	var cutoff time.Time
	if !now.IsZero() {
		cutoff = now.AddDate(0, -cfg.RecentMonths, 0)
	}
	var out []Violation
	check := func(key string, b Batch) {
		a := byID[b.PersonID]
		seen := map[string]bool{}
		for _, cand := range b.Candidates {
			if rule := brokenRule(a, byID[cand.ID], key, seen, c, cutoff); rule != "" {
				out = append(out, Violation{PersonID: b.PersonID, CandidateID: cand.ID, Rule: rule})
			}
			seen[cand.ID] = true
		}
	}
	for i := range people {
		if b, ok := batches[people[i].ID]; ok {
			check(people[i].ID, b)
		}
	}
	for key, b := range batches { // batches for people not in the population
		if byID[key] == nil {
			check(key, b)
		}
	}
	return out
}

// brokenRule names the first hard rule b breaks as a candidate for a, or
// returns "".
func brokenRule(a, b *Person, key string, seen map[string]bool, c Constraints, cutoff time.Time) string {
	switch {
	case a == nil || b == nil:
		return "unknown_person"
	case a.ID != key:
		return "batch_under_wrong_id"
	case seen[b.ID]:
		return "duplicate"
	case a.ID == b.ID:
		return "self"
	case a.Company == "" || b.Company == "":
		return "no_company"
	case a.Company == b.Company:
		return "same_company"
	case either(c.Blocked, a.ID, b.ID):
		return "blocked"
	case either(c.Met, a.ID, b.ID) || metSince(c.MetOn, a.ID, b.ID, cutoff):
		return "met_recently"
	case a.Paused:
		return "requester_paused"
	case b.Paused:
		return "paused"
	case b.Load >= b.Capacity:
		return "at_capacity"
	case len(a.Lang) > 0 && len(b.Lang) > 0 && !slices.ContainsFunc(a.Lang, func(l string) bool { return slices.Contains(b.Lang, l) }):
		return "no_shared_language"
	}
	return ""
}

func either(m map[[2]string]bool, a, b string) bool {
	return m[[2]string{a, b}] || m[[2]string{b, a}]
}

func metSince(m map[[2]string]time.Time, a, b string, cutoff time.Time) bool {
	for _, k := range [][2]string{{a, b}, {b, a}} {
		if t, ok := m[k]; ok && !t.Before(cutoff) {
			return true
		}
	}
	return false
}
