package api

import (
	"context"
	"time"

	"github.com/zadankai/zadankai/rooms"
	"github.com/zadankai/zadankai/rooms/match"
)

// RecommendConfig tunes the recommendation job.
type RecommendConfig struct {
	// Every is the cadence of a round for everyone; default a week.
	Every time.Duration
	// RecentlyMet keeps pairs who met (or booked) within it apart; default 6 months.
	RecentlyMet time.Duration
	// BatchSize is how many peers each member gets; default 5.
	BatchSize int
}

func (c RecommendConfig) withDefaults() RecommendConfig {
	if c.Every <= 0 {
		c.Every = 7 * 24 * time.Hour
	}
	if c.RecentlyMet <= 0 {
		c.RecentlyMet = 182 * 24 * time.Hour
	}
	if c.BatchSize <= 0 {
		c.BatchSize = 5
	}
	return c
}

// population loads what the engine needs: members with profiles, their
// load this month, blocks and recently met pairs.
func (a *API) population(ctx context.Context, now time.Time) ([]match.Person, match.Constraints, error) {
	cons := match.Constraints{Blocked: map[[2]string]bool{}, MetOn: map[[2]string]time.Time{}}
	companies, err := a.store.ListCompanies(ctx)
	if err != nil {
		return nil, cons, err
	}
	profiles, err := a.store.ListProfiles(ctx)
	if err != nil {
		return nil, cons, err
	}
	byMember := make(map[rooms.MemberID]*rooms.Profile, len(profiles))
	for _, p := range profiles {
		byMember[p.MemberID] = p
	}
	load, err := a.loadsAndMet(ctx, now, cons)
	if err != nil {
		return nil, cons, err
	}
	var people []match.Person
	for _, co := range companies {
		if co.Status == rooms.CompanyEnded {
			continue
		}
		members, err := a.store.ListMembersByCompany(ctx, co.ID)
		if err != nil {
			return nil, cons, err
		}
		for _, m := range members {
			if p := byMember[m.ID]; p != nil && m.Role == rooms.RoleMember {
				people = append(people, person(m, p, load[m.ID]))
			}
		}
	}
	blocks, err := a.store.ListBlocks(ctx, "")
	if err != nil {
		return nil, cons, err
	}
	for _, b := range blocks {
		cons.Blocked[pairKey(b.BlockerID, b.BlockedID)] = true
	}
	return people, cons, nil
}

func person(m *rooms.Member, p *rooms.Profile, load int) match.Person {
	return match.Person{ID: string(m.ID), Company: string(m.CompanyID), Industry: p.Industry, Function: p.JobFunction,
		Level: p.JobLevel, Years: p.YearsExperience, AgeBands: p.Children.AgeBands, Themes: p.Themes, Axis: axisOf(p.Themes), Lang: p.Languages,
		InPerson: p.InPerson, Area: p.Area, WorkStyle: p.WorkStyle.Hours + "_" + p.WorkStyle.Remote,
		Capacity: p.Capacity, Load: load, Paused: p.Paused, Joined: m.CreatedAt}
}

// axisOf is what a member's themes are about: life, career, both, or
// "" when they chose none (the engine reads that as both).
func axisOf(themes []string) match.Axis {
	var life, career bool
	for _, id := range themes {
		for _, th := range rooms.Themes {
			if th.ID == id {
				life, career = life || th.Axis == rooms.AxisLife, career || th.Axis == rooms.AxisCareer
			}
		}
	}
	switch {
	case life && career:
		return match.AxisBoth
	case life:
		return match.AxisLife
	case career:
		return match.AxisCareer
	}
	return ""
}

func pairKey(a, b rooms.MemberID) [2]string {
	if a < b {
		return [2]string{string(a), string(b)}
	}
	return [2]string{string(b), string(a)}
}

// loadsAndMet counts this month's booked consultations per member and
// records, per pair, the latest time they met or are booked to meet; the
// engine keeps a pair apart while that is within RecentMonths of now.
func (a *API) loadsAndMet(ctx context.Context, now time.Time, cons match.Constraints) (map[rooms.MemberID]int, error) {
	list, err := a.store.ListConsultationsCreatedBetween(ctx, now.Add(-a.rec.RecentlyMet), now.Add(time.Second))
	if err != nil {
		return nil, err
	}
	month := now.In(tokyo).Format("2006-01")
	load := map[rooms.MemberID]int{}
	for _, c := range list {
		st := c.StatusAt(now)
		if st != rooms.StatusBooked && st != rooms.StatusCompleted {
			continue
		}
		met := c.CreatedAt
		if c.Booked != nil {
			met = c.Booked.Start
		}
		if k := pairKey(c.RequesterID, c.RecipientID); met.After(cons.MetOn[k]) {
			cons.MetOn[k] = met
		}
		if c.Booked != nil && c.Booked.Start.In(tokyo).Format("2006-01") == month {
			load[c.RequesterID]++
			load[c.RecipientID]++
		}
	}
	return load, nil
}

