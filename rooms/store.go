package rooms

import (
	"context"
	"time"
)

// Store is everything the domain needs from storage, in the domain's terms.
// Implementations: sqlitestore (embedded default) and mongostore
// (production). Both pass the conformance suite in storetest.
//
// Errors: ErrNotFound for a missing record, a *ConflictError (ErrConflict)
// for a taken unique key or a stale Version; nothing is written then.
type Store interface {
	// Ping checks that the store is reachable (readiness).
	Ping(ctx context.Context) error
	// Close releases the store; it is the last call.
	Close(ctx context.Context) error

	// CreateCompany inserts c; c.ID must be set.
	CreateCompany(ctx context.Context, c *Company) error
	// GetCompany returns the company with id.
	GetCompany(ctx context.Context, id CompanyID) (*Company, error)
	// ListCompanies returns all companies ordered by name.
	ListCompanies(ctx context.Context) ([]*Company, error)
	// UpdateCompany writes c if the stored Version equals c.Version, then
	// increments c.Version.
	UpdateCompany(ctx context.Context, c *Company) error

	// CreateMember inserts m; a taken email is a ConflictError{Field:"email"}.
	CreateMember(ctx context.Context, m *Member) error
	// GetMember returns the member with id.
	GetMember(ctx context.Context, id MemberID) (*Member, error)
	// GetMemberByEmail returns the member with the (normalised) email.
	GetMemberByEmail(ctx context.Context, email string) (*Member, error)
	// ListMembersByCompany returns a company's members ordered by creation.
	ListMembersByCompany(ctx context.Context, id CompanyID) ([]*Member, error)
	// CountMembers returns how many accounts exist (for seeding decisions).
	CountMembers(ctx context.Context) (int64, error)
	// UpdateMember writes m if the stored Version equals m.Version, then
	// increments m.Version. Email changes obey uniqueness.
	UpdateMember(ctx context.Context, m *Member) error

	// CreateSession inserts s.
	CreateSession(ctx context.Context, s *Session) error
	// GetSession returns the session with id, expired or not.
	GetSession(ctx context.Context, id SessionID) (*Session, error)
	// DeleteSession removes a session; a missing one is not an error.
	DeleteSession(ctx context.Context, id SessionID) error
	// DeleteExpiredSessions removes sessions that expired before now and
	// returns how many went.
	DeleteExpiredSessions(ctx context.Context, now time.Time) (int64, error)
	// DeleteMemberSessions logs a member out everywhere.
	DeleteMemberSessions(ctx context.Context, id MemberID) error

	// ClaimOnce records key as used; exactly one caller ever succeeds for a
	// key, the others get a ConflictError. One-time links, booked slots and
	// seats are claimed this way (a unique insert works on every store).
	ClaimOnce(ctx context.Context, key string, at time.Time) error

	// CreateInvitation inserts iv.
	CreateInvitation(ctx context.Context, iv *Invitation) error
	// GetInvitationByToken returns the invitation whose TokenHash is hash.
	GetInvitationByToken(ctx context.Context, hash string) (*Invitation, error)
	// ListInvitations returns invitations, newest first; an empty company
	// means all of them.
	ListInvitations(ctx context.Context, company CompanyID) ([]*Invitation, error)
	// MarkInvitationAccepted records who accepted iv and when. Callers claim
	// the invitation with ClaimOnce first; this only records the outcome.
	MarkInvitationAccepted(ctx context.Context, id InvitationID, by MemberID, at time.Time) error

	// CreatePasswordReset inserts r.
	CreatePasswordReset(ctx context.Context, r *PasswordReset) error
	// GetPasswordReset returns the reset whose TokenHash is hash.
	GetPasswordReset(ctx context.Context, hash string) (*PasswordReset, error)

	// GetProfile returns a member's profile (ErrNotFound before the first save).
	GetProfile(ctx context.Context, id MemberID) (*Profile, error)
	// PutProfile creates the profile when p.Version is 0, else replaces it
	// if the stored Version still equals p.Version; then bumps p.Version.
	PutProfile(ctx context.Context, p *Profile) error
	// ListProfiles returns every profile (for the recommendation job).
	ListProfiles(ctx context.Context) ([]*Profile, error)
	// GetAvailability returns a member's availability (ErrNotFound before the first save).
	GetAvailability(ctx context.Context, id MemberID) (*Availability, error)
	// PutAvailability saves a with the same versioning as PutProfile.
	PutAvailability(ctx context.Context, a *Availability) error
	// PutPhoto stores a member's (already resized) JPEG photo.
	PutPhoto(ctx context.Context, id MemberID, jpeg []byte) error
	// GetPhoto returns a member's JPEG photo.
	GetPhoto(ctx context.Context, id MemberID) ([]byte, error)

	// ReleaseClaim frees a key taken with ClaimOnce (a cancelled booking
	// gives its time back); a missing key is not an error.
	ReleaseClaim(ctx context.Context, key string) error

	// CreateConsultation inserts c.
	CreateConsultation(ctx context.Context, c *Consultation) error
	// GetConsultation returns the consultation with id.
	GetConsultation(ctx context.Context, id ConsultationID) (*Consultation, error)
	// UpdateConsultation writes c if the stored Version equals c.Version,
	// then increments c.Version.
	UpdateConsultation(ctx context.Context, c *Consultation) error
	// ListMemberConsultations returns the consultations m takes part in,
	// newest first.
	ListMemberConsultations(ctx context.Context, m MemberID) ([]*Consultation, error)
	// ListBookedBetween returns booked consultations whose slot starts in
	// [from, to), for reminders.
	ListBookedBetween(ctx context.Context, from, to time.Time) ([]*Consultation, error)
	// ListConsultationsCreatedBetween returns consultations created in
	// [from, to), for aggregates and the "recently met" rule.
	ListConsultationsCreatedBetween(ctx context.Context, from, to time.Time) ([]*Consultation, error)

	// CreateBlock records that b.BlockerID blocked b.BlockedID; blocking
	// twice is a ConflictError.
	CreateBlock(ctx context.Context, b *Block) error
	// DeleteBlock lifts a block; a missing one is not an error.
	DeleteBlock(ctx context.Context, blocker, blocked MemberID) error
	// ListBlocks returns the blocks m made or received; an empty m means all.
	ListBlocks(ctx context.Context, m MemberID) ([]*Block, error)

	// CreateFeedback stores f, stamping CreatedAt now unless it is set
	// (demo history is written in the past); a second entry by the same
	// author for the same consultation is a ConflictError.
	CreateFeedback(ctx context.Context, f *Feedback) error
	// ListFeedbackBetween returns feedback created in [from, to).
	ListFeedbackBetween(ctx context.Context, from, to time.Time) ([]*Feedback, error)

	// DeleteMemberData removes what a member told about themselves and
	// their sessions: profile, availability, photo, sessions and current
	// recommendations, push subscriptions, notification preferences and
	// held notifications, and takes her out of everyone else's current
	// recommendations. The account record itself is anonymised separately.
	DeleteMemberData(ctx context.Context, id MemberID) error

	// CreateRoundtable inserts r.
	CreateRoundtable(ctx context.Context, r *Roundtable) error
	// GetRoundtable returns the roundtable with id.
	GetRoundtable(ctx context.Context, id RoundtableID) (*Roundtable, error)
	// UpdateRoundtable writes r if the stored Version equals r.Version.
	// A new capacity goes through Seating.SetCapacity in the same atomic
	// step as the write: below the seats taken it is ErrCapacityLocked;
	// raised, it seats the first people waiting, who are returned in queue
	// order (none when nobody was promoted).
	UpdateRoundtable(ctx context.Context, r *Roundtable) (promoted []*Registration, err error)
	// ListRoundtables returns roundtables starting in [from, to), by start.
	ListRoundtables(ctx context.Context, from, to time.Time) ([]*Roundtable, error)
	// GetRegistration returns m's registration for r.
	GetRegistration(ctx context.Context, r RoundtableID, m MemberID) (*Registration, error)
	// RegisterSeat applies Seating.Register to r's stored capacity and
	// registrations and records the outcome, all in one atomic step (a
	// crash leaves it done or not done); reg is filled with the result.
	// ErrNotFound if the roundtable does not exist.
	RegisterSeat(ctx context.Context, reg *Registration) error
	// WithdrawSeat applies Seating.Withdraw (m gives up her place; a seat
	// passes to the first in the queue) in one atomic step. ErrNotFound if
	// m never registered for r.
	WithdrawSeat(ctx context.Context, r RoundtableID, m MemberID) (was RegistrationStatus, promoted *Registration, err error)
	// ListRegistrations returns r's registrations, in queue order.
	ListRegistrations(ctx context.Context, r RoundtableID) ([]*Registration, error)
	// ListMemberRegistrations returns m's registrations.
	ListMemberRegistrations(ctx context.Context, m MemberID) ([]*Registration, error)

	// AppendAudit records a moderation action.
	AppendAudit(ctx context.Context, e *AuditEntry) error
	// ListAudit returns the audit entries of r (all roundtables when r is
	// empty) at or after since, oldest first.
	ListAudit(ctx context.Context, r RoundtableID, since time.Time) ([]*AuditEntry, error)

	// --- Roundtable feedback and the operators' audit listing (issue 6) ---

	// CreateRoundtableFeedback stores f (CreatedAt is set); a second entry
	// by the same author for the same roundtable is a ConflictError.
	CreateRoundtableFeedback(ctx context.Context, f *RoundtableFeedback) error
	// GetRoundtableFeedback returns what author said about r.
	GetRoundtableFeedback(ctx context.Context, r RoundtableID, author MemberID) (*RoundtableFeedback, error)
	// ListRoundtableFeedback returns feedback created in [from, to), oldest
	// first; a non-empty r keeps only that roundtable's.
	ListRoundtableFeedback(ctx context.Context, r RoundtableID, from, to time.Time) ([]*RoundtableFeedback, error)
	// ListAuditPage returns up to q.Limit audit entries, newest first (by
	// time, then id), after the cursor in q.
	ListAuditPage(ctx context.Context, q AuditQuery) ([]*AuditEntry, error)
	// --- end of issue 6 ---

	// SaveRecommendation replaces m's current batch.
	SaveRecommendation(ctx context.Context, r *Recommendation) error
	// GetRecommendation returns m's current batch.
	GetRecommendation(ctx context.Context, m MemberID) (*Recommendation, error)

	// --- control plane (issue 5, second pass) ---

	// GetInvitation returns the invitation with id.
	GetInvitation(ctx context.Context, id InvitationID) (*Invitation, error)
	// MarkInvitationRevoked records that iv was revoked at at. Callers
	// claim the invitation (Invitation.ClaimKey) first, as accepting does.
	MarkInvitationRevoked(ctx context.Context, id InvitationID, at time.Time) error
	// HasFeedback reports whether author gave feedback on consultation cs.
	HasFeedback(ctx context.Context, cs ConsultationID, author MemberID) (bool, error)

	// --- trust and safety (issue 12) ---

	// DeletePasswordResets removes every reset link of member m (used or
	// not), so that setting a password leaves no other link working; none
	// is not an error.
	DeletePasswordResets(ctx context.Context, m MemberID) error

	// --- published monthly figures (issue 12) ---

	// PublishMonthStats stores s as the figures of month s.Month for
	// company (empty: the platform) unless that month's are stored
	// already, and returns the stored ones: the first publication wins on
	// every store, and published figures never change, so no later action
	// of one person shows as a difference between two reads.
	PublishMonthStats(ctx context.Context, company CompanyID, s *MonthStats) (*MonthStats, error)
	// GetMonthStats returns the published figures of month ("YYYY-MM")
	// for company, or ErrNotFound.
	GetMonthStats(ctx context.Context, company CompanyID, month string) (*MonthStats, error)

	// --- nothing lost, nothing leaked on a crash (issue 12) ---

	// UpdateConsultationTime writes c as UpdateConsultation does and, in
	// the same step, claims the time keys take for c and frees the keys
	// free that c held. A key of take that is held already is a
	// ConflictError{Field: "slot"}; nothing is written then. SQLite does it
	// in one transaction; MongoDB tags each claim with c and this attempt,
	// so a crash between its writes leaves at worst a claim that
	// RepairTimeClaims frees, never one time booked twice.
	UpdateConsultationTime(ctx context.Context, c *Consultation, take, free []string) error
	// ListClaims returns the claims whose key starts with prefix, claimed
	// before before.
	ListClaims(ctx context.Context, prefix string, before time.Time) ([]*Claim, error)
	// ReleaseClaimIf frees c.Key only if it is still the same claim (same
	// token, or for an untagged claim the same time): one taken again
	// meanwhile stays.
	ReleaseClaimIf(ctx context.Context, c *Claim) error
	// ListFeedbackBy returns the feedback author gave on consultations,
	// oldest first (for her data export).
	ListFeedbackBy(ctx context.Context, author MemberID) ([]*Feedback, error)
	// ListRoundtableFeedbackBy returns the feedback author gave on
	// roundtables, oldest first.
	ListRoundtableFeedbackBy(ctx context.Context, author MemberID) ([]*RoundtableFeedback, error)

	// --- the roundtable list in a few reads (issue 13) ---

	// GetMembers returns the members of ids that exist, by id; a missing
	// id is left out, not an error.
	GetMembers(ctx context.Context, ids []MemberID) (map[MemberID]*Member, error)
	// GetProfiles returns the saved profiles of ids, by member.
	GetProfiles(ctx context.Context, ids []MemberID) (map[MemberID]*Profile, error)
	// PhotoOwners returns which of ids have a photo stored.
	PhotoOwners(ctx context.Context, ids []MemberID) (map[MemberID]bool, error)
	// CountSeats returns the seat counts of the roundtables of ids that
	// exist, as their registrations give them. The counts are stored
	// beside the registrations and change in the same atomic step, so
	// counting hundreds of roundtables reads no registration.
	CountSeats(ctx context.Context, ids []RoundtableID) (map[RoundtableID]SeatCount, error)
	// ListStandings returns where m stands (Seating.StandingOf) at every
	// roundtable she registered for, withdrawn ones included.
	ListStandings(ctx context.Context, m MemberID) (map[RoundtableID]Standing, error)
	// ListStamp returns a token that changes with every write that can
	// change what a roundtable list shows (roundtables, seats, accounts,
	// profiles, photos, roundtable feedback), whichever process writes;
	// reads and sessions leave it. Lists built under a token stay true
	// while it does.
	ListStamp(ctx context.Context) (string, error)

	// --- notifications (issue 17) ---

	// SavePushSubscription stores s (CreatedAt is set), first removing any
	// record with the same endpoint: a browser that subscribes again, for
	// this or another account, keeps one record, the newest.
	SavePushSubscription(ctx context.Context, s *PushSubscription) error
	// ListPushSubscriptions returns m's subscriptions, oldest first.
	ListPushSubscriptions(ctx context.Context, m MemberID) ([]*PushSubscription, error)
	// DeletePushSubscription removes m's subscription id; ErrNotFound when
	// m has none with that id (another member's is left alone).
	DeletePushSubscription(ctx context.Context, m MemberID, id PushSubscriptionID) error
	// GetNoticePrefs returns m's notification preferences (ErrNotFound
	// before the first save).
	GetNoticePrefs(ctx context.Context, m MemberID) (*NoticePrefs, error)
	// PutNoticePrefs saves p with the same versioning as PutProfile.
	PutNoticePrefs(ctx context.Context, p *NoticePrefs) error
	// EnsureVAPIDKeys stores k as the server's push keys unless keys are
	// stored already, and returns the stored ones: the first start wins on
	// every store, so replicas and restarts sign with one key.
	EnsureVAPIDKeys(ctx context.Context, k *VAPIDKeys) (*VAPIDKeys, error)
	// HoldNotice keeps h until its Due time (quiet hours).
	HoldNotice(ctx context.Context, h *HeldNotice) error
	// ListDueNotices returns up to limit held notices due at or before
	// before, earliest first.
	ListDueNotices(ctx context.Context, before time.Time, limit int) ([]*HeldNotice, error)
	// TakeHeldNotice removes the held notice id; ErrNotFound when it is
	// gone already. Whoever removes it sends it: exactly one caller wins.
	TakeHeldNotice(ctx context.Context, id string) error

	// --- anonymous questions and quick polls (issue 16) ---

	// CreateQuestion inserts q (CreatedAt and UpdatedAt are set, Voters
	// left empty).
	CreateQuestion(ctx context.Context, q *Question) error
	// GetQuestion returns the question with id, its Voters filled.
	GetQuestion(ctx context.Context, id QuestionID) (*Question, error)
	// ListQuestions returns every question of r, hidden ones included,
	// oldest first, each with its Voters.
	ListQuestions(ctx context.Context, r RoundtableID) ([]*Question, error)
	// ListQuestionsBy returns every question author asked, in any
	// roundtable, oldest first, without Voters (her data export).
	ListQuestionsBy(ctx context.Context, author MemberID) ([]*Question, error)
	// SetQuestionState moves the question to s (UpdatedAt is set).
	SetQuestionState(ctx context.Context, id QuestionID, s QuestionState) error
	// VoteQuestion records m's vote for the question (a unique insert: a
	// second vote is a ConflictError{Field: "vote"}), or with up false
	// takes it back (none is not an error). ErrNotFound if the question
	// does not exist.
	VoteQuestion(ctx context.Context, id QuestionID, m MemberID, up bool) error

	// CreatePoll inserts p (CreatedAt is set).
	CreatePoll(ctx context.Context, p *Poll) error
	// GetPoll returns the poll with id.
	GetPoll(ctx context.Context, id PollID) (*Poll, error)
	// ListPolls returns polls created in [from, to), oldest first; a
	// non-empty r keeps only that roundtable's.
	ListPolls(ctx context.Context, r RoundtableID, from, to time.Time) ([]*Poll, error)
	// ClosePoll closes the poll at at; closing a closed poll keeps its
	// first closing time and is not an error.
	ClosePoll(ctx context.Context, id PollID, at time.Time) error
	// CastBallot stores b (CreatedAt is set); a second ballot by the same
	// member on the same poll is a ConflictError{Field: "ballot"}.
	CastBallot(ctx context.Context, b *Ballot) error
	// ListBallots returns the ballots of poll p.
	ListBallots(ctx context.Context, p PollID) ([]*Ballot, error)

	// --- replicas on one store (issue 15) ---

	// TakeLease gives l.Key to l.Holder, with l's Value, Until and Done,
	// when nobody holds it, its lease ran out at or before now, or
	// l.Holder holds it already and it is not done (a renewal, or marking
	// it done). It returns the lease stored after the call: another
	// holder's live lease, or a done one, comes back unchanged and nothing
	// is written. Of several takers at once exactly one wins.
	TakeLease(ctx context.Context, l *Lease, now time.Time) (*Lease, error)
	// GetLease returns the lease of key, run out or not.
	GetLease(ctx context.Context, key string) (*Lease, error)
	// ReleaseLease removes key's lease if holder holds it; another
	// holder's, or none, is left as it is and is not an error.
	ReleaseLease(ctx context.Context, key, holder string) error
	// ListLeases returns the leases whose key starts with prefix, by key,
	// run out or not.
	ListLeases(ctx context.Context, prefix string) ([]*Lease, error)
	// DeleteLeasesBefore removes the leases that ran out before t and
	// returns how many went.
	DeleteLeasesBefore(ctx context.Context, t time.Time) (int64, error)

	// --- media rooms seen through the media plane's events (issue 15) ---

	// GetRoomPresence returns who is in the media room named room, as its
	// events told it (ErrNotFound before its first event).
	GetRoomPresence(ctx context.Context, room string) (*RoomPresence, error)
	// PutRoomPresence creates p when p.Version is 0, else replaces it if
	// the stored Version still equals p.Version (a ConflictError
	// otherwise, and for a creation that finds one stored); then bumps
	// p.Version.
	PutRoomPresence(ctx context.Context, p *RoomPresence) error
}
