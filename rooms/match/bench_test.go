package match

import (
	"fmt"
	"testing"
)

// BenchmarkRecommend10k: a round for 10,000 people in 40 companies,
// Stats included, with the comparison against both baselines reported as
// metrics (computed once, outside the timed loop).
//
//	go test -run '^$' -bench Recommend10k -benchtime 5x ./rooms/match
func BenchmarkRecommend10k(b *testing.B) {
	people, c := Synthetic(10_000, 40, 42)
	cfg := DefaultConfig()
	var st Stats
	for b.Loop() {
		var err error
		if _, st, err = RecommendAll(people, c, cfg, now); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	rows := compareEngines(b, people, c, cfg)
	rows[2].st = st
	for _, r := range rows {
		name := map[string]string{"random (hard rules kept)": "random", "relevance only": "relevance", "ours": "ours"}[r.name]
		b.ReportMetric(r.st.MeanRelevance, name+"-relevance")
		b.ReportMetric(r.st.MeanDiversity, name+"-diversity")
		b.ReportMetric(r.st.Gini, name+"-gini")
		b.ReportMetric(float64(r.st.MaxAppearances), name+"-maxappear")
		b.ReportMetric(float64(r.st.Violations), name+"-violations")
	}
}

// BenchmarkRecommendOne10k: one new member's first batch against 10,000
// people (compiling the population included, as the API does it).
//
//	go test -run '^$' -bench RecommendOne10k ./rooms/match
func BenchmarkRecommendOne10k(b *testing.B) {
	people, c := Synthetic(10_000, 40, 42)
	cfg := DefaultConfig()
	for b.Loop() {
		if _, err := RecommendOne(people, people[1234].ID, c, cfg, now); err != nil {
			b.Fatal(err)
		}
	}
}

// ExampleRecommendOne shows a member's batch with the reasons the UI
// renders.
func ExampleRecommendOne() {
	people := []Person{
		{ID: "aki", Company: "acme", Industry: "it", Function: "engineering", Years: 4, AgeBands: []string{"0-2"},
			Themes: []string{"return_from_leave", "promotion"}, Lang: []string{"ja"}, Capacity: 2},
		{ID: "mei", Company: "globex", Industry: "finance", Function: "engineering", Years: 9, AgeBands: []string{"3-5"},
			Themes: []string{"promotion", "return_from_leave", "leadership"}, Lang: []string{"ja"}, Capacity: 3, Load: 1},
		{ID: "rin", Company: "acme", Industry: "it", Function: "sales", Years: 6, AgeBands: []string{"0-2"},
			Themes: []string{"promotion"}, Lang: []string{"ja"}, Capacity: 2},
	}
	b, err := RecommendOne(people, "aki", Constraints{}, DefaultConfig(), SyntheticNow())
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, c := range b.Candidates {
		fmt.Printf("%s %.2f\n", c.ID, c.Score)
		for _, r := range c.Reasons {
			fmt.Println(" ", r.Code, r.Params)
		}
	}
	// Output:
	// mei 0.54
	//   shared_themes map[n:2 themes:promotion,return_from_leave]
	//   years_ahead_same_function map[function:engineering years:5]
	//   similar_life_stage map[band:3-5 near:true]
	//   different_industry map[industry:finance]
}
