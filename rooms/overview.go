package rooms

import (
	"slices"
	"strings"
	"time"
)

// attendedPrefix starts the claim that records someone opening a
// roundtable's room: a claim is taken once, whoever comes back how often.
const attendedPrefix = "attended:"

// AttendanceKey is the claim recording that m opened r's room.
func AttendanceKey(r RoundtableID, m MemberID) string {
	return attendedPrefix + string(r) + ":" + string(m)
}

// AttendancePrefix starts every AttendanceKey of r.
func AttendancePrefix(r RoundtableID) string { return attendedPrefix + string(r) + ":" }

// AttendeeOf returns the member an attendance claim of r names.
func AttendeeOf(r RoundtableID, key string) (MemberID, bool) {
	m, ok := strings.CutPrefix(key, AttendancePrefix(r))
	return MemberID(m), ok && m != ""
}

// Overview is what operators run the platform by over a period: exact
// counts (operators see individual activity anyway), never shown to
// company admins.
type Overview struct {
	From          time.Time             `json:"from"`
	To            time.Time             `json:"to"`
	Companies     []CompanyActivity     `json:"companies"`
	Consultations ConsultationActivity  `json:"consultations"`
	Roundtables   RoundtableActivity    `json:"roundtables"`
	Reports       int                   `json:"reports"`  // problem reports in feedback
	NoShows       int                   `json:"no_shows"` // consultations where someone was reported not to come
	ByStatus      map[CompanyStatus]int `json:"companies_by_status"`
}

// CompanyActivity is one company's members and how many took part.
type CompanyActivity struct {
	ID      CompanyID     `json:"id"`
	Name    string        `json:"name"`
	Status  CompanyStatus `json:"status"`
	Members int           `json:"members"` // member accounts (not admins)
	Active  int           `json:"active"`  // members with a consultation or at a roundtable in the period
	Held    int           `json:"consultations_held"`
}

// ConsultationActivity counts consultations in the period, each event in
// the period it happened.
type ConsultationActivity struct {
	Requested int `json:"requested"`
	Held      int `json:"held"`
	Cancelled int `json:"cancelled"`
	Upcoming  int `json:"upcoming"` // booked, starting after the period's end
}

// RoundtableActivity covers the roundtables held (started and not called
// off) in the period.
type RoundtableActivity struct {
	Held     int `json:"held"`
	Seats    int `json:"seats"`    // seats taken at them
	Attended int `json:"attended"` // people who opened their room
}

// OverviewInput is what an Overview is computed from, already loaded.
type OverviewInput struct {
	From, To      time.Time
	Companies     []*Company
	Members       []*Member // every account; only members count
	Consultations []*Consultation
	Feedback      []*Feedback                 // given in the period
	Roundtables   []*Roundtable               // starting in the period
	Seats         map[RoundtableID]int        // seats taken per roundtable
	Attendees     map[RoundtableID][]MemberID // who opened each room
}

// ComputeOverview counts the period's activity, platform-wide and per
// company. A member is active when she requested, received or held a
// consultation, or came to a roundtable, in the period.
func ComputeOverview(in OverviewInput) Overview {
	inPeriod := func(t time.Time) bool { return !t.IsZero() && !t.Before(in.From) && t.Before(in.To) }
	o := Overview{From: in.From, To: in.To, ByStatus: map[CompanyStatus]int{}}
	company := map[MemberID]CompanyID{}
	for _, m := range in.Members {
		if m.Role == RoleMember {
			company[m.ID] = m.CompanyID
		}
	}
	active, held := map[MemberID]bool{}, map[CompanyID]int{}
	for _, c := range in.Consultations {
		o.Consultations.add(c, in.To, inPeriod, active, held)
	}
	for _, r := range in.Roundtables {
		if r.Cancelled || !inPeriod(r.Start) {
			continue
		}
		o.Roundtables.Held++
		o.Roundtables.Seats += in.Seats[r.ID]
		o.Roundtables.Attended += len(in.Attendees[r.ID])
		for _, m := range in.Attendees[r.ID] {
			active[m] = true
		}
	}
	for _, f := range in.Feedback {
		if f.Report != "" && inPeriod(f.CreatedAt) {
			o.Reports++
		}
	}
	for _, c := range in.Consultations {
		if len(c.NoShows) > 0 && c.Booked != nil && inPeriod(c.Booked.Start) {
			o.NoShows++
		}
	}
	o.Companies = companyActivity(in.Companies, company, active, held)
	for _, co := range in.Companies {
		o.ByStatus[co.Status]++
	}
	return o
}

// add counts c's events that fall in the period and marks who took part.
func (a *ConsultationActivity) add(c *Consultation, end time.Time, inPeriod func(time.Time) bool, active map[MemberID]bool, held map[CompanyID]int) {
	took := func() { active[c.RequesterID], active[c.RecipientID] = true, true }
	if inPeriod(c.CreatedAt) {
		a.Requested++
		took()
	}
	switch st := c.StatusAt(end); {
	case st == StatusCompleted && inPeriod(c.Booked.End()):
		a.Held++
		took()
		held[c.RequesterCompany]++
		if c.RecipientCompany != c.RequesterCompany {
			held[c.RecipientCompany]++
		}
	case st == StatusCancelled && inPeriod(c.CancelTime()):
		a.Cancelled++
	case st == StatusBooked && c.Booked != nil && !c.Booked.Start.Before(end):
		a.Upcoming++
	}
}

func companyActivity(cos []*Company, company map[MemberID]CompanyID, active map[MemberID]bool, held map[CompanyID]int) []CompanyActivity {
	members, act := map[CompanyID]int{}, map[CompanyID]int{}
	for m, co := range company {
		members[co]++
		if active[m] {
			act[co]++
		}
	}
	out := make([]CompanyActivity, 0, len(cos))
	for _, co := range cos {
		out = append(out, CompanyActivity{ID: co.ID, Name: co.Name, Status: co.Status, Members: members[co.ID], Active: act[co.ID], Held: held[co.ID]})
	}
	// Most active first, so the companies that use it and those that do
	// not stand out at a glance.
	slices.SortStableFunc(out, func(a, b CompanyActivity) int { return b.Active - a.Active })
	return out
}
