package match

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"time"
)

// SyntheticNow is the "now" of a Synthetic population: its join dates and
// meetings are set relative to it.
func SyntheticNow() time.Time { return time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC) }

// Synthetic makes a seeded population of n people in the given number of
// companies, for tests and benchmarks. It is skewed the way client bases
// are: a few large companies, each in one industry; a few industries,
// functions, themes and areas far more common than the rest; levels and
// children's ages that grow with experience; 5 % paused; load against
// capacity at random (about a third are full). Its Constraints block
// about 1 person in 40 and record a meeting for 1 in 20, mostly between
// people who would match (that is who meets), half of them within six
// months of SyntheticNow.
func Synthetic(n, companies int, seed uint64) ([]Person, Constraints) {
	g := &synth{rng: rand.New(rand.NewPCG(seed, seed^0xda3e39cb94b95bdb))}
	companies = max(1, companies)
	g.companyIndustry = make([]string, companies)
	for k := range g.companyIndustry {
		g.companyIndustry[k] = g.pick(synthIndustries)
	}
	people := make([]Person, n)
	for i := range people {
		people[i] = g.person(i, companies)
	}
	return people, g.constraints(people)
}

var (
	synthIndustries = []string{"it", "manufacturing", "finance", "retail", "healthcare", "consulting", "public",
		"media", "education", "logistics"}
	synthFunctions = []string{"engineering", "sales", "marketing", "hr", "finance", "operations", "research",
		"design", "legal", "management"}
	synthThemes = []string{"work_life_balance", "return_from_leave", "promotion", "childcare_services",
		"partner_sharing", "career_change", "reskilling", "evaluation", "leadership", "child_health",
		"education", "elder_care", "self_care", "relocation", "side_business", "management_track",
		"shorter_hours", "school_entry", "exam_years", "remote_work"}
	synthBands  = []string{"0-2", "3-5", "6-12", "13-18"}
	synthAreas  = []string{"tokyo", "kanagawa", "osaka", "aichi", "saitama", "fukuoka", "hokkaido", "hyogo"}
	synthStyles = []string{"full_time_hybrid", "full_time_office", "full_time_remote", "short_hours", "shift"}
)

type synth struct {
	rng             *rand.Rand
	companyIndustry []string
}

// pick favours the first entries: index k·u² for uniform u, so the first
// entry is about as likely as the last three quarters together.
func (g *synth) pick(list []string) string {
	return list[int(float64(len(list))*math.Pow(g.rng.Float64(), 2))]
}

// company draws a company with a Zipf-like size: company k has weight
// 1/(k+1), by inverse transform on the continuous approximation.
func (g *synth) company(companies int) int {
	k := int(math.Exp(g.rng.Float64()*math.Log(float64(companies+1)))) - 1
	return min(max(k, 0), companies-1)
}

func (g *synth) person(i, companies int) Person {
	co := g.company(companies)
	years := g.rng.IntN(26)
	p := Person{ID: fmt.Sprintf("p%05d", i), Company: fmt.Sprintf("c%02d", co), Industry: g.companyIndustry[co],
		Function: g.pick(synthFunctions), Years: years, Level: min(5, max(1, 1+years/6+g.rng.IntN(3)-1)),
		Lang: []string{"ja"}, Capacity: 1 + g.rng.IntN(4), Paused: g.rng.IntN(20) == 0,
		Axis:      []Axis{AxisBoth, AxisBoth, AxisCareer, AxisCareer, AxisLife}[g.rng.IntN(5)],
		WorkStyle: g.pick(synthStyles), Joined: SyntheticNow().Add(-time.Duration(g.rng.IntN(150*24)) * time.Hour)}
	p.Load = g.rng.IntN(p.Capacity + 1)
	switch r := g.rng.IntN(50); {
	case r == 0:
		p.Lang = []string{"en"}
	case r < 7:
		p.Lang = append(p.Lang, "en")
	}
	if g.rng.IntN(10) < 3 {
		p.InPerson, p.Area = true, g.pick(synthAreas)
	}
	// Children's ages follow experience, with noise; a second child is
	// often in the next band.
	band := min(len(synthBands)-1, max(0, years/7+g.rng.IntN(3)-1))
	p.AgeBands = []string{synthBands[band]}
	if band+1 < len(synthBands) && g.rng.IntN(3) == 0 {
		p.AgeBands = append(p.AgeBands, synthBands[band+1])
	}
	if band == 0 && g.rng.IntN(2) == 0 {
		p.Themes = append(p.Themes, "return_from_leave")
	}
	for want := 1 + g.rng.IntN(4); len(p.Themes) < want; {
		if t := g.pick(synthThemes); !slices.Contains(p.Themes, t) {
			p.Themes = append(p.Themes, t)
		}
	}
	return p
}

// constraints blocks and records meetings mostly between people who share
// a theme, since those are the pairs that were recommended and met.
func (g *synth) constraints(people []Person) Constraints {
	c := Constraints{Blocked: map[[2]string]bool{}, Met: map[[2]string]bool{}, MetOn: map[[2]string]time.Time{}}
	n := len(people)
	if n < 2 {
		return c
	}
	byTheme := map[string][]int{}
	for i := range people {
		for _, t := range people[i].Themes {
			byTheme[t] = append(byTheme[t], i)
		}
	}
	partner := func(a int) string {
		if g.rng.IntN(4) == 0 { // some pairs are unrelated
			return people[g.rng.IntN(n)].ID
		}
		list := byTheme[people[a].Themes[g.rng.IntN(len(people[a].Themes))]]
		return people[list[g.rng.IntN(len(list))]].ID
	}
	for range n / 40 {
		a := g.rng.IntN(n)
		c.Blocked[Pair(people[a].ID, partner(a))] = true
	}
	for range n / 20 {
		a := g.rng.IntN(n)
		// Half within six months (kept apart), half older (allowed again).
		c.MetOn[Pair(people[a].ID, partner(a))] = SyntheticNow().AddDate(0, 0, -g.rng.IntN(365))
	}
	for range n / 100 {
		a := g.rng.IntN(n)
		c.Met[Pair(people[a].ID, partner(a))] = true
	}
	return c
}
