package match

import (
	"math/bits"
	"slices"
	"strconv"
	"strings"
	"time"
)

// prof is a Person compiled for fast scoring: strings interned to small
// integers and sets turned into bitsets, so that scoring a pair compares
// integers and ANDs words instead of hashing strings.
type prof struct {
	company, industry, function, area, style int32 // -1 = unknown
	level, years                             int32
	freeSlots                                int32 // Capacity - Load
	axis                                     uint8 // bit 0 life, bit 1 career
	inPerson, newcomer                       bool
	candidate                                bool // may appear in a batch
	requester                                bool // gets a batch
	bands                                    uint64
	themes, langs                            bitset
}

// world is the population compiled once per round.
type world struct {
	people     []Person
	p          []prof
	byID       map[string]int32
	excl       [][]int32 // sorted partners each person must never get
	themeNames []string
	bandNames  []string // ordered youngest first
	common     string   // Config.CommonLanguage
	commonLang int      // its bit, -1 if nobody speaks it
	w          Weights
	wsum       float64
}

// interner maps strings to dense IDs; "" stays -1 (unknown).
type interner struct {
	ids   map[string]int32
	names []string
}

func (in *interner) id(s string) int32 {
	if s == "" {
		return -1
	}
	if id, ok := in.ids[s]; ok {
		return id
	}
	if in.ids == nil {
		in.ids = map[string]int32{}
	}
	id := int32(len(in.names))
	in.ids[s] = id
	in.names = append(in.names, s)
	return id
}

// compile builds the world. It fails only on duplicate IDs.
func compile(people []Person, c Constraints, cfg Config, now time.Time) (*world, error) {
	w := &world{people: people, p: make([]prof, len(people)), byID: make(map[string]int32, len(people)),
		common: cfg.CommonLanguage, w: cfg.Weights, wsum: cfg.Weights.sum()}
	for i := range people {
		if _, dup := w.byID[people[i].ID]; dup {
			return nil, ErrDuplicateID
		}
		w.byID[people[i].ID] = int32(i)
	}
	var companies, industries, functions, areas, styles, themes, langs interner
	bandBit := w.orderBands(people)
	for i := range people {
		a, p := &people[i], &w.p[i]
		p.company, p.industry, p.function = companies.id(a.Company), industries.id(a.Industry), functions.id(a.Function)
		p.area, p.style = areas.id(a.Area), styles.id(a.WorkStyle)
		p.level, p.years, p.freeSlots = int32(a.Level), int32(a.Years), int32(a.Capacity-a.Load)
		p.axis, p.inPerson = axisBits(a.Axis), a.InPerson && a.Area != ""
		p.newcomer = !now.IsZero() && !a.Joined.IsZero() && !a.Joined.After(now) && now.Sub(a.Joined) <= newcomerWindow
		// A person without a company is never matched: "not a colleague"
		// cannot be checked for them.
		p.requester = !a.Paused && p.company >= 0 && a.ID != ""
		p.candidate = p.requester && a.Load < a.Capacity
		for _, b := range a.AgeBands {
			if bit, ok := bandBit[b]; ok {
				p.bands |= 1 << bit
			}
		}
		p.themes = internSet(&themes, a.Themes)
		p.langs = internSet(&langs, a.Lang)
	}
	w.themeNames = themes.names
	w.commonLang = -1
	if id, ok := langs.ids[cfg.CommonLanguage]; ok {
		w.commonLang = int(id)
	}
	w.excl = exclusions(w.byID, len(people), c, recentCutoff(cfg, now))
	return w, nil
}

// newcomerWindow is how long after joining a member counts as new.
const newcomerWindow = 30 * 24 * time.Hour

// recentCutoff is the earliest meeting date that still keeps a pair apart.
// A zero now (the undated entry points) makes every dated meeting recent:
// the safe side.
func recentCutoff(cfg Config, now time.Time) time.Time {
	if now.IsZero() {
		return time.Time{}
	}
	return now.AddDate(0, -cfg.RecentMonths, 0)
}