// RecommendAll runs a round: a new batch for every member.
func (a *API) RecommendAll(ctx context.Context) (int, error) {
	now := a.now()
	people, cons, err := a.population(ctx, now)
	if err != nil {
		return 0, err
	}
	cfg := a.matchConfig()
	cfg.ExposureCap, cfg.Seed = 2*a.rec.BatchSize, uint64(now.Unix())
	batches, stats, err := match.RecommendAll(people, cons, cfg, now)
	if err != nil {
		return 0, err
	}
	for id, b := range batches {
		if err := a.store.SaveRecommendation(ctx, recommendation(id, b.Candidates, now)); err != nil {
			return 0, err
		}
		if len(b.Candidates) > 0 {
			a.tellRecommended(ctx, rooms.MemberID(id))
		}
	}
	if stats.Violations > 0 { // the engine's own checker disagrees with it: worth an alarm
		a.log.ErrorContext(ctx, "recommendation round broke hard rules", "violations", stats.Violations)
	}
	a.log.DebugContext(ctx, "recommendation round", "members", len(batches), "exposure_gini", stats.Gini)
	return len(batches), nil
}

// tellRecommended lets a member know her new batch is there.
func (a *API) tellRecommended(ctx context.Context, id rooms.MemberID) {
	m, err := a.store.GetMember(ctx, id)
	if err != nil {
		a.log.WarnContext(ctx, "recommendation notice: loading member", "member_id", id, "err", err)
		return
	}
	mail := rooms.RecommendationsEmail(m, a.publicURL+"/home")
	a.notifier.Notify(ctx, m, rooms.Notice{Event: rooms.EventRecommendations, Path: "/home"}, &mail)
}

// RecommendFor makes a first batch for one member (a new one) at once.
func (a *API) RecommendFor(ctx context.Context, id rooms.MemberID) error {
	now := a.now()
	people, cons, err := a.population(ctx, now)
	if err != nil {
		return err
	}
	b, err := match.RecommendOne(people, string(id), cons, a.matchConfig(), now)
	if err != nil {
		return err
	}
	return a.store.SaveRecommendation(ctx, recommendation(string(id), b.Candidates, now))
}

// matchConfig is the engine's default with this server's batch size and
// recently-met window (in whole months, at least one).
func (a *API) matchConfig() match.Config {
	cfg := match.DefaultConfig()
	cfg.BatchSize = a.rec.BatchSize
	cfg.RecentMonths = max(1, int((a.rec.RecentlyMet+15*24*time.Hour)/(30*24*time.Hour)))
	return cfg
}

func recommendation(id string, b []match.Candidate, now time.Time) *rooms.Recommendation {
	r := &rooms.Recommendation{MemberID: rooms.MemberID(id), MadeAt: now, Candidates: []rooms.Candidate{}}
	for _, c := range b {
		cand := rooms.Candidate{MemberID: rooms.MemberID(c.ID), Score: c.Score}
		for _, rs := range c.Reasons {
			cand.Reasons = append(cand.Reasons, rooms.Reason{Code: rs.Code, Params: rs.Params})
		}
		r.Candidates = append(r.Candidates, cand)
	}
	return r
}

// runRecommendRounds runs a round when the last one is older than the
// cadence (looked at hourly): once per period across replicas, and run
// again by another replica when the one running it dies (a round only
// replaces batches, so a repeat does no harm).
func (a *API) runRecommendRounds(ctx context.Context) {
	period := a.now().Unix() / int64(a.rec.Every.Seconds())
	a.once(ctx, "recommend-round:"+itoa(int(period)), a.rec.Every+24*time.Hour, func(ctx context.Context) error {
		n, err := a.RecommendAll(ctx)
		if err == nil {
			a.log.Info("recommendation round done", "members", n)
		}
		return err
	})
}
