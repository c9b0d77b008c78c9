package apiload

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/zadankai/zadankai/rooms"
)

// A mix replaces the one path readers GET with a weighted draw, per
// request, among what people do on the control plane:
//
//	me             GET /api/v1/me (every page load asks it)
//	list           GET /api/v1/roundtables (its first page)
//	roundtable     GET /api/v1/roundtables/{id} (one of the seeded ones)
//	consultations  GET /api/v1/consultations
//	register       POST …/roundtables/{id}/register, the reader's next
//	               one …/withdraw again (a seat taken and given back)
var mixOps = []string{"me", "list", "roundtable", "consultations", "register"}

// DefaultMix is mostly reads, 5 % writes.
const DefaultMix = "me:50,list:15,roundtable:15,consultations:15,register:5"

// mix is a parsed --mix: cumulative weights in mixOps order.
type mix struct {
	names []string
	cum   []int
}

func parseMix(s string) (mix, error) {
	var m mix
	total := 0
	for part := range strings.SplitSeq(s, ",") {
		name, w, ok := strings.Cut(strings.TrimSpace(part), ":")
		n, err := strconv.Atoi(w)
		if !ok || err != nil || n < 0 || n > 1000 || !slices.Contains(mixOps, name) || slices.Contains(m.names, name) {
			return m, fmt.Errorf("--mix %q: want NAME:WEIGHT,… with names among %s and weights 0..1000", s, strings.Join(mixOps, ", "))
		}
		total += n
		m.names, m.cum = append(m.names, name), append(m.cum, total)
	}
	if total == 0 {
		return m, fmt.Errorf("--mix %q: all weights are 0", s)
	}
	return m, nil
}

// pick draws an operation by weight.
func (m mix) pick(rng *rand.Rand) string {
	x := rng.IntN(m.cum[len(m.cum)-1])
	i, _ := slices.BinarySearch(m.cum, x+1)
	return m.names[i]
}

// mixTargets are, for each reader, the roundtables she sees (not closed
// to her company) and those she may take a seat at (open, not hers).
type mixTargets struct {
	seen, open map[rooms.MemberID][]rooms.RoundtableID
}

func loadTargets(ctx context.Context, s rooms.Store, readers []*rooms.Member) (*mixTargets, error) {
	now := time.Now()
	list, err := s.ListRoundtables(ctx, now, now.AddDate(0, 0, 90))
	if err != nil {
		return nil, err
	}
	t := &mixTargets{seen: map[rooms.MemberID][]rooms.RoundtableID{}, open: map[rooms.MemberID][]rooms.RoundtableID{}}
	for _, r := range list {
		for _, m := range readers {
			if slices.Contains(r.ExcludedCompanies, m.CompanyID) {
				continue
			}
			t.seen[m.ID] = append(t.seen[m.ID], r.ID)
			if !r.Cancelled && !r.IsModerator(m.ID) && r.Start.Add(-r.CloseBefore).After(now.Add(time.Hour)) {
				t.open[m.ID] = append(t.open[m.ID], r.ID)
			}
		}
	}
	if len(list) == 0 {
		return nil, errors.New("a mix needs upcoming roundtables: give --roundtables N")
	}
	return t, nil
}

// request is one request of a reader: method, path and the operation's
// name.
type request struct{ method, path, op string }

// mixReader is one reader's state in a mix.
type mixReader struct {
	rng     *rand.Rand
	member  rooms.MemberID
	seated  rooms.RoundtableID // taken by her last register, to give back next
	targets *mixTargets
	mix     mix
}

// next is the reader's next request.
func (r *mixReader) next() request {
	op := r.mix.pick(r.rng)
	switch op {
	case "me":
		return request{"GET", "/api/v1/me", op}
	case "list":
		return request{"GET", "/api/v1/roundtables", op}
	case "roundtable":
		if seen := r.targets.seen[r.member]; len(seen) > 0 {
			return request{"GET", "/api/v1/roundtables/" + string(seen[r.rng.IntN(len(seen))]), op}
		}
		return request{"GET", "/api/v1/roundtables", "list"}
	case "consultations":
		return request{"GET", "/api/v1/consultations", op}
	}
	if r.seated != "" {
		id := r.seated
		r.seated = ""
		return request{"POST", "/api/v1/roundtables/" + string(id) + "/withdraw", "withdraw"}
	}
	open := r.targets.open[r.member]
	if len(open) == 0 {
		return request{"GET", "/api/v1/me", "me"}
	}
	r.seated = open[r.rng.IntN(len(open))]
	return request{"POST", "/api/v1/roundtables/" + string(r.seated) + "/register", op}
}
