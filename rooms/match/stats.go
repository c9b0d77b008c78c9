package match

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
)

// Stats describe one round of batches.
type Stats struct {
	MeanRelevance  float64 // of recommended pairs, both directions averaged
	MeanDiversity  float64 // mean pairwise dissimilarity within a batch (0..1)
	Gini           float64 // of appearances across everyone (0 = perfectly even)
	MaxAppearances int
	Coverage       float64 // share of people who appear in some batch
	ShortBatches   int     // batches below the batch size
	Violations     int     // hard-rule breaches found by an independent check
}

// Evaluate computes Stats for batches.
func Evaluate(people []Person, c Constraints, batches map[string][]Candidate, batchSize int) Stats {
	byID := make(map[string]*Person, len(people))
	for i := range people {
		byID[people[i].ID] = &people[i]
	}
	appear := map[string]int{}
	var rel, div float64
	var nRel, nDiv int
	var st Stats
	for id, b := range batches {
		a := byID[id]
		if len(b) < batchSize {
			st.ShortBatches++
		}
		for i, cand := range b {
			p := byID[cand.ID]
			appear[cand.ID]++
			r1, _ := relevance(a, p)
			r2, _ := relevance(p, a)
			rel += (r1 + r2) / 2
			nRel++
			for _, other := range b[i+1:] {
				div += 1 - similarity(p, byID[other.ID])
				nDiv++
			}
		}
	}
	st.Violations = Violations(people, c, batches)
	counts := make([]float64, len(people))
	for i, p := range people {
		counts[i] = float64(appear[p.ID])
		st.MaxAppearances = max(st.MaxAppearances, appear[p.ID])
		if appear[p.ID] > 0 {
			st.Coverage++
		}
	}
	st.Coverage /= float64(max(1, len(people)))
	st.Gini = gini(counts)
	if nRel > 0 {
		st.MeanRelevance = rel / float64(nRel)
	}
	if nDiv > 0 {
		st.MeanDiversity = div / float64(nDiv)
	}
	return st
}

// Violations re-checks every recommended pair against the hard rules,
// independently of how the batches were made.
func Violations(people []Person, c Constraints, batches map[string][]Candidate) int {
	byID := make(map[string]*Person, len(people))
	for i := range people {
		byID[people[i].ID] = &people[i]
	}
	n := 0
	for id, b := range batches {
		a := byID[id]
		seen := map[string]bool{}
		for _, cand := range b {
			p := byID[cand.ID]
			if p == nil || a == nil || seen[cand.ID] || p.ID == a.ID || p.Company == a.Company || p.Paused ||
				p.Load >= p.Capacity || c.Blocked[pair(a.ID, p.ID)] || c.Met[pair(a.ID, p.ID)] {
				n++
			}
			seen[cand.ID] = true
		}
	}
	return n
}

// gini of non-negative values (0 = equal, → 1 = concentrated).
func gini(x []float64) float64 {
	s := slices.Clone(x)
	slices.Sort(s)
	var cum, total float64
	for i, v := range s {
		cum += float64(i+1) * v
		total += v
	}
	n := float64(len(s))
	if total == 0 || n == 0 {
		return 0
	}
	return (2*cum)/(n*total) - (n+1)/n
}

// RandomBaseline picks allowed candidates at random (hard rules kept).
func RandomBaseline(people []Person, c Constraints, cfg Config) map[string][]Candidate {
	rng := rand.New(rand.NewPCG(cfg.Seed, 7))
	out := map[string][]Candidate{}
	for i := range people {
		var b []Candidate
		for tries := 0; len(b) < cfg.BatchSize && tries < 50*cfg.BatchSize; tries++ {
			j := rng.IntN(len(people))
			if Allowed(&people[i], &people[j], c) && !slices.ContainsFunc(b, func(x Candidate) bool { return x.ID == people[j].ID }) {
				b = append(b, Candidate{ID: people[j].ID})
			}
		}
		out[people[i].ID] = b
	}
	return out
}

// RelevanceOnly is the engine without diversity or the exposure cap.
func RelevanceOnly(people []Person, c Constraints, cfg Config) map[string][]Candidate {
	cfg.Lambda, cfg.ExposureCap = 1, math.MaxInt32
	out, _ := Recommend(people, c, cfg)
	return out
}

// Synthetic makes a seeded population of n people in companies with
// realistic skew (some industries, functions and themes much more common)
// and some blocked and recently met pairs.
func Synthetic(n, companies int, seed uint64) ([]Person, Constraints) {
	rng := rand.New(rand.NewPCG(seed, seed+1))
	industries := []string{"it", "manufacturing", "finance", "retail", "healthcare", "consulting", "public", "media", "education", "logistics"}
	functions := []string{"engineering", "sales", "marketing", "hr", "finance", "operations", "research", "design", "legal", "management"}
	themes := []string{"work_life_balance", "return_from_leave", "promotion", "childcare_services", "partner_sharing", "career_change",
		"reskilling", "evaluation", "leadership", "child_health", "education", "elder_care", "self_care", "relocation", "side_business"}
	bands := []string{"0-2", "3-5", "6-12", "13-18"}
	skew := func(k int) int { return int(float64(k) * math.Pow(rng.Float64(), 2)) } // favours the first entries
	people := make([]Person, n)
	for i := range people {
		p := Person{ID: fmt.Sprintf("p%05d", i), Company: fmt.Sprintf("c%02d", rng.IntN(companies)),
			Industry: industries[skew(len(industries))], Function: functions[skew(len(functions))],
			Level: 1 + rng.IntN(5), Years: rng.IntN(25), Lang: []string{"ja"}, Capacity: 1 + rng.IntN(4)}
		p.Load = rng.IntN(p.Capacity + 1)
		p.Paused = rng.IntN(20) == 0
		if rng.IntN(8) == 0 {
			p.Lang = append(p.Lang, "en")
		}
		for len(p.Themes) < 1+rng.IntN(4) {
			if t := themes[skew(len(themes))]; !slices.Contains(p.Themes, t) {
				p.Themes = append(p.Themes, t)
			}
		}
		for len(p.AgeBands) < 1+rng.IntN(2) {
			if b := bands[rng.IntN(len(bands))]; !slices.Contains(p.AgeBands, b) {
				p.AgeBands = append(p.AgeBands, b)
			}
		}
		people[i] = p
	}
	c := Constraints{Blocked: map[[2]string]bool{}, Met: map[[2]string]bool{}}
	for range n / 20 {
		a, b := people[rng.IntN(n)].ID, people[rng.IntN(n)].ID
		c.Blocked[pair(a, b)] = true
		a, b = people[rng.IntN(n)].ID, people[rng.IntN(n)].ID
		c.Met[pair(a, b)] = true
	}
	return people, c
}
