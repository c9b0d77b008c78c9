package match

import (
	"reflect"
	"slices"
	"testing"
	"time"
)

var now = SyntheticNow()

// member is a plain member of company co who would match any other
// member() well: same themes, children's ages and work style.
func member(id, co string) Person {
	return Person{ID: id, Company: co, Industry: "it", Function: "engineering", Level: 2, Years: 5,
		AgeBands: []string{"0-2"}, Themes: []string{"promotion", "work_life_balance"}, Lang: []string{"ja"},
		WorkStyle: "full_time_hybrid", Capacity: 3}
}

// weak is allowed for anyone but shares nothing with a member().
func weak(id, co string) Person {
	return Person{ID: id, Company: co, Industry: "retail", Function: "sales", Level: 4, Years: 20,
		AgeBands: []string{"13-18"}, Lang: []string{"ja"}, Capacity: 3}
}

func ids(b Batch) []string {
	var out []string
	for _, c := range b.Candidates {
		out = append(out, c.ID)
	}
	return out
}

// TestHardRules: the best match on paper is left out under each rule in
// turn, by the round and by the on-demand batch; the weak but allowed
// match is still offered.
func TestHardRules(t *testing.T) {
	cases := []struct {
		name  string
		setup func(me, best *Person, c *Constraints)
	}{
		{"same company", func(_, b *Person, _ *Constraints) { b.Company = "c1" }},
		{"blocked by me", func(_, b *Person, c *Constraints) { c.Blocked[Pair("me", b.ID)] = true }},
		{"blocked me, key not normalised", func(_, b *Person, c *Constraints) { c.Blocked[[2]string{"me", b.ID}] = true }},
		{"met, undated", func(_, b *Person, c *Constraints) { c.Met[Pair("me", b.ID)] = true }},
		{"met two months ago", func(_, b *Person, c *Constraints) { c.MetOn[Pair("me", b.ID)] = now.AddDate(0, -2, 0) }},
		{"booked for next week", func(_, b *Person, c *Constraints) { c.MetOn[[2]string{"me", b.ID}] = now.AddDate(0, 0, 7) }},
		{"paused", func(_, b *Person, _ *Constraints) { b.Paused = true }},
		{"at capacity", func(_, b *Person, _ *Constraints) { b.Load = b.Capacity }},
		{"over capacity", func(_, b *Person, _ *Constraints) { b.Load = b.Capacity + 2 }},
		{"no capacity at all", func(_, b *Person, _ *Constraints) { b.Capacity = 0 }},
		{"no shared language", func(_, b *Person, _ *Constraints) { b.Lang = []string{"en"} }},
		{"no company", func(_, b *Person, _ *Constraints) { b.Company = "" }},
		// Only me and weak exist: my own (identical) profile is my best match.
		{"oneself", func(_, b *Person, _ *Constraints) { b.ID = "" }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			me, best := member("me", "c1"), member("best", "c2")
			c := Constraints{Blocked: map[[2]string]bool{}, Met: map[[2]string]bool{}, MetOn: map[[2]string]time.Time{}}
			tc.setup(&me, &best, &c)
			people := []Person{me, weak("weak", "c3")}
			if best.ID != "" {
				people = append(people, best)
			}
			all, _, err := RecommendAll(people, c, DefaultConfig(), now)
			if err != nil {
				t.Fatal(err)
			}
			one, err := RecommendOne(people, "me", c, DefaultConfig(), now)
			if err != nil {
				t.Fatal(err)
			}
			for name, b := range map[string]Batch{"round": all["me"], "on demand": one} {
				if got := ids(b); !slices.Equal(got, []string{"weak"}) {
					t.Errorf("%s: batch %v, want only [weak]", name, got)
				}
			}
			if v := Violations(people, c, all, DefaultConfig(), now); len(v) != 0 {
				t.Errorf("violations: %v", v)
			}
		})
	}
}

// TestMeetingsExpire: a pair who met before the window may be matched
// again; one who met inside it may not.
func TestMeetingsExpire(t *testing.T) {
	cases := []struct {
		name    string
		met     time.Time
		months  int
		matched bool
	}{
		{"met seven months ago, six-month window", now.AddDate(0, -7, 0), 6, true},
		{"met five months ago, six-month window", now.AddDate(0, -5, 0), 6, false},
		{"met seven months ago, twelve-month window", now.AddDate(0, -7, 0), 12, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			people := []Person{member("me", "c1"), member("peer", "c2")}
			c := Constraints{MetOn: map[[2]string]time.Time{Pair("me", "peer"): tc.met}}
			cfg := DefaultConfig()
			cfg.RecentMonths = tc.months
			b, _, err := RecommendAll(people, c, cfg, now)
			if err != nil {
				t.Fatal(err)
			}
			if got := len(b["me"].Candidates) == 1; got != tc.matched {
				t.Errorf("matched = %v, want %v", got, tc.matched)
			}
		})
	}
}

