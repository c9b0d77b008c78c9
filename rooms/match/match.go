// Package match computes recommendation batches: for every member a few
// peers from other companies, chosen for relevance (shared concerns, life
// stage, a role model a few years ahead), varied within the batch (maximal
// marginal relevance) and spread fairly across the population (an
// exposure cap), never breaking a hard rule. Pure Go, standard library.
package match

import (
	"errors"
	"math"
	"math/rand/v2"
	"slices"
	"sort"
	"time"
)

// Person is what the engine knows of a member.
type Person struct {
	ID, Company            string
	Industry, Function     string
	Level, Years           int
	AgeBands, Themes, Lang []string
	Capacity, Load         int // consultations a month they accept / have this month
	Paused                 bool
}

// Constraints are the pairs that must never be recommended.
type Constraints struct {
	Blocked map[[2]string]bool // either order
	Met     map[[2]string]bool // met within the configured window, either order
}

func pair(a, b string) [2]string {
	if a < b {
		return [2]string{a, b}
	}
	return [2]string{b, a}
}

// Config tunes the engine.
type Config struct {
	BatchSize   int     // candidates per member; default 5
	PoolSize    int     // candidates scored per member; default 200
	Lambda      float64 // MMR: 1 = relevance only, 0 = diversity only; default 0.7
	ExposureCap int     // appearances per person per round; default 2×BatchSize
	Seed        uint64
}

// DefaultConfig returns the defaults.
func DefaultConfig() Config {
	return Config{BatchSize: 5, PoolSize: 200, Lambda: 0.7, ExposureCap: 10, Seed: 1}
}

// Validate reports the first bad field.
func (c Config) Validate() error {
	switch {
	case c.BatchSize < 1 || c.BatchSize > 20:
		return errors.New("match: BatchSize must be 1-20")
	case c.PoolSize < c.BatchSize:
		return errors.New("match: PoolSize must be at least BatchSize")
	case c.Lambda < 0 || c.Lambda > 1:
		return errors.New("match: Lambda must be 0-1")
	case c.ExposureCap < 1:
		return errors.New("match: ExposureCap must be positive")
	}
	return nil
}

// Reason says why a candidate was chosen, as a code and its parameters.
type Reason struct {
	Code   string
	Params map[string]string
}

// Candidate is one recommended peer.
type Candidate struct {
	ID      string
	Score   float64
	Reasons []Reason
}

// Allowed reports whether b may be recommended to a: the hard rules.
func Allowed(a, b *Person, c Constraints) bool {
	switch {
	case a.ID == b.ID, a.Company == b.Company, b.Paused, a.Paused, b.Load >= b.Capacity:
		return false
	case c.Blocked[pair(a.ID, b.ID)], c.Met[pair(a.ID, b.ID)]:
		return false
	}
	return shareLanguage(a, b)
}

func shareLanguage(a, b *Person) bool {
	for _, l := range a.Lang {
		if slices.Contains(b.Lang, l) {
			return true
		}
	}
	return false
}

// Recommend makes a batch for everyone. Members are served in a seeded
// random order so nobody is always last to the exposure cap.
func Recommend(people []Person, c Constraints, cfg Config) (map[string][]Candidate, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	idx := newIndex(people)
	rng := rand.New(rand.NewPCG(cfg.Seed, cfg.Seed^0x9e3779b97f4a7c15))
	order := rng.Perm(len(people))
	exposure := make([]int, len(people))
	out := make(map[string][]Candidate, len(people))
	for _, i := range order {
		out[people[i].ID] = recommendOne(people, idx, i, c, cfg, exposure, rng)
	}
	return out, nil
}

// RecommendFor makes a batch for one (new) member, outside a round.
func RecommendFor(people []Person, id string, c Constraints, cfg Config) ([]Candidate, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	for i := range people {
		if people[i].ID == id {
			rng := rand.New(rand.NewPCG(cfg.Seed, uint64(time.Now().UnixNano())))
			return recommendOne(people, newIndex(people), i, c, cfg, make([]int, len(people)), rng), nil
		}
	}
	return nil, errors.New("match: no such person")
}

// index finds plausible candidates fast: by theme and by function.
type index struct {
	byTheme    map[string][]int
	byFunction map[string][]int
}

func newIndex(people []Person) *index {
	ix := &index{byTheme: map[string][]int{}, byFunction: map[string][]int{}}
	for i, p := range people {
		for _, t := range p.Themes {
			ix.byTheme[t] = append(ix.byTheme[t], i)
		}
		ix.byFunction[p.Function] = append(ix.byFunction[p.Function], i)
	}
	return ix
}

// pool draws up to n candidate indexes: people sharing a theme or the job
// function (sampled), plus random exploration.
func (ix *index) pool(people []Person, me int, n int, rng *rand.Rand) []int {
	seen := map[int]bool{me: true}
	var out []int
	add := func(list []int, k int) {
		for j := 0; j < k && len(list) > 0; j++ {
			c := list[rng.IntN(len(list))]
			if !seen[c] {
				seen[c] = true
				out = append(out, c)
			}
		}
	}
	p := &people[me]
	for _, t := range p.Themes {
		add(ix.byTheme[t], n/(2*max(1, len(p.Themes))))
	}
	add(ix.byFunction[p.Function], n/4)
	for k := 0; k < n/4; k++ { // exploration: anyone at all
		if c := rng.IntN(len(people)); !seen[c] {
			seen[c] = true
			out = append(out, c)
		}
	}
	return out
}

type scored struct {
	i       int
	score   float64
	reasons []Reason
}

func recommendOne(people []Person, ix *index, me int, c Constraints, cfg Config, exposure []int, rng *rand.Rand) []Candidate {
	a := &people[me]
	var cands []scored
	for _, j := range ix.pool(people, me, cfg.PoolSize, rng) {
		b := &people[j]
		if exposure[j] >= cfg.ExposureCap || !Allowed(a, b, c) {
			continue
		}
		s, reasons := relevance(a, b)
		back, _ := relevance(b, a)
		// Reciprocity: a pair both sides would value (geometric mean).
		cands = append(cands, scored{j, math.Sqrt(s * back), reasons})
	}
	sort.Slice(cands, func(x, y int) bool { return cands[x].score > cands[y].score })
	picked := mmr(people, cands, cfg)
	out := make([]Candidate, 0, len(picked))
	for _, s := range picked {
		exposure[s.i]++
		out = append(out, Candidate{ID: people[s.i].ID, Score: s.score, Reasons: s.reasons})
	}
	return out
}
