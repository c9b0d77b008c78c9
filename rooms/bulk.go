package rooms

import (
	"context"
	"fmt"
	"time"
)

// Moving a deployment from one store to another (issue 15): every record
// of every kind read and written whole, ids, versions and times kept.

// Kind names one collection of records, the same on every store.
type Kind string

// The kinds a deployment is moved by, in the order they are copied.
// Sessions and password-reset links move too (stored as hashes of their
// secrets), so that nobody is logged out or loses a link by a move.
const (
	KindCompanies          Kind = "companies"
	KindMembers            Kind = "members"
	KindSessions           Kind = "sessions"
	KindPasswordResets     Kind = "password_resets"
	KindInvitations        Kind = "invitations"
	KindClaims             Kind = "claims"
	KindProfiles           Kind = "profiles"
	KindAvailability       Kind = "availability"
	KindPhotos             Kind = "photos"
	KindConsultations      Kind = "consultations"
	KindBlocks             Kind = "blocks"
	KindFeedback           Kind = "feedback"
	KindRecommendations    Kind = "recommendations"
	KindRoundtables        Kind = "roundtables" // with their registrations
	KindAudit              Kind = "audit"
	KindRoundtableFeedback Kind = "roundtable_feedback"
	KindPublishedStats     Kind = "published_stats"
	// Notifications (issue 17): devices, preferences, the server's push
	// keys (subscriptions are tied to them) and notices held overnight.
	KindPushSubscriptions Kind = "push_subscriptions"
	KindNoticePrefs       Kind = "notice_prefs"
	KindVAPIDKeys         Kind = "vapid_keys"
	KindHeldNotices       Kind = "held_notices"
	// Only done leases move: they keep a finished job (a reminder) from
	// running again. Live ones are the running servers' (renewed every
	// few seconds, so a copy would differ at once) and run out by themselves.
	KindLeases Kind = "leases"
	// Questions and quick polls (issue 16): questions keep their author
	// (operators act on abuse reports by it) and state; votes and
	// ballots stay one per member on the target.
	KindQuestions     Kind = "questions"
	KindQuestionVotes Kind = "question_votes"
	KindPolls         Kind = "polls"
	KindBallots       Kind = "ballots"
)

// Kinds lists every kind, in copying order.
var Kinds = []Kind{KindCompanies, KindMembers, KindSessions, KindPasswordResets, KindInvitations, KindClaims, KindProfiles, KindAvailability,
	KindPhotos, KindConsultations, KindBlocks, KindFeedback, KindRecommendations, KindRoundtables, KindAudit,
	KindRoundtableFeedback, KindPublishedStats, KindPushSubscriptions, KindNoticePrefs, KindVAPIDKeys, KindHeldNotices, KindLeases,
	KindQuestions, KindQuestionVotes, KindPolls, KindBallots}

// BulkPage is the most records ExportRecords hands over at once.
const BulkPage = 256

// Record is one stored record of some Kind; its key is unique within the
// kind and the same on every store.
type Record interface {
	RecordKey() string
}

// Bulk is what moving a deployment needs of a store. Both stores
// implement it beside rooms.Store and pass storetest's bulk suite.
type Bulk interface {
	// ExportRecords calls fn with every record of kind (of leases, the
	// done ones), in pages of at
	// most BulkPage, each record once. Times are in UTC. fn must not
	// write to this store. An unknown kind is ErrInvalid.
	ExportRecords(ctx context.Context, kind Kind, fn func([]Record) error) error
	// ImportRecords writes recs, all of kind, as they are: ids, versions
	// and times kept. A record whose key is stored already is left alone,
	// or overwritten when replace is set; it returns how many it wrote.
	// A record taking another's unique value (a member's email) is a
	// ConflictError; a record not of kind is ErrInvalid. Records before
	// the failing one may be written.
	ImportRecords(ctx context.Context, kind Kind, recs []Record, replace bool) (written int, err error)
}

// Photo is a member's stored photo, as moved between stores.
type Photo struct {
	MemberID  MemberID  `json:"member_id"`
	JPEG      []byte    `json:"jpeg"`
	UpdatedAt time.Time `json:"updated_at"`
}

// SeatedRoundtable is a roundtable with its registrations in queue order,
// as moved between stores: seats and the capacity they obey go together.
type SeatedRoundtable struct {
	Roundtable    *Roundtable     `json:"roundtable"`
	Registrations []*Registration `json:"registrations"`
}

// PublishedStats are the published figures of one month of one company
// (empty: the platform), as moved between stores.
type PublishedStats struct {
	Company CompanyID   `json:"company_id"`
	Stats   *MonthStats `json:"stats"`
}

// RecordKey implements Record.
func (c *Company) RecordKey() string { return string(c.ID) }

// RecordKey implements Record.
func (m *Member) RecordKey() string { return string(m.ID) }

// RecordKey implements Record.
func (s *Session) RecordKey() string { return string(s.ID) }

// RecordKey implements Record.
func (r *PasswordReset) RecordKey() string { return r.TokenHash }

// RecordKey implements Record.
func (iv *Invitation) RecordKey() string { return string(iv.ID) }

// RecordKey implements Record.
func (c *Claim) RecordKey() string { return c.Key }

// RecordKey implements Record.
func (p *Profile) RecordKey() string { return string(p.MemberID) }

// RecordKey implements Record.
func (a *Availability) RecordKey() string { return string(a.MemberID) }

// RecordKey implements Record.
func (p *Photo) RecordKey() string { return string(p.MemberID) }

// RecordKey implements Record.
func (c *Consultation) RecordKey() string { return string(c.ID) }

// RecordKey implements Record.
func (b *Block) RecordKey() string { return string(b.BlockerID) + ":" + string(b.BlockedID) }

// RecordKey implements Record.
func (f *Feedback) RecordKey() string { return string(f.ConsultationID) + ":" + string(f.AuthorID) }

// RecordKey implements Record.
func (r *Recommendation) RecordKey() string { return string(r.MemberID) }

// RecordKey implements Record.
func (r *SeatedRoundtable) RecordKey() string { return string(r.Roundtable.ID) }

// RecordKey implements Record.
func (e *AuditEntry) RecordKey() string { return e.ID }

// RecordKey implements Record.
func (f *RoundtableFeedback) RecordKey() string {
	return string(f.RoundtableID) + ":" + string(f.AuthorID)
}

// RecordKey implements Record.
func (p *PublishedStats) RecordKey() string { return string(p.Company) + "/" + p.Stats.Month }

// RecordKey implements Record.
func (l *Lease) RecordKey() string { return l.Key }

// RecordAs returns r as a T, or ErrInvalid naming kind when it is not one:
// the stores' importers check each record with it.
func RecordAs[T Record](kind Kind, r Record) (T, error) {
	v, ok := r.(T)
	if !ok {
		var zero T
		return zero, &ValidationError{Field: string(kind), Code: "wrong_record",
			Message: fmt.Sprintf("a %T is not a record of %s", r, kind)}
	}
	return v, nil
}

// UnknownKind is the error of a kind a store does not hold.
func UnknownKind(kind Kind) error {
	return &ValidationError{Field: "kind", Code: "unknown_kind", Message: fmt.Sprintf("no records of kind %q", kind)}
}