func axisBits(a Axis) uint8 {
	switch a {
	case AxisLife:
		return 1
	case AxisCareer:
		return 2
	}
	return 3 // both, or not said
}

// orderBands gives each age band a bit, youngest first, so that adjacent
// bands sit in adjacent bits. Bands sort by their leading number ("3-5" is
// 3); bands without one go last. Only the first 64 bands are compared.
func (w *world) orderBands(people []Person) map[string]uint {
	seen := map[string]bool{}
	for i := range people {
		for _, b := range people[i].AgeBands {
			seen[b] = true
		}
	}
	lower := func(b string) int {
		end := strings.IndexFunc(b, func(r rune) bool { return r < '0' || r > '9' })
		if end < 0 {
			end = len(b)
		}
		if n, err := strconv.Atoi(b[:end]); err == nil {
			return n
		}
		return 1 << 30
	}
	for b := range seen {
		w.bandNames = append(w.bandNames, b)
	}
	slices.SortFunc(w.bandNames, func(x, y string) int {
		if d := lower(x) - lower(y); d != 0 {
			return d
		}
		return strings.Compare(x, y)
	})
	bit := make(map[string]uint, len(w.bandNames))
	for i, b := range w.bandNames[:min(64, len(w.bandNames))] {
		bit[b] = uint(i)
	}
	return bit
}

// exclusions lists, per person, the partners blocked or met recently.
// Keys are read in whatever order they were written.
func exclusions(byID map[string]int32, n int, c Constraints, cutoff time.Time) [][]int32 {
	excl := make([][]int32, n)
	add := func(k [2]string) {
		a, okA := byID[k[0]]
		b, okB := byID[k[1]]
		if okA && okB {
			excl[a] = append(excl[a], b)
			excl[b] = append(excl[b], a)
		}
	}
	for k, v := range c.Blocked {
		if v {
			add(k)
		}
	}
	for k, v := range c.Met {
		if v {
			add(k)
		}
	}
	for k, t := range c.MetOn {
		if !t.Before(cutoff) {
			add(k)
		}
	}
	for i := range excl {
		slices.Sort(excl[i])
	}
	return excl
}

// excluded reports whether a and b must be kept apart for a pair rule.
func (w *world) excluded(a, b int32) bool {
	_, found := slices.BinarySearch(w.excl[a], b)
	return found
}

// allowed applies every hard rule to b as a candidate for a.
func (w *world) allowed(a, b int32) bool {
	pa, pb := &w.p[a], &w.p[b]
	if a == b || !pa.requester || !pb.candidate || pa.company == pb.company {
		return false
	}
	if len(pa.langs) > 0 && len(pb.langs) > 0 && !pa.langs.intersects(pb.langs) {
		return false
	}
	return !w.excluded(a, b)
}

// bitset is a set of small integers.
type bitset []uint64

func internSet(in *interner, xs []string) bitset {
	var s bitset
	for _, x := range xs {
		if id := in.id(x); id >= 0 {
			for int(id/64) >= len(s) {
				s = append(s, 0)
			}
			s[id/64] |= 1 << (id % 64)
		}
	}
	return s
}

func (s bitset) count() int {
	n := 0
	for _, x := range s {
		n += bits.OnesCount64(x)
	}
	return n
}

func (s bitset) and(t bitset) int {
	n := 0
	for i := range min(len(s), len(t)) {
		n += bits.OnesCount64(s[i] & t[i])
	}
	return n
}

func (s bitset) intersects(t bitset) bool {
	for i := range min(len(s), len(t)) {
		if s[i]&t[i] != 0 {
			return true
		}
	}
	return false
}

func (s bitset) has(i int) bool {
	return i >= 0 && i/64 < len(s) && s[i/64]&(1<<(i%64)) != 0
}

// members lists the set's elements in ascending order.
func (s bitset) members() []int {
	var out []int
	for w, x := range s {
		for x != 0 {
			out = append(out, w*64+bits.TrailingZeros64(x))
			x &= x - 1
		}
	}
	return out
}
