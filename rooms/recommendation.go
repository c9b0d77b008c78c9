package rooms

import "time"

// Recommendation is one batch of suggested peers for one member, with the
// reasons each was chosen, as the recommendation job made it.
type Recommendation struct {
	MemberID   MemberID    `json:"member_id" bson:"member_id"`
	MadeAt     time.Time   `json:"made_at" bson:"made_at"`
	Candidates []Candidate `json:"candidates" bson:"candidates"`
}

// Candidate is one suggested peer.
type Candidate struct {
	MemberID MemberID `json:"member_id" bson:"member_id"`
	Score    float64  `json:"score" bson:"score"`
	Reasons  []Reason `json:"reasons" bson:"reasons"`
}

// Reason says why a candidate was chosen, in codes the UI translates,
// e.g. {Code: "shared_themes", Params: {"n": "2"}}.
type Reason struct {
	Code   string            `json:"code" bson:"code"`
	Params map[string]string `json:"params,omitempty" bson:"params,omitempty"`
}

// Has reports whether the batch suggests m.
func (r *Recommendation) Has(m MemberID) bool {
	for _, c := range r.Candidates {
		if c.MemberID == m {
			return true
		}
	}
	return false
}
