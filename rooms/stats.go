package rooms

import "time"

// MinGroup is the smallest number of people a shown figure may be built
// from: below it, figures are suppressed so no individual can be inferred.
const MinGroup = 5

// Figure is a count or average that may be suppressed.
type Figure struct {
	Value      *float64 `json:"value"`      // nil when suppressed
	Suppressed bool     `json:"suppressed"` // built from fewer than MinGroup people
}

func figure(v float64, people int) Figure {
	if people < MinGroup {
		return Figure{Suppressed: true}
	}
	return Figure{Value: &v}
}

// MonthStats are one company's (or the platform's) figures for a month.
type MonthStats struct {
	Month                  string `json:"month"` // YYYY-MM
	MembersInvited         Figure `json:"members_invited"`
	MembersActive          Figure `json:"members_active"` // requested or received a consultation
	ConsultationsRequested Figure `json:"consultations_requested"`
	ConsultationsHeld      Figure `json:"consultations_held"`
	ConsultationsCancelled Figure `json:"consultations_cancelled"`
	AverageRating          Figure `json:"average_rating"`
}

// StatsInput is what the figures are computed from, already loaded.
type StatsInput struct {
	Company       CompanyID // empty = the whole platform
	Invitations   []*Invitation
	Consultations []*Consultation
	Feedback      []*Feedback
	Now           time.Time
	Location      *time.Location
}

// MonthlyStats computes figures per month for the months listed
// ("YYYY-MM"), counting a consultation for a company when either party
// belongs to it. Every figure is suppressed when fewer than MinGroup
// distinct people stand behind it.
func MonthlyStats(in StatsInput, months []string) []MonthStats {
	out := make([]MonthStats, 0, len(months))
	for _, month := range months {
		out = append(out, monthStats(in, month))
	}
	return out
}

func monthStats(in StatsInput, month string) MonthStats {
	inMonth := func(t time.Time) bool { return t.In(in.Location).Format("2006-01") == month }
	invited := map[string]bool{}
	for _, iv := range in.Invitations {
		if inMonth(iv.CreatedAt) && (in.Company == "" || iv.CompanyID == in.Company) {
			invited[iv.Email] = true
		}
	}
	active, requesters, held, cancelled := map[MemberID]bool{}, map[MemberID]bool{}, map[MemberID]bool{}, map[MemberID]bool{}
	var nReq, nHeld, nCancelled int
	for _, c := range in.Consultations {
		mine := in.Company == "" || c.RequesterCompany == in.Company || c.RecipientCompany == in.Company
		if !mine || !inMonth(c.CreatedAt) {
			continue
		}
		ours := func(set map[MemberID]bool) {
			if in.Company == "" || c.RequesterCompany == in.Company {
				set[c.RequesterID] = true
			}
			if in.Company == "" || c.RecipientCompany == in.Company {
				set[c.RecipientID] = true
			}
		}
		ours(active)
		nReq++
		requesters[c.RequesterID] = true
		switch c.StatusAt(in.Now) {
		case StatusCompleted:
			nHeld++
			ours(held)
		case StatusCancelled:
			nCancelled++
			ours(cancelled)
		}
	}
	raters, sum := map[MemberID]bool{}, 0
	var nRatings int
	for _, f := range in.Feedback {
		if inMonth(f.CreatedAt) && (in.Company == "" || f.AuthorCompany == in.Company) {
			raters[f.AuthorID] = true
			sum += f.Rating
			nRatings++
		}
	}
	avg := 0.0
	if nRatings > 0 {
		avg = float64(sum) / float64(nRatings)
	}
	return MonthStats{Month: month,
		MembersInvited: figure(float64(len(invited)), len(invited)), MembersActive: figure(float64(len(active)), len(active)),
		ConsultationsRequested: figure(float64(nReq), len(active)), ConsultationsHeld: figure(float64(nHeld), len(held)),
		ConsultationsCancelled: figure(float64(nCancelled), len(cancelled)), AverageRating: figure(avg, len(raters))}
}

// LastMonths lists the n months up to and including now's, oldest first.
func LastMonths(now time.Time, loc *time.Location, n int) []string {
	first := time.Date(now.In(loc).Year(), now.In(loc).Month(), 1, 0, 0, 0, 0, loc)
	out := make([]string, n)
	for i := range n {
		out[i] = first.AddDate(0, i-n+1, 0).Format("2006-01")
	}
	return out
}
