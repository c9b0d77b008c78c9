package match

import (
	"errors"
	"math"
	"reflect"
	"slices"
	"testing"
	"time"
)

// TestEngineBeatsBaselines: on a skewed synthetic population the engine
// keeps every hard rule, varies batches more and spreads exposure more
// evenly than relevance alone, and stays far more relevant than random.
func TestEngineBeatsBaselines(t *testing.T) {
	people, c := Synthetic(3000, 40, 42)
	cfg := DefaultConfig()
	rows := compareEngines(t, people, c, cfg)
	rnd, rel, ours := rows[0].st, rows[1].st, rows[2].st
	for _, r := range rows {
		t.Logf("%-26s %+v", r.name, r.st)
		if r.st.Violations != 0 {
			t.Errorf("%s: %d hard-rule violations", r.name, r.st.Violations)
		}
	}
	checks := []struct {
		name string
		ok   bool
	}{
		{"more varied batches than relevance-only", ours.MeanDiversity > rel.MeanDiversity+0.05},
		{"more industries per batch than relevance-only", ours.MeanIndustries > rel.MeanIndustries},
		{"lower exposure Gini than relevance-only", ours.Gini < rel.Gini},
		{"nobody above the exposure cap", ours.MaxAppearances <= cfg.ExposureCap},
		{"relevance-only does flood someone", rel.MaxAppearances > cfg.ExposureCap},
		{"far more relevant than random", ours.MeanRelevance > 1.5*rnd.MeanRelevance},
		{"gives up at most 15 % relevance for it", ours.MeanRelevance > 0.85*rel.MeanRelevance},
		{"no one who asked is left without peers", ours.EmptyBatches == 0},
	}
	for _, ch := range checks {
		if !ch.ok {
			t.Errorf("%s: ours %+v, relevance-only %+v, random %+v", ch.name, ours, rel, rnd)
		}
	}
}

// TestExposureCap: when everyone's best match is one person, she is shown
// to at most ExposureCap members and the rest get other peers.
func TestExposureCap(t *testing.T) {
	star := member("star", "c0")
	star.Years, star.Capacity = 10, 4 // a role model for every member()
	people := []Person{star}
	for i := range 20 {
		people = append(people, member(string(rune('a'+i)), "c"+string(rune('a'+i))))
	}
	cfg := DefaultConfig()
	cfg.BatchSize, cfg.ExposureCap = 2, 3 // 40 slots, room for all at 3 each
	b, st, err := RecommendAll(people, Constraints{}, cfg, now)
	if err != nil {
		t.Fatal(err)
	}
	shown := 0
	for _, batch := range b {
		shown += b2i(slices.Contains(ids(batch), "star"))
	}
	if shown != 3 || st.MaxAppearances > 3 || st.ShortBatches != 0 {
		t.Errorf("star shown %d times (max appearances %d, short batches %d), want exactly the cap, 3, and full batches",
			shown, st.MaxAppearances, st.ShortBatches)
	}
}

// TestDeterminism: the same seed gives the same batches (a re-run of a
// round after a crash changes nothing); another seed gives others.
func TestDeterminism(t *testing.T) {
	people, c := Synthetic(500, 10, 7)
	cfg := DefaultConfig()
	a, sa, _ := RecommendAll(people, c, cfg, now)
	b, sb, _ := RecommendAll(people, c, cfg, now)
	if !reflect.DeepEqual(a, b) || sa != sb {
		t.Error("same seed, different batches")
	}
	cfg.Seed++
	if d, _, _ := RecommendAll(people, c, cfg, now); reflect.DeepEqual(a, d) {
		t.Error("another seed, same batches: the seed is not used")
	}
	p2, c2 := Synthetic(500, 10, 7)
	if !reflect.DeepEqual(people, p2) || !reflect.DeepEqual(c, c2) {
		t.Error("Synthetic is not deterministic")
	}
}

// TestSmallPopulations: empty, single and tiny populations give sensible
// (possibly empty) batches and no errors.
func TestSmallPopulations(t *testing.T) {
	cases := []struct {
		name   string
		people []Person
		want   map[string][]string
	}{
		{"nobody", nil, map[string][]string{}},
		{"one member", []Person{member("a", "c1")}, map[string][]string{"a": nil}},
		{"two colleagues", []Person{member("a", "c1"), member("b", "c1")}, map[string][]string{"a": nil, "b": nil}},
		{"two companies", []Person{member("a", "c1"), member("b", "c2")}, map[string][]string{"a": {"b"}, "b": {"a"}}},
		{"three companies, batch of two", []Person{member("a", "c1"), member("b", "c2"), member("c", "c3")},
			map[string][]string{"a": {"b", "c"}, "b": {"a", "c"}, "c": {"a", "b"}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			b, st, err := RecommendAll(tc.people, Constraints{}, DefaultConfig(), now)
			if err != nil {
				t.Fatal(err)
			}
			got := map[string][]string{}
			for id, batch := range b {
				got[id] = ids(batch)
				slices.Sort(got[id])
			}
			if !reflect.DeepEqual(got, tc.want) || st.Violations != 0 {
				t.Errorf("batches %v (violations %d), want %v", got, st.Violations, tc.want)
			}
		})
	}
}

