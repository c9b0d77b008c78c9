package match

import (
	"math/bits"
	"sort"
	"time"
)

// Costs of putting two people in one small group, in order of how much
// a mix matters: colleagues first (people came to meet other companies),
// then the same industry, then children of the same age band. Each
// weight outweighs every lesser clash a group of up to MaxGroupSize can
// hold, so the order is strict.
const (
	clashCompany  = 10000
	clashIndustry = 100
	clashBand     = 1
)

// MaxGroupSize bounds the group size Groups is asked for.
const MaxGroupSize = 6

// maxSwapPasses bounds the improvement passes of Groups: each pass only
// lowers the total cost, and in practice two or three settle it.
const maxSwapPasses = 20

// Groups splits people into groups of about size (2..MaxGroupSize), as
// even as possible (sizes differ by at most one, and nobody is left
// alone), mixed on purpose: as few colleagues together as possible, then
// as few of one industry, then as few sharing a child's age band. It is
// deterministic for a given input order. It fails only on duplicate IDs.
func Groups(people []Person, size int) ([][]string, error) {
	w, err := compile(people, Constraints{}, DefaultConfig(), time.Time{})
	if err != nil {
		return nil, err
	}
	n := len(people)
	if n == 0 {
		return [][]string{}, nil
	}
	groups := assignGreedy(w, groupSizes(n, size))
	improveBySwaps(w, groups)
	out := make([][]string, len(groups))
	for i, g := range groups {
		sort.Slice(g, func(a, b int) bool { return g[a] < g[b] })
		out[i] = make([]string, len(g))
		for j, p := range g {
			out[i][j] = people[p].ID
		}
	}
	return out, nil
}

// groupSizes returns how many people each group takes: n/size groups
// rounded to the nearest, never a group of one unless n is 1, sizes
// differing by at most one.
func groupSizes(n, size int) []int {
	size = max(2, min(size, MaxGroupSize))
	g := max(1, (n+size/2)/size)
	for g > 1 && n/g < 2 {
		g--
	}
	out := make([]int, g)
	for i := range out {
		out[i] = n / g
		if i < n%g {
			out[i]++
		}
	}
	return out
}

// clash is the cost of x and y in one group.
func (w *world) clash(x, y int32) int {
	px, py := &w.p[x], &w.p[y]
	c := 0
	if px.company >= 0 && px.company == py.company {
		c += clashCompany
	}
	if px.industry >= 0 && px.industry == py.industry {
		c += clashIndustry
	}
	return c + clashBand*bits.OnesCount64(px.bands&py.bands)
}

// costWith is the cost p adds to group g (without p).
func (w *world) costWith(g []int32, p int32) int {
	c := 0
	for _, q := range g {
		if q != p {
			c += w.clash(p, q)
		}
	}
	return c
}

// assignGreedy seats the people of the largest companies first, each in
// the group with room where she clashes least (the emptiest on a tie),
// so colleagues are spread before the groups fill up.
func assignGreedy(w *world, sizes []int) [][]int32 {
	companySize := map[int32]int{}
	for i := range w.p {
		companySize[w.p[i].company]++
	}
	order := make([]int32, len(w.p))
	for i := range order {
		order[i] = int32(i)
	}
	sort.SliceStable(order, func(a, b int) bool {
		ca, cb := w.p[order[a]].company, w.p[order[b]].company
		if ca < 0 || cb < 0 { // people of no company fill in last
			return ca >= 0 && cb < 0
		}
		return companySize[ca] > companySize[cb] || companySize[ca] == companySize[cb] && ca < cb
	})
	groups := make([][]int32, len(sizes))
	for _, p := range order {
		best, bestCost := -1, 0
		for i, g := range groups {
			if len(g) >= sizes[i] {
				continue
			}
			c := w.costWith(g, p)
			if best < 0 || c < bestCost || c == bestCost && len(g) < len(groups[best]) {
				best, bestCost = i, c
			}
		}
		groups[best] = append(groups[best], p)
	}
	return groups
}

// improveBySwaps swaps pairs of people between groups while a swap lowers
// the total cost; sizes stay as they are.
func improveBySwaps(w *world, groups [][]int32) {
	for pass := 0; pass < maxSwapPasses; pass++ {
		better := false
		for a := range groups {
			for b := a + 1; b < len(groups); b++ {
				better = swapBetween(w, groups[a], groups[b]) || better
			}
		}
		if !better {
			return
		}
	}
}

// swapBetween makes every swap between ga and gb that lowers the cost.
func swapBetween(w *world, ga, gb []int32) bool {
	better := false
	for i := range ga {
		for j := range gb {
			x, y := ga[i], gb[j]
			before := w.costWith(ga, x) + w.costWith(gb, y)
			ga[i], gb[j] = y, x
			after := w.costWith(ga, y) + w.costWith(gb, x)
			if after < before {
				better = true
				continue
			}
			ga[i], gb[j] = x, y
		}
	}
	return better
}
