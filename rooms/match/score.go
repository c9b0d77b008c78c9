package match

import (
	"math"
	"slices"
	"strconv"
	"strings"
)

// feats are the parts of how much a would value b, each 0 to 1.
type feats struct {
	themes, stage, model, lang, axis, area, style, newcomer float64
	shared                                                  int // themes in common
	yearsAhead                                              int // > 0 only for a role model
}

// Role models: same function, between roleMin and roleMax years ahead,
// valued most at rolePeak. Two years is too close to learn much from;
// more than ten and their situation is a different era.
const (
	roleMin, rolePeak, roleMax = 2, 5, 10
	// mentorShare is how much the senior side values meeting a junior in
	// their own function, relative to the junior's view: it makes the
	// reciprocal score of a role-model pair high without pretending the
	// senior learns as much.
	mentorShare = 0.5
)

func roleValue(d int) float64 {
	return 1 - math.Abs(float64(d-rolePeak))/float64(rolePeak+1)
}

// features computes a's view of b.
func (w *world) features(a, b int32) feats {
	pa, pb := &w.p[a], &w.p[b]
	var f feats
	if f.shared = pa.themes.and(pb.themes); f.shared > 0 {
		f.themes = float64(f.shared) / float64(pa.themes.count()+pb.themes.count()-f.shared) // Jaccard
	}
	switch {
	case pa.bands&pb.bands != 0:
		f.stage = 1
	case (pa.bands<<1|pa.bands>>1)&pb.bands != 0: // adjacent age bands
		f.stage = 0.5
	}
	if pa.function >= 0 && pa.function == pb.function {
		d := int(pb.years - pa.years)
		switch {
		case d >= roleMin && d <= roleMax:
			f.model, f.yearsAhead = roleValue(d), d
		case -d >= roleMin && -d <= roleMax:
			f.model = mentorShare * roleValue(-d)
		}
	}
	if w.sharesRareLanguage(pa, pb) {
		f.lang = 1
	}
	if pa.axis&pb.axis != 0 {
		f.axis = 1
	}
	if pa.inPerson && pb.inPerson && pa.area == pb.area {
		f.area = 1
	}
	if pa.style >= 0 && pa.style == pb.style {
		f.style = 1
	}
	if pb.newcomer {
		f.newcomer = 1
	}
	return f
}

// sharesRareLanguage: a shared language other than the common one.
func (w *world) sharesRareLanguage(pa, pb *prof) bool {
	for i := range min(len(pa.langs), len(pb.langs)) {
		x := pa.langs[i] & pb.langs[i]
		if w.commonLang >= 0 && w.commonLang/64 == i {
			x &^= 1 << (w.commonLang % 64)
		}
		if x != 0 {
			return true
		}
	}
	return false
}

// relevance is a's view of b, 0 to 1.
func (w *world) relevance(a, b int32) float64 {
	f, wt := w.features(a, b), &w.w
	s := wt.Themes*f.themes + wt.LifeStage*f.stage + wt.RoleModel*f.model + wt.Language*f.lang +
		wt.Axis*f.axis + wt.Area*f.area + wt.WorkStyle*f.style + wt.Newcomer*f.newcomer
	return s / w.wsum
}

// reciprocal scores the pair from both sides with the geometric mean: a
// request the other side finds pointless is likely to be declined, so a
// pair only scores well when both would value it.
func (w *world) reciprocal(a, b int32) float64 {
	return math.Sqrt(w.relevance(a, b) * w.relevance(b, a))
}

// similarity of two candidates, for variety in a batch: the same industry,
// function and level count against putting both in one batch.
func (w *world) similarity(x, y int32) float64 {
	px, py := &w.p[x], &w.p[y]
	s := 0.0
	if px.industry >= 0 && px.industry == py.industry {
		s += 0.4
	}
	if px.function >= 0 && px.function == py.function {
		s += 0.4
	}
	if px.level == py.level {
		s += 0.2
	}
	return s
}

// reasons explains, from a's side, why b was suggested: one reason per
// part of relevance that counted, heaviest first, then a different
// industry (which counts for variety, not relevance).
func (w *world) reasons(a, b int32) []Reason {
	f, wt := w.features(a, b), &w.w
	A, B := &w.people[a], &w.people[b]
	type weighed struct {
		v float64
		r Reason
	}
	var rs []weighed
	add := func(v float64, code string, kv ...string) {
		if v > 0 {
			rs = append(rs, weighed{v, reason(code, kv...)})
		}
	}
	add(wt.Themes*f.themes, ReasonSharedThemes, "n", strconv.Itoa(f.shared), "themes", w.sharedThemes(a, b))
	add(wt.LifeStage*f.stage, ReasonSimilarLifeStage, w.stageParams(a, b)...)
	if f.yearsAhead > 0 {
		add(wt.RoleModel*f.model, ReasonYearsAhead, "years", strconv.Itoa(f.yearsAhead), "function", B.Function)
	}
	if f.lang > 0 {
		add(wt.Language, ReasonSameLanguage, "lang", w.rareLanguage(A, B))
	}
	if ax := w.p[a].axis & w.p[b].axis; ax == 1 || ax == 2 {
		add(wt.Axis, ReasonSameFocus, "axis", map[uint8]string{1: string(AxisLife), 2: string(AxisCareer)}[ax])
	}
	add(wt.Area*f.area, ReasonSameArea, "area", B.Area)
	add(wt.WorkStyle*f.style, ReasonSimilarWorkStyle, "style", B.WorkStyle)
	add(wt.Newcomer*f.newcomer, ReasonNewMember)
	slices.SortStableFunc(rs, func(x, y weighed) int { return -cmpFloat(x.v, y.v) })
	out := make([]Reason, 0, len(rs)+1)
	for _, r := range rs {
		out = append(out, r.r)
	}
	if w.p[a].industry != w.p[b].industry && w.p[b].industry >= 0 {
		out = append(out, reason(ReasonDifferentIndustry, "industry", B.Industry))
	}
	return out
}

func reason(code string, kv ...string) Reason {
	r := Reason{Code: code}
	for i := 0; i+1 < len(kv); i += 2 {
		if r.Params == nil {
			r.Params = map[string]string{}
		}
		r.Params[kv[i]] = kv[i+1]
	}
	return r
}

func cmpFloat(x, y float64) int {
	switch {
	case x < y:
		return -1
	case x > y:
		return 1
	}
	return 0
}

// sharedThemes names the themes in common, sorted, comma-separated.
func (w *world) sharedThemes(a, b int32) string {
	var names []string
	for _, id := range w.p[a].themes.members() {
		if w.p[b].themes.has(id) {
			names = append(names, w.themeNames[id])
		}
	}
	slices.Sort(names)
	return strings.Join(names, ",")
}

// stageParams names b's band closest to a's, and whether it is only near.
func (w *world) stageParams(a, b int32) []string {
	pa, pb := w.p[a].bands, w.p[b].bands
	near, common := "false", pa&pb
	if common == 0 {
		near, common = "true", (pa<<1|pa>>1)&pb
	}
	for i, name := range w.bandNames {
		if i < 64 && common&(1<<i) != 0 {
			return []string{"band", name, "near", near}
		}
	}
	return nil
}

// rareLanguage names the first shared language that is not the common one,
// in a's order.
func (w *world) rareLanguage(a, b *Person) string {
	for _, l := range a.Lang {
		if l != w.common && slices.Contains(b.Lang, l) {
			return l
		}
	}
	return ""
}