// TestInputErrors: bad input is refused with an error the caller can test.
func TestInputErrors(t *testing.T) {
	dup := []Person{member("a", "c1"), member("a", "c2")}
	if _, _, err := RecommendAll(dup, Constraints{}, DefaultConfig(), now); !errors.Is(err, ErrDuplicateID) {
		t.Errorf("duplicate IDs: %v, want ErrDuplicateID", err)
	}
	if _, err := RecommendOne([]Person{member("a", "c1")}, "zz", Constraints{}, DefaultConfig(), now); !errors.Is(err, ErrUnknownPerson) {
		t.Errorf("unknown person: %v, want ErrUnknownPerson", err)
	}
	bad := DefaultConfig()
	bad.Lambda = 2
	if _, _, err := RecommendAll(nil, Constraints{}, bad, now); !errors.Is(err, ErrInvalidConfig) {
		t.Errorf("bad config: %v, want ErrInvalidConfig", err)
	}
}

// TestConfigValidate: each out-of-range field is named in the error.
func TestConfigValidate(t *testing.T) {
	cases := []struct {
		name  string
		edit  func(*Config)
		field string // "" = valid
	}{
		{"defaults", func(*Config) {}, ""},
		{"relevance only", func(c *Config) { c.Lambda, c.ExposurePenalty = 1, 0 }, ""},
		{"no batch", func(c *Config) { c.BatchSize = 0 }, "BatchSize"},
		{"pool smaller than batch", func(c *Config) { c.PoolSize = 4 }, "PoolSize"},
		{"lambda above 1", func(c *Config) { c.Lambda = 1.5 }, "Lambda"},
		{"lambda NaN", func(c *Config) { c.Lambda = math.NaN() }, "Lambda"},
		{"exploration negative", func(c *Config) { c.Exploration = -0.1 }, "Exploration"},
		{"no exposure allowed", func(c *Config) { c.ExposureCap = 0 }, "ExposureCap"},
		{"negative penalty", func(c *Config) { c.ExposurePenalty = -1 }, "ExposurePenalty"},
		{"negative window", func(c *Config) { c.RecentMonths = -1 }, "RecentMonths"},
		{"negative weight", func(c *Config) { c.Weights.Themes = -0.1 }, "Weights"},
		{"all weights zero", func(c *Config) { c.Weights = Weights{} }, "Weights"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cfg := DefaultConfig()
			tc.edit(&cfg)
			err := cfg.Validate()
			var ce *ConfigError
			switch {
			case tc.field == "" && err != nil:
				t.Errorf("valid config refused: %v", err)
			case tc.field != "" && (!errors.As(err, &ce) || ce.Field != tc.field || !errors.Is(err, ErrInvalidConfig)):
				t.Errorf("error %v, want a ConfigError for %s", err, tc.field)
			}
		})
	}
}

// TestViolationsChecker: the independent checker itself catches each
// kind of bad pair, so "0 violations" means something.
func TestViolationsChecker(t *testing.T) {
	full := member("full", "c4")
	full.Load = full.Capacity
	paused := member("paused", "c5")
	paused.Paused = true
	people := []Person{member("me", "c1"), member("mate", "c1"), member("blocked", "c2"), member("met", "c3"), full, paused, member("ok", "c6")}
	c := Constraints{Blocked: map[[2]string]bool{{"blocked", "me"}: true},
		MetOn: map[[2]string]time.Time{Pair("me", "met"): now.AddDate(0, -1, 0)}}
	var cands []Candidate
	for _, id := range []string{"me", "mate", "blocked", "met", "full", "paused", "ghost", "ok", "ok"} {
		cands = append(cands, Candidate{ID: id})
	}
	got := Violations(people, c, map[string]Batch{"me": {PersonID: "me", Candidates: cands}}, DefaultConfig(), now)
	var rules []string
	for _, v := range got {
		rules = append(rules, v.Rule)
	}
	want := []string{"self", "same_company", "blocked", "met_recently", "at_capacity", "paused", "unknown_person", "duplicate"}
	if !slices.Equal(rules, want) {
		t.Errorf("rules %v, want %v", rules, want)
	}
}

// TestGini: the inequality measure behaves at its extremes.
func TestGini(t *testing.T) {
	cases := []struct {
		name   string
		x      []float64
		lo, hi float64
	}{
		{"empty", nil, 0, 0},
		{"all zero", []float64{0, 0, 0}, 0, 0},
		{"all equal", []float64{3, 3, 3, 3}, 0, 1e-12},
		{"one holds all of four", []float64{0, 0, 0, 4}, 0.75 - 1e-12, 0.75 + 1e-12},
		{"linear", []float64{1, 2, 3, 4}, 0.25 - 1e-12, 0.25 + 1e-12},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if g := gini(tc.x); g < tc.lo || g > tc.hi {
				t.Errorf("gini(%v) = %v, want %v..%v", tc.x, g, tc.lo, tc.hi)
			}
		})
	}
}

// TestLegacyEntryPoints: the undated entry points rooms/api calls give
// the same batches as RecommendAll and RecommendOne.
func TestLegacyEntryPoints(t *testing.T) {
	people, c := Synthetic(300, 6, 3)
	c.MetOn = nil
	cfg := DefaultConfig()
	legacy, err := Recommend(people, c, cfg)
	if err != nil {
		t.Fatal(err)
	}
	all, _, _ := RecommendAll(people, c, cfg, time.Time{})
	for id, b := range all {
		if !reflect.DeepEqual(legacy[id], b.Candidates) {
			t.Fatalf("%s: Recommend %v, RecommendAll %v", id, legacy[id], b.Candidates)
		}
	}
	one, _ := RecommendOne(people, people[0].ID, c, cfg, time.Time{})
	if l, err := RecommendFor(people, people[0].ID, c, cfg); err != nil || !reflect.DeepEqual(l, one.Candidates) {
		t.Errorf("RecommendFor %v (%v), RecommendOne %v", l, err, one.Candidates)
	}
}
