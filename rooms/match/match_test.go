package match

import (
	"fmt"
	"reflect"
	"testing"
)

func person(id, company string, themes ...string) Person {
	return Person{ID: id, Company: company, Industry: "it", Function: "engineering", Level: 2, Years: 5,
		AgeBands: []string{"0-2"}, Themes: themes, Lang: []string{"ja"}, Capacity: 3}
}

// TestHardRules: the best match on paper is excluded by each rule in turn.
func TestHardRules(t *testing.T) {
	cases := []struct {
		name  string
		setup func(best *Person, c *Constraints)
	}{
		{"same company", func(b *Person, _ *Constraints) { b.Company = "c1" }},
		{"blocked", func(b *Person, c *Constraints) { c.Blocked[pair("me", b.ID)] = true }},
		{"blocked the other way", func(b *Person, c *Constraints) { c.Blocked[pair(b.ID, "me")] = true }},
		{"met recently", func(b *Person, c *Constraints) { c.Met[pair("me", b.ID)] = true }},
		{"paused", func(b *Person, _ *Constraints) { b.Paused = true }},
		{"at capacity", func(b *Person, _ *Constraints) { b.Load = b.Capacity }},
		{"no shared language", func(b *Person, _ *Constraints) { b.Lang = []string{"en"} }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			me := person("me", "c1", "promotion", "work_life_balance")
			best := person("best", "c2", "promotion", "work_life_balance")
			weak := person("weak", "c3")
			weak.Industry, weak.Function = "retail", "sales"
			c := Constraints{Blocked: map[[2]string]bool{}, Met: map[[2]string]bool{}}
			tc.setup(&best, &c)
			people := []Person{me, best, weak}
			batches, err := Recommend(people, c, DefaultConfig())
			if err != nil {
				t.Fatal(err)
			}
			for _, cand := range batches["me"] {
				if cand.ID == "best" {
					t.Fatalf("%s: recommended anyway", tc.name)
				}
			}
			if len(batches["me"]) != 1 || batches["me"][0].ID != "weak" {
				t.Errorf("batch %v, want only the weak but allowed match", batches["me"])
			}
			if v := Violations(people, c, batches); v != 0 {
				t.Errorf("%d violations", v)
			}
		})
	}
}

func TestReasonsMatchTheData(t *testing.T) {
	me := person("me", "c1", "promotion", "leadership", "self_care")
	model := person("model", "c2", "promotion", "leadership")
	model.Years, model.Industry = 10, "finance"
	batches, _ := Recommend([]Person{me, model}, Constraints{}, DefaultConfig())
	got := batches["me"][0].Reasons
	want := []Reason{
		{Code: "shared_themes", Params: map[string]string{"n": "2"}},
		{Code: "similar_life_stage"},
		{Code: "years_ahead_same_function", Params: map[string]string{"years": "5"}},
		{Code: "different_industry"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("reasons %v, want %v", got, want)
	}
}

// TestEngineBeatsBaselines: on a synthetic population the engine keeps
// every hard rule, spreads exposure more evenly than relevance alone and
// varies batches more, while staying far more relevant than random.
func TestEngineBeatsBaselines(t *testing.T) {
	people, c := Synthetic(3000, 40, 42)
	cfg := DefaultConfig()
	ours, err := Recommend(people, c, cfg)
	if err != nil {
		t.Fatal(err)
	}
	s := Evaluate(people, c, ours, cfg.BatchSize)
	rel := Evaluate(people, c, RelevanceOnly(people, c, cfg), cfg.BatchSize)
	rnd := Evaluate(people, c, RandomBaseline(people, c, cfg), cfg.BatchSize)
	t.Logf("ours %+v\nrelevance-only %+v\nrandom %+v", s, rel, rnd)
	switch {
	case s.Violations != 0 || rel.Violations != 0 || rnd.Violations != 0:
		t.Errorf("hard-rule violations: ours %d, relevance %d, random %d", s.Violations, rel.Violations, rnd.Violations)
	case s.Gini >= rel.Gini:
		t.Errorf("exposure Gini %.3f not below relevance-only %.3f", s.Gini, rel.Gini)
	case s.MaxAppearances > cfg.ExposureCap:
		t.Errorf("someone appears %d times, cap %d", s.MaxAppearances, cfg.ExposureCap)
	case s.MeanDiversity <= rel.MeanDiversity:
		t.Errorf("diversity %.3f not above relevance-only %.3f", s.MeanDiversity, rel.MeanDiversity)
	case s.MeanRelevance <= rnd.MeanRelevance:
		t.Errorf("relevance %.3f not above random %.3f", s.MeanRelevance, rnd.MeanRelevance)
	}
}

func TestDeterministicAndEdgeCases(t *testing.T) {
	people, c := Synthetic(300, 5, 1)
	a, _ := Recommend(people, c, DefaultConfig())
	b, _ := Recommend(people, c, DefaultConfig())
	if !reflect.DeepEqual(a, b) {
		t.Error("same seed, different batches")
	}
	if out, err := Recommend(nil, Constraints{}, DefaultConfig()); err != nil || len(out) != 0 {
		t.Errorf("empty population: %v %v", out, err)
	}
	for _, bad := range []Config{{BatchSize: 0, PoolSize: 10, Lambda: .5, ExposureCap: 1}, {BatchSize: 5, PoolSize: 2, Lambda: .5, ExposureCap: 1},
		{BatchSize: 5, PoolSize: 10, Lambda: 2, ExposureCap: 1}, {BatchSize: 5, PoolSize: 10, Lambda: .5}} {
		if bad.Validate() == nil {
			t.Errorf("config %+v accepted", bad)
		}
	}
	if g := gini([]float64{1, 1, 1, 1}); g != 0 {
		t.Errorf("gini of equal values = %v", g)
	}
	if g := gini([]float64{0, 0, 0, 4}); g < 0.7 {
		t.Errorf("gini of one holder = %v", g)
	}
}

// BenchmarkRecommend10k: a batch for each of 10,000 people in 40
// companies, with the comparison against both baselines as metrics.
//
//	go test -run '^$' -bench Recommend10k -benchtime 3x ./rooms/match
func BenchmarkRecommend10k(b *testing.B) {
	people, c := Synthetic(10_000, 40, 42)
	cfg := DefaultConfig()
	var ours map[string][]Candidate
	for b.Loop() {
		ours, _ = Recommend(people, c, cfg)
	}
	b.StopTimer()
	for name, batches := range map[string]map[string][]Candidate{"ours": ours,
		"relevance": RelevanceOnly(people, c, cfg), "random": RandomBaseline(people, c, cfg)} {
		s := Evaluate(people, c, batches, cfg.BatchSize)
		b.ReportMetric(s.MeanRelevance, name+"-relevance")
		b.ReportMetric(s.MeanDiversity, name+"-diversity")
		b.ReportMetric(s.Gini, name+"-gini")
		b.ReportMetric(float64(s.MaxAppearances), name+"-max-appear")
		b.ReportMetric(s.Coverage, name+"-coverage")
		b.ReportMetric(float64(s.Violations), name+"-violations")
	}
	_ = fmt.Sprint
}
