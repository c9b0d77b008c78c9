package match

import (
	"cmp"
	"math/rand/v2"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
)

// index lists the people who may be recommended, by theme, by function
// (sorted by years, to find role models by binary search) and by age
// band, so that each member's pool is drawn from plausible peers instead
// of scoring all n people: n × PoolSize pair scores instead of n².
type index struct {
	all        []int32
	byTheme    [][]int32
	byFunction [][]int32
	byBand     [64][]int32
}

func newIndex(w *world) *index {
	ix := &index{byTheme: make([][]int32, len(w.themeNames))}
	for i := range w.p {
		p := &w.p[i]
		if !p.candidate {
			continue
		}
		ix.all = append(ix.all, int32(i))
		for _, t := range p.themes.members() {
			ix.byTheme[t] = append(ix.byTheme[t], int32(i))
		}
		if f := int(p.function); f >= 0 {
			for f >= len(ix.byFunction) {
				ix.byFunction = append(ix.byFunction, nil)
			}
			ix.byFunction[f] = append(ix.byFunction[f], int32(i))
		}
		for b := range 64 {
			if p.bands&(1<<b) != 0 {
				ix.byBand[b] = append(ix.byBand[b], int32(i))
			}
		}
	}
	for _, list := range ix.byFunction {
		slices.SortStableFunc(list, func(x, y int32) int { return cmp.Compare(w.p[x].years, w.p[y].years) })
	}
	return ix
}

// cand is one scored pool entry.
type cand struct {
	j int32
	s float32 // reciprocal relevance
}

// drawer draws and scores one member's pool at a time. Each worker owns
// one, so nothing in it is shared.
type drawer struct {
	w     *world
	ix    *index
	cfg   *Config
	pcg   *rand.PCG
	rng   *rand.Rand
	stamp []int32 // stamp[j] == me+1: j was already tried for me
	me    int32
	out   []cand
}

func newDrawer(w *world, ix *index, cfg *Config) *drawer {
	pcg := rand.NewPCG(0, 0)
	return &drawer{w: w, ix: ix, cfg: cfg, pcg: pcg, rng: rand.New(pcg), stamp: make([]int32, len(w.p))}
}

// pool draws up to PoolSize allowed candidates for me: people sharing a
// theme, role models in the same function, people with children of the
// same age, and a share of anyone at all (exploration), which is also
// where most of a batch's variety comes from. The random stream is seeded
// per member, so the result does not depend on which worker ran it.
func (d *drawer) pool(me int32) []cand {
	d.me, d.out = me, nil
	d.pcg.Seed(d.cfg.Seed, uint64(me)+1)
	p := &d.w.p[me]
	explore := int(float64(d.cfg.PoolSize) * d.cfg.Exploration)
	rest := d.cfg.PoolSize - explore
	if themes := p.themes.members(); len(themes) > 0 {
		for _, t := range themes {
			d.take(d.ix.byTheme[t], rest*55/100/len(themes))
		}
	}
	if f := int(p.function); f >= 0 && f < len(d.ix.byFunction) {
		d.take(d.roleModels(d.ix.byFunction[f], p.years), rest*25/100)
	}
	if n := countBits(p.bands); n > 0 {
		for b := range 64 {
			if p.bands&(1<<b) != 0 {
				d.take(d.ix.byBand[b], rest*20/100/n)
			}
		}
	}
	d.take(d.ix.all, d.cfg.PoolSize-len(d.out))
	return d.out
}

// roleModels is the part of a function's list (sorted by years) that is a
// few years ahead of years.
func (d *drawer) roleModels(list []int32, years int32) []int32 {
	at := func(y int32) int {
		i, _ := slices.BinarySearchFunc(list, y, func(j int32, y int32) int { return cmp.Compare(d.w.p[j].years, y) })
		return i
	}
	return list[at(years+roleMin):at(years+roleMax+1)]
}

// take adds up to q allowed candidates from list: all of a short list, or
// random draws from a long one, giving up after 3q draws so that a list
// full of people already tried or not allowed does not loop for long.
func (d *drawer) take(list []int32, q int) {
	if q <= 0 || len(list) == 0 {
		return
	}
	if len(list) <= q {
		for _, j := range list {
			d.try(j)
		}
		return
	}
	for added, tries := 0, 0; added < q && tries < 3*q; tries++ {
		if d.try(list[d.rng.IntN(len(list))]) {
			added++
		}
	}
}

func (d *drawer) try(j int32) bool {
	if d.stamp[j] == d.me+1 {
		return false
	}
	d.stamp[j] = d.me + 1
	if !d.w.allowed(d.me, j) {
		return false
	}
	d.out = append(d.out, cand{j, float32(d.w.reciprocal(d.me, j))})
	return true
}

func countBits(x uint64) int {
	n := 0
	for ; x != 0; x &= x - 1 {
		n++
	}
	return n
}

// pools draws every requester's pool on all cores, each sorted best
// first; ties go by a seeded per-round rank so that no one wins every
// tie just for sitting early in the slice.
func pools(w *world, ix *index, cfg *Config, tie []uint32) [][]cand {
	out := make([][]cand, len(w.p))
	var next atomic.Int64
	var wg sync.WaitGroup
	const chunk = 64
	for range max(1, min(runtime.GOMAXPROCS(0), len(w.p)/chunk)) {
		wg.Go(func() {
			d := newDrawer(w, ix, cfg)
			for {
				lo := int(next.Add(chunk)) - chunk
				if lo >= len(w.p) {
					return
				}
				for i := lo; i < min(lo+chunk, len(w.p)); i++ {
					if w.p[i].requester {
						out[i] = sortPool(d.pool(int32(i)), tie)
					}
				}
			}
		})
	}
	wg.Wait()
	return out
}

func sortPool(p []cand, tie []uint32) []cand {
	slices.SortFunc(p, func(x, y cand) int {
		if c := cmp.Compare(y.s, x.s); c != 0 {
			return c
		}
		return cmp.Compare(tie[x.j], tie[y.j])
	})
	return p
}
