package match

import (
	"math"
	"slices"
	"strconv"
)

// relevance scores b for a (0..1) and says why.
func relevance(a, b *Person) (float64, []Reason) {
	var reasons []Reason
	shared := 0
	for _, t := range a.Themes {
		if slices.Contains(b.Themes, t) {
			shared++
		}
	}
	themes := 0.0
	if u := len(a.Themes) + len(b.Themes) - shared; u > 0 {
		themes = float64(shared) / float64(u) // Jaccard
	}
	if shared > 0 {
		reasons = append(reasons, Reason{Code: "shared_themes", Params: map[string]string{"n": strconv.Itoa(shared)}})
	}
	stage := bandOverlap(a.AgeBands, b.AgeBands)
	if stage > 0 {
		reasons = append(reasons, Reason{Code: "similar_life_stage"})
	}
	model := 0.0
	if d := b.Years - a.Years; a.Function == b.Function && d >= 2 && d <= 10 {
		model = 1 - math.Abs(float64(d-5))/6 // a role model about five years ahead
		reasons = append(reasons, Reason{Code: "years_ahead_same_function", Params: map[string]string{"years": strconv.Itoa(d)}})
	}
	if a.Industry != b.Industry {
		reasons = append(reasons, Reason{Code: "different_industry"})
	}
	return 0.05 + 0.5*themes + 0.25*stage + 0.2*model, reasons
}

func bandOverlap(a, b []string) float64 {
	if len(a) == 0 || len(b) == 0 {
		return 0
	}
	n := 0
	for _, x := range a {
		if slices.Contains(b, x) {
			n++
		}
	}
	return float64(n) / float64(max(len(a), len(b)))
}

// similarity of two candidates, for diversity: same industry, function
// and level count against putting both in one batch.
func similarity(a, b *Person) float64 {
	s := 0.0
	if a.Industry == b.Industry {
		s += 0.4
	}
	if a.Function == b.Function {
		s += 0.4
	}
	if a.Level == b.Level {
		s += 0.2
	}
	return s
}

// mmr picks the batch by maximal marginal relevance over cands (sorted by
// score): each next pick maximises λ·score − (1−λ)·max similarity to the
// picks so far.
func mmr(people []Person, cands []scored, cfg Config) []scored {
	if len(cands) > 4*cfg.PoolSize {
		cands = cands[:4*cfg.PoolSize]
	}
	var picked []scored
	used := make([]bool, len(cands))
	for len(picked) < cfg.BatchSize {
		best, bestVal := -1, math.Inf(-1)
		for k, c := range cands {
			if used[k] {
				continue
			}
			sim := 0.0
			for _, p := range picked {
				sim = math.Max(sim, similarity(&people[c.i], &people[p.i]))
			}
			if v := cfg.Lambda*c.score - (1-cfg.Lambda)*sim; v > bestVal {
				best, bestVal = k, v
			}
		}
		if best < 0 {
			break
		}
		used[best] = true
		picked = append(picked, cands[best])
	}
	return picked
}
