package rooms

import (
	"math"
	"time"
)

// MinGroup is the smallest number of people a shown figure may be built
// from: below it, figures are suppressed so no individual can be inferred.
const MinGroup = 5

// Figure is a count or average that may be suppressed.
type Figure struct {
	Value      *float64 `json:"value" bson:"value"`           // nil when suppressed
	Suppressed bool     `json:"suppressed" bson:"suppressed"` // built from fewer than MinGroup people
}

func figure(v float64, people int, exact bool) Figure {
	if people < MinGroup && !exact {
		return Figure{Suppressed: true}
	}
	return Figure{Value: &v}
}

// MonthStats are one company's (or the platform's) figures for a month.
// Each event counts in the month it happened (Japan time): a request when
// made, a consultation when held, a cancellation when cancelled, a rating
// when given. So once a month is over nothing that happens later belongs
// to it, and its figures can be published for good (Store.PublishMonthStats).
type MonthStats struct {
	Month                  string `json:"month" bson:"month"`                   // YYYY-MM
	MembersJoined          Figure `json:"members_joined" bson:"members_joined"` // members whose invitation was accepted in the month
	MembersActive          Figure `json:"members_active" bson:"members_active"` // requested or received a consultation
	ConsultationsRequested Figure `json:"consultations_requested" bson:"consultations_requested"`
	ConsultationsHeld      Figure `json:"consultations_held" bson:"consultations_held"`
	ConsultationsCancelled Figure `json:"consultations_cancelled" bson:"consultations_cancelled"`
	AverageRating          Figure `json:"average_rating" bson:"average_rating"` // to one decimal
}

// StatsInput is what the figures are computed from, already loaded.
type StatsInput struct {
	Company       CompanyID // empty = the whole platform
	Invitations   []*Invitation
	Consultations []*Consultation
	Feedback      []*Feedback
	Now           time.Time
	Location      *time.Location
	// Exact turns suppression off: operators run the platform and read
	// feedback by name anyway; company admins never get exact figures.
	Exact bool
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
	inMonth := func(t time.Time) bool { return !t.IsZero() && t.In(in.Location).Format("2006-01") == month }
	// Accounts made in the month, members only: the admin's own account,
	// invitations still open and revoked ones are not people who joined.
	joined := map[MemberID]bool{}
	for _, iv := range in.Invitations {
		if iv.Role == RoleMember && inMonth(iv.AcceptedAt) && (in.Company == "" || iv.CompanyID == in.Company) {
			joined[iv.AcceptedBy] = true
		}
	}
	active, held, cancelled := map[MemberID]bool{}, map[MemberID]bool{}, map[MemberID]bool{}
	var nReq, nHeld, nCancelled int
	for _, c := range in.Consultations {
		if in.Company != "" && c.RequesterCompany != in.Company && c.RecipientCompany != in.Company {
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
		if inMonth(c.CreatedAt) {
			nReq++
			ours(active)
		}
		switch st := c.StatusAt(in.Now); {
		case st == StatusCompleted && inMonth(c.Booked.End()):
			nHeld++
			ours(held)
		case st == StatusCancelled && inMonth(c.CancelTime()):
			nCancelled++
			ours(cancelled)
		}
	}
	avg, raters := averageRating(in, inMonth)
	fig := func(v float64, people int) Figure { return figure(v, people, in.Exact) }
	return MonthStats{Month: month,
		MembersJoined: fig(float64(len(joined)), len(joined)), MembersActive: fig(float64(len(active)), len(active)),
		ConsultationsRequested: fig(float64(nReq), len(active)), ConsultationsHeld: fig(float64(nHeld), len(held)),
		ConsultationsCancelled: fig(float64(nCancelled), len(cancelled)), AverageRating: ratingFigure(avg, raters, in.Exact)}
}

// ratingFigure is fig for the average rating, except that with no rating
// at all there is no average to show, not a zero.
func ratingFigure(avg float64, raters int, exact bool) Figure {
	if raters == 0 && exact {
		return Figure{}
	}
	return figure(avg, raters, exact)
}

// averageRating is the mean rating given in the month, to one decimal
// (exact averages such as 3.6666666666666665 tell more than anyone needs),
// and how many people gave one.
func averageRating(in StatsInput, inMonth func(time.Time) bool) (float64, int) {
	raters, sum, n := map[MemberID]bool{}, 0, 0
	for _, f := range in.Feedback {
		if inMonth(f.CreatedAt) && (in.Company == "" || f.AuthorCompany == in.Company) {
			raters[f.AuthorID] = true
			sum += f.Rating
			n++
		}
	}
	if n == 0 {
		return 0, 0
	}
	return math.Round(float64(sum)/float64(n)*10) / 10, len(raters)
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

// ClosedMonths lists the n months before now's, oldest first: the months
// whose figures are final.
func ClosedMonths(now time.Time, loc *time.Location, n int) []string {
	return LastMonths(now, loc, n+1)[:n]
}
