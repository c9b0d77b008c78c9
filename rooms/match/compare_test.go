package match

import (
	"fmt"
	"io"
	"os"
	"testing"
	"time"
)

// engineRow is one line of the comparison table.
type engineRow struct {
	name    string
	elapsed time.Duration
	st      Stats
}

// compareEngines runs random, relevance-only and the engine on one
// population and returns a row each, ours last.
func compareEngines(tb testing.TB, people []Person, c Constraints, cfg Config) []engineRow {
	tb.Helper()
	now := SyntheticNow()
	var rows []engineRow
	t0 := time.Now()
	rnd := RandomBaseline(people, c, cfg, now)
	rows = append(rows, engineRow{"random (hard rules kept)", time.Since(t0), Evaluate(people, c, rnd, cfg, now)})
	t0 = time.Now()
	rel := RelevanceOnly(people, c, cfg, now)
	rows = append(rows, engineRow{"relevance only", time.Since(t0), Evaluate(people, c, rel, cfg, now)})
	t0 = time.Now()
	_, st, err := RecommendAll(people, c, cfg, now)
	if err != nil {
		tb.Fatal(err)
	}
	return append(rows, engineRow{"ours", time.Since(t0), st})
}

func printTable(w io.Writer, rows []engineRow) {
	fmt.Fprintln(w, "| engine | time | relevance | diversity | industries/batch | functions/batch | levels/batch | exposure Gini | max appearances | coverage (all / eligible) | empty / short batches | violations |")
	fmt.Fprintln(w, "|---|---|---|---|---|---|---|---|---|---|---|---|")
	for _, r := range rows {
		s := r.st
		fmt.Fprintf(w, "| %s | %.2f s | %.3f | %.3f | %.2f | %.2f | %.2f | %.3f | %d | %.3f / %.3f | %d / %d | %d |\n",
			r.name, r.elapsed.Seconds(), s.MeanRelevance, s.MeanDiversity, s.MeanIndustries, s.MeanFunctions, s.MeanLevels,
			s.Gini, s.MaxAppearances, s.Coverage, s.EligibleCoverage, s.EmptyBatches, s.ShortBatches, s.Violations)
	}
}

// TestComparisonTable10k prints the comparison for docs/benchmarks.md. It
// is skipped in -short runs and under the race detector's slowdown is
// still a few seconds.
//
//	go test -run ComparisonTable10k -v ./rooms/match
func TestComparisonTable10k(t *testing.T) {
	if testing.Short() {
		t.Skip("10k population; run without -short")
	}
	people, c := Synthetic(10_000, 40, 42)
	printTable(os.Stdout, compareEngines(t, people, c, DefaultConfig()))
}
