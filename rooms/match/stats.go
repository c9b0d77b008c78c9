package match

import (
	"math"
	"math/rand/v2"
	"slices"
	"time"
)

// Stats describe one round of batches.
type Stats struct {
	// People is the population size; Requesters those who should get a
	// batch (not paused, with a company); Eligible those who may appear in
	// one (requesters with free capacity).
	People, Requesters, Eligible int
	// Pairs is the number of recommended pairs.
	Pairs int
	// MeanRelevance is the mean reciprocal relevance (geometric mean of
	// both sides' relevance, 0 to 1) of recommended pairs.
	MeanRelevance float64
	// MeanDiversity is the mean dissimilarity (1 − similarity by industry,
	// function and level) of two candidates in one batch, 0 to 1.
	MeanDiversity float64
	// MeanIndustries, MeanFunctions and MeanLevels count the distinct
	// values in a non-empty batch, averaged over batches.
	MeanIndustries, MeanFunctions, MeanLevels float64
	// Gini of appearances across eligible people: 0 when everyone appears
	// equally often, towards 1 when a few take every slot. Ineligible
	// people are left out: their zeros are the hard rules, not unfairness.
	Gini float64
	// MaxAppearances is how many batches the most shown person is in.
	MaxAppearances int
	// Coverage is the share of all people who appear in some batch, and
	// EligibleCoverage the share of eligible people.
	Coverage, EligibleCoverage float64
	// EmptyBatches and ShortBatches count requesters with no candidate and
	// with fewer than BatchSize.
	EmptyBatches, ShortBatches int
	// Violations counts hard-rule breaches found by Violations; it must be 0.
	Violations int
}

// Evaluate computes Stats for batches, whichever engine made them.
func Evaluate(people []Person, c Constraints, batches map[string]Batch, cfg Config, now time.Time) Stats {
	st := Stats{People: len(people), Violations: len(Violations(people, c, batches, cfg, now))}
	w, err := compile(people, c, cfg, now)
	if err != nil {
		return st
	}
	appear := make([]int, len(people))
	var rel, div float64
	var nDiv, nonEmpty int
	for i := range people {
		b := batches[people[i].ID].Candidates
		if w.p[i].requester {
			st.Requesters++
			st.EmptyBatches += b2i(len(b) == 0)
			st.ShortBatches += b2i(len(b) < cfg.BatchSize)
		}
		idx := make([]int32, 0, len(b))
		for _, cand := range b {
			if j, ok := w.byID[cand.ID]; ok {
				idx = append(idx, j)
			}
		}
		for k, j := range idx {
			appear[j]++
			rel += w.reciprocal(int32(i), j)
			for _, o := range idx[k+1:] {
				div += 1 - w.similarity(j, o)
				nDiv++
			}
		}
		st.Pairs += len(idx)
		if len(idx) > 0 {
			nonEmpty++
			st.addDistinct(w, idx)
		}
	}
	st.MeanRelevance = ratio(rel, st.Pairs)
	st.MeanDiversity = ratio(div, nDiv)
	st.MeanIndustries, st.MeanFunctions, st.MeanLevels =
		ratio(st.MeanIndustries, nonEmpty), ratio(st.MeanFunctions, nonEmpty), ratio(st.MeanLevels, nonEmpty)
	st.exposure(w, appear)
	return st
}

// addDistinct adds one batch's distinct industries, functions and levels
// to the running sums (divided by the batch count in Evaluate).
func (st *Stats) addDistinct(w *world, idx []int32) {
	var ind, fn, lv []int32
	for _, j := range idx {
		p := &w.p[j]
		ind, fn, lv = appendNew(ind, p.industry), appendNew(fn, p.function), appendNew(lv, p.level)
	}
	st.MeanIndustries += float64(len(ind))
	st.MeanFunctions += float64(len(fn))
	st.MeanLevels += float64(len(lv))
}

func (st *Stats) exposure(w *world, appear []int) {
	var eligible []float64
	covered := 0
	for j, n := range appear {
		st.MaxAppearances = max(st.MaxAppearances, n)
		covered += b2i(n > 0)
		if w.p[j].candidate {
			eligible = append(eligible, float64(n))
			st.EligibleCoverage += float64(b2i(n > 0))
		}
	}
	st.Eligible = len(eligible)
	st.Coverage = ratio(float64(covered), len(appear))
	st.EligibleCoverage = ratio(st.EligibleCoverage, len(eligible))
	st.Gini = gini(eligible)
}

func appendNew(s []int32, v int32) []int32 {
	if slices.Contains(s, v) {
		return s
	}
	return append(s, v)
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

func ratio(x float64, n int) float64 {
	if n == 0 {
		return 0
	}
	return x / float64(n)
}

// gini of non-negative values: 0 = all equal, towards 1 = concentrated.
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

// RandomBaseline picks allowed candidates uniformly at random: the floor
// any engine must beat on relevance. It keeps every hard rule.
func RandomBaseline(people []Person, c Constraints, cfg Config, now time.Time) map[string]Batch {
	w, err := compile(people, c, cfg, now)
	if err != nil {
		return nil
	}
	rng := rand.New(rand.NewPCG(cfg.Seed, 7))
	picks := make([][]cand, len(people))
	for i := range people {
		if !w.p[i].requester {
			continue
		}
		for tries := 0; len(picks[i]) < cfg.BatchSize && tries < 50*cfg.BatchSize; tries++ {
			j := int32(rng.IntN(len(people)))
			if w.allowed(int32(i), j) && !slices.ContainsFunc(picks[i], func(p cand) bool { return p.j == j }) {
				picks[i] = append(picks[i], cand{j, float32(w.reciprocal(int32(i), j))})
			}
		}
	}
	return w.batches(picks, now)
}

// RelevanceOnly is the engine without variety or fairness: λ = 1, no
// exposure cap, no exposure penalty, the same pools.
func RelevanceOnly(people []Person, c Constraints, cfg Config, now time.Time) map[string]Batch {
	cfg.Lambda, cfg.ExposureCap, cfg.ExposurePenalty = 1, math.MaxInt32, 0
	w, picks, err := round(people, c, cfg, now)
	if err != nil {
		return nil
	}
	return w.batches(picks, now)
}
