package match

import "math"

// Weights weigh the parts of relevance. They need not sum to 1: relevance
// is divided by their sum so that it stays between 0 and 1.
type Weights struct {
	Themes    float64 // Jaccard similarity of themes
	LifeStage float64 // children in the same (1) or an adjacent (0.5) age band
	RoleModel float64 // same function, a few years ahead (or, seen from the senior side, behind)
	Language  float64 // a shared language other than the common one
	Axis      float64 // both want life, or both want career
	Area      float64 // both meet in person in the same area
	WorkStyle float64 // same work pattern
	Newcomer  float64 // the candidate joined within the last 30 days
}

// Config tunes the engine. Start from DefaultConfig.
type Config struct {
	// BatchSize is how many candidates each member gets.
	BatchSize int
	// PoolSize is how many candidates are drawn and scored per member;
	// more is slower and only slightly better.
	PoolSize int
	// Exploration is the share of the pool drawn from anyone at all rather
	// than from people sharing a theme, function or life stage.
	Exploration float64
	// Lambda trades relevance against variety in a batch (maximal marginal
	// relevance): 1 = relevance only, 0 = variety only.
	Lambda float64
	// ExposureCap is the most batches one person may appear in per round.
	ExposureCap int
	// ExposurePenalty lowers a candidate's value by this much per
	// appearance so far, divided by their free capacity, so appearances
	// spread before the cap is reached and full-ish people are shown less.
	ExposurePenalty float64
	// RecentMonths keeps pairs who met within this many months apart.
	RecentMonths int
	// CommonLanguage is the language nearly everyone shares; sharing it is
	// not worth a reason or a bonus.
	CommonLanguage string
	// Weights weigh the parts of relevance.
	Weights Weights
	// Seed makes a round reproducible: same people, same seed, same batches.
	Seed uint64
}

// DefaultConfig returns the defaults: 5 candidates, a pool of 200 with a
// quarter explored at random, λ 0.7, at most 10 appearances a round,
// 6 months before a pair may meet again.
func DefaultConfig() Config {
	return Config{
		BatchSize: 5, PoolSize: 200, Exploration: 0.25, Lambda: 0.7,
		ExposureCap: 10, ExposurePenalty: 0.02, RecentMonths: 6, CommonLanguage: "ja",
		Weights: Weights{Themes: 0.40, LifeStage: 0.20, RoleModel: 0.20, Language: 0.05,
			Axis: 0.05, Area: 0.05, WorkStyle: 0.05, Newcomer: 0.05},
		Seed: 1,
	}
}

// Validate reports the first field out of range as a *ConfigError, which
// wraps ErrInvalidConfig.
func (c Config) Validate() error {
	w := c.Weights
	checks := []struct {
		bad           bool
		field, reason string
	}{
		{c.BatchSize < 1 || c.BatchSize > 50, "BatchSize", "must be 1-50"},
		{c.PoolSize < c.BatchSize || c.PoolSize > 10000, "PoolSize", "must be BatchSize-10000"},
		{!in01(c.Exploration), "Exploration", "must be 0-1"},
		{!in01(c.Lambda), "Lambda", "must be 0-1"},
		{c.ExposureCap < 1, "ExposureCap", "must be at least 1"},
		{!(c.ExposurePenalty >= 0) || math.IsInf(c.ExposurePenalty, 1), "ExposurePenalty", "must be a finite number ≥ 0"},
		{c.RecentMonths < 0, "RecentMonths", "must be ≥ 0"},
		{!nonNegative(w.Themes, w.LifeStage, w.RoleModel, w.Language, w.Axis, w.Area, w.WorkStyle, w.Newcomer),
			"Weights", "must be finite numbers ≥ 0"},
		{w.sum() <= 0, "Weights", "must not all be 0"},
	}
	for _, ch := range checks {
		if ch.bad {
			return &ConfigError{Field: ch.field, Reason: ch.reason}
		}
	}
	return nil
}

// in01 is written so that NaN fails: every comparison with NaN is false.
func in01(x float64) bool { return x >= 0 && x <= 1 }

func nonNegative(xs ...float64) bool {
	for _, x := range xs {
		if !(x >= 0) || math.IsInf(x, 1) {
			return false
		}
	}
	return true
}

func (w Weights) sum() float64 {
	return w.Themes + w.LifeStage + w.RoleModel + w.Language + w.Axis + w.Area + w.WorkStyle + w.Newcomer
}
