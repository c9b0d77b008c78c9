package match

import (
	"fmt"
	"slices"
	"testing"
)

// TestGroupSizes: groups of about the size asked, differing by at most
// one, and nobody alone.
func TestGroupSizes(t *testing.T) {
	cases := []struct {
		n, size int
		want    []int
	}{
		{0, 2, []int{0}}, {1, 2, []int{1}}, {3, 2, []int{3}}, {4, 2, []int{2, 2}}, {5, 2, []int{3, 2}},
		{7, 3, []int{4, 3}}, {8, 3, []int{3, 3, 2}}, {13, 4, []int{5, 4, 4}}, {5, 6, []int{5}}, {30, 6, []int{6, 6, 6, 6, 6}},
	}
	for _, tc := range cases {
		if got := groupSizes(tc.n, tc.size); !slices.Equal(got, tc.want) {
			t.Errorf("groupSizes(%d, %d) = %v, want %v", tc.n, tc.size, got, tc.want)
		}
	}
}

// TestGroupsMix: colleagues are spread first, then people of one
// industry, then parents of children of one age band; each split is one
// a naive cut of the input order gets wrong.
func TestGroupsMix(t *testing.T) {
	type clash func(a, b Person) bool
	sameCompany := func(a, b Person) bool { return a.Company == b.Company }
	cases := []struct {
		name   string
		people []Person
		size   int
		apart  clash
	}{
		{"companies", []Person{{ID: "a1", Company: "A"}, {ID: "a2", Company: "A"}, {ID: "b1", Company: "B"}, {ID: "b2", Company: "B"},
			{ID: "c1", Company: "C"}, {ID: "c2", Company: "C"}}, 2, sameCompany},
		{"industries once companies are apart", []Person{{ID: "1", Company: "A", Industry: "it"}, {ID: "2", Company: "B", Industry: "it"},
			{ID: "3", Company: "C", Industry: "finance"}, {ID: "4", Company: "D", Industry: "finance"}}, 2,
			func(a, b Person) bool { return a.Industry == b.Industry }},
		{"age bands last", []Person{{ID: "1", Company: "A", AgeBands: []string{"0-2"}}, {ID: "2", Company: "B", AgeBands: []string{"0-2"}},
			{ID: "3", Company: "C", AgeBands: []string{"6-12"}}, {ID: "4", Company: "D", AgeBands: []string{"6-12"}}}, 2,
			func(a, b Person) bool { return slices.Equal(a.AgeBands, b.AgeBands) }},
		{"companies before industries", []Person{{ID: "1", Company: "A", Industry: "it"}, {ID: "2", Company: "A", Industry: "finance"},
			{ID: "3", Company: "B", Industry: "it"}, {ID: "4", Company: "B", Industry: "finance"}}, 2, sameCompany},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			byID := map[string]Person{}
			for _, p := range tc.people {
				byID[p.ID] = p
			}
			groups, err := Groups(tc.people, tc.size)
			if err != nil {
				t.Fatal(err)
			}
			seen := 0
			for _, g := range groups {
				seen += len(g)
				for i := range g {
					for j := i + 1; j < len(g); j++ {
						if tc.apart(byID[g[i]], byID[g[j]]) {
							t.Errorf("%s and %s together: %v", g[i], g[j], groups)
						}
					}
				}
			}
			if seen != len(tc.people) {
				t.Errorf("%d people placed of %d: %v", seen, len(tc.people), groups)
			}
		})
	}
}

// TestGroupsAtScale: a full roundtable of 1000 from 40 companies in
// groups of about 6 puts no two colleagues together, sizes differing by
// one at most, everyone once.
func TestGroupsAtScale(t *testing.T) {
	people := make([]Person, 1000)
	for i := range people {
		people[i] = Person{ID: fmt.Sprintf("p%04d", i), Company: fmt.Sprintf("co%02d", i%40), Industry: fmt.Sprintf("in%d", i%7)}
	}
	groups, err := Groups(people, 6)
	if err != nil {
		t.Fatal(err)
	}
	seen, smallest, largest := map[string]bool{}, len(people), 0
	for _, g := range groups {
		smallest, largest = min(smallest, len(g)), max(largest, len(g))
		companies := map[string]bool{}
		for _, id := range g {
			var i int
			fmt.Sscanf(id, "p%d", &i)
			if companies[people[i].Company] {
				t.Errorf("two of %s in one group: %v", people[i].Company, g)
			}
			companies[people[i].Company], seen[id] = true, true
		}
	}
	if len(seen) != len(people) || smallest < 5 || largest > 7 || largest-smallest > 1 {
		t.Errorf("%d placed of %d, groups of %d to %d", len(seen), len(people), smallest, largest)
	}
}

// TestGroupsDuplicateID: the same person twice is an error, not a group.
func TestGroupsDuplicateID(t *testing.T) {
	if _, err := Groups([]Person{{ID: "a"}, {ID: "a"}}, 2); err == nil {
		t.Error("duplicate ids were grouped")
	}
}

// BenchmarkGroups plans a full roundtable (1000 people, 40 companies, 7
// industries, some age bands) in groups of 4: what one plan request costs.
func BenchmarkGroups(b *testing.B) {
	bands := []string{"0-2", "3-5", "6-12", "13-18"}
	people := make([]Person, 1000)
	for i := range people {
		people[i] = Person{ID: fmt.Sprintf("p%04d", i), Company: fmt.Sprintf("co%02d", i%40), Industry: fmt.Sprintf("in%d", i%7),
			AgeBands: bands[i%3 : i%3+2]}
	}
	for b.Loop() {
		if _, err := Groups(people, 4); err != nil {
			b.Fatal(err)
		}
	}
}
