package match

import (
	"cmp"
	"math"
	"math/rand/v2"
	"slices"
	"time"
)

// RecommendAll makes a batch for everyone in one round and reports its
// Stats. Every person gets a Batch; paused members and members without a
// company get an empty one. The same people, constraints, config and now
// always give the same batches.
func RecommendAll(people []Person, c Constraints, cfg Config, now time.Time) (map[string]Batch, Stats, error) {
	w, picks, err := round(people, c, cfg, now)
	if err != nil {
		return nil, Stats{}, err
	}
	batches := w.batches(picks, now)
	return batches, Evaluate(people, c, batches, cfg, now), nil
}

// RecommendOne makes a batch for one member outside a round, e.g. right
// after a new member saves a profile. It scores everyone allowed (cheap
// for one member) and ignores this round's exposure, which it cannot see.
func RecommendOne(people []Person, id string, c Constraints, cfg Config, now time.Time) (Batch, error) {
	if err := cfg.Validate(); err != nil {
		return Batch{}, err
	}
	w, err := compile(people, c, cfg, now)
	if err != nil {
		return Batch{}, err
	}
	me, ok := w.byID[id]
	if !ok {
		return Batch{}, ErrUnknownPerson
	}
	pool := make([][]cand, len(people))
	if w.p[me].requester {
		for j := range people {
			if w.allowed(me, int32(j)) {
				pool[me] = append(pool[me], cand{int32(j), float32(w.reciprocal(me, int32(j)))})
			}
		}
	}
	sortPool(pool[me], tieRanks(len(people), cfg.Seed))
	d := newDraft(w, &cfg, pool)
	for range cfg.BatchSize {
		d.pickFor(me)
	}
	return w.batch(me, d.picks[me], now), nil
}

// Recommend is RecommendAll without dated meetings or Stats, in the shape
// rooms/api reads.
//
// Deprecated: use RecommendAll, which honours Constraints.MetOn against
// now and reports Stats.
func Recommend(people []Person, c Constraints, cfg Config) (map[string][]Candidate, error) {
	w, picks, err := round(people, c, cfg, time.Time{})
	if err != nil {
		return nil, err
	}
	out := make(map[string][]Candidate, len(people))
	for id, b := range w.batches(picks, time.Time{}) {
		out[id] = b.Candidates
	}
	return out, nil
}

// RecommendFor is RecommendOne without a date, in the shape rooms/api
// reads.
//
// Deprecated: use RecommendOne.
func RecommendFor(people []Person, id string, c Constraints, cfg Config) ([]Candidate, error) {
	b, err := RecommendOne(people, id, c, cfg, time.Time{})
	return b.Candidates, err
}

// round compiles the population, draws and scores every pool and drafts
// the batches.
func round(people []Person, c Constraints, cfg Config, now time.Time) (*world, [][]cand, error) {
	if err := cfg.Validate(); err != nil {
		return nil, nil, err
	}
	w, err := compile(people, c, cfg, now)
	if err != nil {
		return nil, nil, err
	}
	tie := tieRanks(len(people), cfg.Seed)
	d := newDraft(w, &cfg, pools(w, newIndex(w), &cfg, tie))
	d.run(tie)
	return w, d.picks, nil
}

// tieRanks is a seeded permutation used to break ties, so the same people
// do not win every tie round after round for sitting early in the slice.
func tieRanks(n int, seed uint64) []uint32 {
	rng := rand.New(rand.NewPCG(seed, 0x5eed))
	tie := make([]uint32, n)
	for i, j := range rng.Perm(n) {
		tie[i] = uint32(j)
	}
	return tie
}

// draft hands out candidates round-robin: everyone gets a first pick
// before anyone gets a second, so members served late in a pass still get
// relevant peers before popular people reach the exposure cap.
type draft struct {
	w        *world
	cfg      *Config
	pools    [][]cand
	picks    [][]cand
	exposure []int32
	capacity int32
}

func newDraft(w *world, cfg *Config, pools [][]cand) *draft {
	return &draft{w: w, cfg: cfg, pools: pools, picks: make([][]cand, len(pools)),
		exposure: make([]int32, len(pools)), capacity: int32(min(cfg.ExposureCap, math.MaxInt32))}
}

// run drafts BatchSize passes. Members with the smallest pools (fewest
// allowed peers) choose first, so they are not left with nothing; the
// order snakes (reverses every pass) so no one is always last.
func (d *draft) run(tie []uint32) {
	var order []int32
	for i, p := range d.pools {
		if len(p) > 0 {
			order = append(order, int32(i))
		}
	}
	slices.SortFunc(order, func(x, y int32) int {
		if c := cmp.Compare(len(d.pools[x]), len(d.pools[y])); c != 0 {
			return c
		}
		return cmp.Compare(tie[x], tie[y])
	})
	for pass := range d.cfg.BatchSize {
		for k := range order {
			if pass%2 == 1 {
				k = len(order) - 1 - k
			}
			d.pickFor(order[k])
		}
	}
}

// pickFor adds to i's batch the pool entry with the best maximal marginal
// relevance: λ·score − (1−λ)·(similarity to the closest pick so far) −
// the exposure penalty. People at the exposure cap are skipped.
func (d *draft) pickFor(i int32) {
	lambda, picked := d.cfg.Lambda, d.picks[i]
	best, bestVal := -1, math.Inf(-1)
	for k, c := range d.pools[i] {
		rel := lambda * float64(c.s)
		if rel <= bestVal {
			break // the pool is sorted and every penalty is ≥ 0: nothing later can win
		}
		if d.exposure[c.j] >= d.capacity || slices.ContainsFunc(picked, func(p cand) bool { return p.j == c.j }) {
			continue
		}
		sim := 0.0
		for _, p := range picked {
			sim = max(sim, d.w.similarity(c.j, p.j))
		}
		// Dividing by free capacity shows people with one free slot less
		// often than people with four: each appearance may bring a request.
		load := float64(d.exposure[c.j]) / float64(max(1, d.w.p[c.j].freeSlots))
		if v := rel - (1-lambda)*sim - d.cfg.ExposurePenalty*load; v > bestVal {
			best, bestVal = k, v
		}
	}
	if best >= 0 {
		c := d.pools[i][best]
		d.picks[i] = append(picked, c)
		d.exposure[c.j]++
	}
}

// batches turns picks into a Batch for every person, with reasons.
func (w *world) batches(picks [][]cand, now time.Time) map[string]Batch {
	out := make(map[string]Batch, len(w.people))
	for i := range w.people {
		out[w.people[i].ID] = w.batch(int32(i), picks[i], now)
	}
	return out
}

func (w *world) batch(i int32, picks []cand, now time.Time) Batch {
	b := Batch{PersonID: w.people[i].ID, MadeAt: now, Candidates: make([]Candidate, 0, len(picks))}
	for _, c := range picks {
		b.Candidates = append(b.Candidates, Candidate{ID: w.people[c.j].ID, Score: float64(c.s), Reasons: w.reasons(i, c.j)})
	}
	return b
}