// TestPausedMemberGetsNoBatch: pausing stops recommendations both ways.
func TestPausedMemberGetsNoBatch(t *testing.T) {
	me := member("me", "c1")
	me.Paused = true
	people := []Person{me, member("peer", "c2")}
	b, st, err := RecommendAll(people, Constraints{}, DefaultConfig(), now)
	if err != nil {
		t.Fatal(err)
	}
	if len(b["me"].Candidates) != 0 || len(b["peer"].Candidates) != 0 {
		t.Errorf("paused member's batch %v, peer's batch %v: want both empty", ids(b["me"]), ids(b["peer"]))
	}
	if st.Requesters != 1 || st.EmptyBatches != 1 {
		t.Errorf("stats %+v: want 1 requester with an empty batch", st)
	}
}

// TestReasonsMatchTheData: each reason a member reads is true of the
// candidate, with the right numbers.
func TestReasonsMatchTheData(t *testing.T) {
	cases := []struct {
		name     string
		edit     func(me, peer *Person)
		want     Reason
		wantNone string // a code that must not appear
	}{
		{"two shared themes of five", func(me, p *Person) {
			me.Themes, p.Themes = []string{"promotion", "leadership", "self_care"}, []string{"leadership", "promotion", "relocation"}
		}, reason(ReasonSharedThemes, "n", "2", "themes", "leadership,promotion"), ""},
		{"no shared theme", func(me, p *Person) { p.Themes = []string{"elder_care"} }, reason(ReasonSimilarLifeStage, "band", "0-2", "near", "false"), ReasonSharedThemes},
		{"role model five years ahead", func(me, p *Person) { p.Years = 10 },
			reason(ReasonYearsAhead, "years", "5", "function", "engineering"), ""},
		{"junior is no role model", func(me, p *Person) { p.Years = 0 }, reason(ReasonSharedThemes, "n", "2", "themes", "promotion,work_life_balance"), ReasonYearsAhead},
		{"other function is no role model", func(me, p *Person) { p.Years, p.Function = 10, "sales" }, reason(ReasonSharedThemes, "n", "2", "themes", "promotion,work_life_balance"), ReasonYearsAhead},
		{"different industry", func(me, p *Person) { p.Industry = "finance" }, reason(ReasonDifferentIndustry, "industry", "finance"), ""},
		{"same industry", func(me, p *Person) {}, reason(ReasonSharedThemes, "n", "2", "themes", "promotion,work_life_balance"), ReasonDifferentIndustry},
		{"children one band apart", func(me, p *Person) { p.AgeBands = []string{"3-5"} }, reason(ReasonSimilarLifeStage, "band", "3-5", "near", "true"), ""},
		{"both speak English", func(me, p *Person) { me.Lang, p.Lang = []string{"ja", "en"}, []string{"en"} }, reason(ReasonSameLanguage, "lang", "en"), ""},
		{"Japanese is not worth a reason", func(me, p *Person) {}, reason(ReasonSimilarLifeStage, "band", "0-2", "near", "false"), ReasonSameLanguage},
		{"both in person in Osaka", func(me, p *Person) { me.InPerson, me.Area, p.InPerson, p.Area = true, "osaka", true, "osaka" }, reason(ReasonSameArea, "area", "osaka"), ""},
		{"both want career talk", func(me, p *Person) { me.Axis, p.Axis = AxisCareer, AxisBoth }, reason(ReasonSameFocus, "axis", "career"), ""},
		{"joined last week", func(me, p *Person) { p.Joined = now.AddDate(0, 0, -7) }, reason(ReasonNewMember), ""},
		{"joined last year", func(me, p *Person) { p.Joined = now.AddDate(-1, 0, 0) }, reason(ReasonSharedThemes, "n", "2", "themes", "promotion,work_life_balance"), ReasonNewMember},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			me, peer := member("me", "c1"), member("peer", "c2")
			tc.edit(&me, &peer)
			b, err := RecommendOne([]Person{me, peer}, "me", Constraints{}, DefaultConfig(), now)
			if err != nil || len(b.Candidates) != 1 {
				t.Fatalf("batch %+v, %v", b, err)
			}
			got := b.Candidates[0].Reasons
			if !slices.ContainsFunc(got, func(r Reason) bool { return reflect.DeepEqual(r, tc.want) }) {
				t.Errorf("reasons %v lack %v", got, tc.want)
			}
			if tc.wantNone != "" && slices.ContainsFunc(got, func(r Reason) bool { return r.Code == tc.wantNone }) {
				t.Errorf("reasons %v include %s", got, tc.wantNone)
			}
		})
	}
}

// TestBetterMatchRanksFirst: with room for one, the member gets the peer
// who shares their concerns, not the one who shares nothing.
func TestBetterMatchRanksFirst(t *testing.T) {
	cfg := DefaultConfig()
	cfg.BatchSize, cfg.PoolSize = 1, 10
	people := []Person{member("me", "c1"), weak("weak", "c2"), member("good", "c3")}
	b, _, err := RecommendAll(people, Constraints{}, cfg, now)
	if err != nil {
		t.Fatal(err)
	}
	if got := ids(b["me"]); !slices.Equal(got, []string{"good"}) {
		t.Errorf("batch %v, want [good]", got)
	}
}
