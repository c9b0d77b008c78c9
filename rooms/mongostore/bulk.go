package mongostore

import (
	"context"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/zadankai/zadankai/rooms"
)

// Moving a deployment (issue 15): rooms.Bulk over this store's
// collections. Every kind's _id is its rooms.Record key.

var _ rooms.Bulk = (*Store)(nil)

// bulkColl is the collection of one kind and how one record is decoded
// from and encoded to its document.
type bulkColl struct {
	coll   string
	unique string // the field a ConflictError names
	filter bson.D // which documents move, when not all
	decode func(cur *mongo.Cursor) (rooms.Record, error)
	encode func(r rooms.Record) (any, error)
	// index writes what lets a record be found from elsewhere (a
	// member's registrations), before the record itself.
	index func(ctx context.Context, s *Store, r rooms.Record) error
}

// collOf is the bulkColl of a kind whose documents are Ds.
func collOf[D any, R rooms.Record](kind rooms.Kind, coll string, toRecord func(*D) R, toDoc func(R) D) *bulkColl {
	return &bulkColl{coll: coll,
		decode: func(cur *mongo.Cursor) (rooms.Record, error) {
			var d D
			if err := cur.Decode(&d); err != nil {
				return nil, err
			}
			return toRecord(&d), nil
		},
		encode: func(r rooms.Record) (any, error) {
			v, err := rooms.RecordAs[R](kind, r)
			if err != nil {
				return nil, err
			}
			return toDoc(v), nil
		}}
}

// onlyDone moves only done leases (see rooms.KindLeases).
func onlyDone(c *bulkColl) *bulkColl {
	c.filter = bson.D{{Key: "done", Value: true}}
	return c
}

// deref is collOf's encoding of kinds stored as the domain type itself.
func deref[T any](v *T) T { return *v }

var bulkColls = map[rooms.Kind]*bulkColl{
	rooms.KindCompanies: collOf(rooms.KindCompanies, "companies", (*companyDoc).domain, func(c *rooms.Company) companyDoc {
		return companyDoc{ID: string(c.ID), Name: c.Name, Status: string(c.Status), CreatedAt: c.CreatedAt, UpdatedAt: c.UpdatedAt, Version: c.Version}
	}),
	rooms.KindMembers: unique("email", collOf(rooms.KindMembers, "members", (*memberDoc).domain, func(m *rooms.Member) memberDoc {
		return memberDoc{ID: string(m.ID), CompanyID: string(m.CompanyID), Email: m.Email, DisplayName: m.DisplayName,
			Role: string(m.Role), Moderator: m.Moderator, Locale: m.Locale, TimeZone: m.TimeZone, PasswordHash: m.PasswordHash,
			CreatedAt: m.CreatedAt, UpdatedAt: m.UpdatedAt, Version: m.Version}
	})),
	rooms.KindSessions: collOf(rooms.KindSessions, "sessions", (*sessionDoc).domain, func(se *rooms.Session) sessionDoc {
		return sessionDoc{ID: string(se.ID), MemberID: string(se.MemberID), CSRFToken: se.CSRFToken, UserAgent: se.UserAgent,
			CreatedAt: se.CreatedAt, ExpiresAt: se.ExpiresAt}
	}),
	rooms.KindPasswordResets: collOf(rooms.KindPasswordResets, "password_resets", (*resetDoc).domain, func(r *rooms.PasswordReset) resetDoc {
		return resetDoc{TokenHash: r.TokenHash, MemberID: string(r.MemberID), CreatedAt: r.CreatedAt, ExpiresAt: r.ExpiresAt}
	}),
	rooms.KindInvitations: unique("token", collOf(rooms.KindInvitations, "invitations", (*invitationDoc).domain, func(iv *rooms.Invitation) invitationDoc {
		return invitationDoc{ID: string(iv.ID), TokenHash: iv.TokenHash, Email: iv.Email, Role: string(iv.Role),
			CompanyID: string(iv.CompanyID), InvitedBy: string(iv.InvitedBy), CreatedAt: iv.CreatedAt, ExpiresAt: iv.ExpiresAt,
			AcceptedAt: iv.AcceptedAt, AcceptedBy: string(iv.AcceptedBy), RevokedAt: iv.RevokedAt}
	})),
	rooms.KindClaims: collOf(rooms.KindClaims, "claims", func(d *claimDoc) *rooms.Claim {
		return &rooms.Claim{Key: d.Key, At: d.ClaimedAt.UTC(), Owner: rooms.ConsultationID(d.Owner), Token: d.Token}
	}, func(c *rooms.Claim) claimDoc {
		d := claimDoc{Key: c.Key, ClaimedAt: c.At, Owner: string(c.Owner), Token: c.Token}
		if c.Owner != "" {
			// A moved claim was taken before any write of its owner on
			// this store, so any version below the owner's current one
			// (at least 2 once booked) lets its next move free it.
			d.OwnerVersion = 1
		}
		return d
	}),
	rooms.KindProfiles: collOf(rooms.KindProfiles, "profiles", func(p *rooms.Profile) *rooms.Profile {
		p.UpdatedAt = p.UpdatedAt.UTC()
		return p
	}, deref[rooms.Profile]),
	rooms.KindAvailability: collOf(rooms.KindAvailability, "availability", func(a *rooms.Availability) *rooms.Availability {
		a.UpdatedAt = a.UpdatedAt.UTC()
		return a
	}, deref[rooms.Availability]),
	rooms.KindPhotos: collOf(rooms.KindPhotos, "photos", func(d *photoDoc) *rooms.Photo {
		return &rooms.Photo{MemberID: rooms.MemberID(d.ID), JPEG: d.Data, UpdatedAt: d.UpdatedAt.UTC()}
	}, func(p *rooms.Photo) photoDoc {
		return photoDoc{ID: string(p.MemberID), Data: p.JPEG, UpdatedAt: p.UpdatedAt}
	}),
	rooms.KindConsultations: collOf(rooms.KindConsultations, "consultations", utcConsultation, deref[rooms.Consultation]),
	rooms.KindBlocks: collOf(rooms.KindBlocks, "blocks", func(d *blockDoc) *rooms.Block {
		d.CreatedAt = d.CreatedAt.UTC()
		return &d.Block
	}, func(b *rooms.Block) blockDoc { return blockDoc{ID: b.RecordKey(), Block: *b} }),
	rooms.KindFeedback: collOf(rooms.KindFeedback, "feedback", func(d *feedbackDoc) *rooms.Feedback {
		d.CreatedAt = d.CreatedAt.UTC()
		return &d.Feedback
	}, func(f *rooms.Feedback) feedbackDoc { return feedbackDoc{ID: f.RecordKey(), Feedback: *f} }),
	rooms.KindRecommendations: collOf(rooms.KindRecommendations, "recommendations", func(d *recommendationDoc) *rooms.Recommendation {
		d.MadeAt = d.MadeAt.UTC()
		return &d.Recommendation
	}, func(r *rooms.Recommendation) recommendationDoc {
		return recommendationDoc{ID: r.RecordKey(), Recommendation: *r}
	}),
	rooms.KindRoundtables: seatIndex(collOf(rooms.KindRoundtables, "roundtables", seatedRoundtable, func(r *rooms.SeatedRoundtable) roundtableDoc {
		regs := r.Registrations
		if regs == nil {
			regs = []*rooms.Registration{} // as CreateRoundtable writes it
		}
		seated, waiting := (&rooms.Seating{Regs: regs}).Counts()
		return roundtableDoc{Roundtable: *r.Roundtable, Regs: regs, Seated: seated, Waiting: waiting}
	})),
	rooms.KindAudit: collOf(rooms.KindAudit, "audit", func(e *rooms.AuditEntry) *rooms.AuditEntry {
		e.At = e.At.UTC()
		return e
	}, deref[rooms.AuditEntry]),
	rooms.KindRoundtableFeedback: collOf(rooms.KindRoundtableFeedback, "roundtable_feedback", func(d *roundtableFeedbackDoc) *rooms.RoundtableFeedback {
		d.CreatedAt = d.CreatedAt.UTC()
		return &d.RoundtableFeedback
	}, func(f *rooms.RoundtableFeedback) roundtableFeedbackDoc {
		return roundtableFeedbackDoc{ID: f.RecordKey(), RoundtableFeedback: *f}
	}),
	rooms.KindPublishedStats: collOf(rooms.KindPublishedStats, "published_stats", func(d *publishedDoc) *rooms.PublishedStats {
		return &rooms.PublishedStats{Company: d.Company, Stats: &d.MonthStats}
	}, func(p *rooms.PublishedStats) publishedDoc {
		return publishedDoc{ID: p.RecordKey(), Company: p.Company, MonthStats: *p.Stats}
	}),
	rooms.KindPushSubscriptions: unique("endpoint", collOf(rooms.KindPushSubscriptions, "push_subscriptions", func(p *rooms.PushSubscription) *rooms.PushSubscription {
		p.CreatedAt = p.CreatedAt.UTC()
		return p
	}, deref[rooms.PushSubscription])),
	rooms.KindNoticePrefs: collOf(rooms.KindNoticePrefs, "notice_prefs", func(p *rooms.NoticePrefs) *rooms.NoticePrefs {
		p.UpdatedAt = p.UpdatedAt.UTC()
		return p
	}, deref[rooms.NoticePrefs]),
	rooms.KindVAPIDKeys: collOf(rooms.KindVAPIDKeys, vapidColl, func(d *vapidDoc) *rooms.VAPIDKeys { return &d.VAPIDKeys },
		func(k *rooms.VAPIDKeys) vapidDoc { return vapidDoc{ID: k.RecordKey(), VAPIDKeys: *k} }),
	rooms.KindHeldNotices: collOf(rooms.KindHeldNotices, "held_notices", func(h *rooms.HeldNotice) *rooms.HeldNotice {
		h.Due = h.Due.UTC()
		return h
	}, deref[rooms.HeldNotice]),
	rooms.KindLeases: onlyDone(collOf(rooms.KindLeases, "leases", (*leaseDoc).lease, func(l *rooms.Lease) leaseDoc {
		return leaseDoc{Key: l.Key, Holder: l.Holder, Value: l.Value, Until: norm(l.Until), Done: l.Done}
	})),
	rooms.KindQuestions: collOf(rooms.KindQuestions, "questions", func(q *rooms.Question) *rooms.Question {
		q.CreatedAt, q.UpdatedAt = q.CreatedAt.UTC(), q.UpdatedAt.UTC()
		return q
	}, deref[rooms.Question]),
	// A vote's time only orders voters, which nobody sees (counts are
	// shown), and SQLite keeps none: a moved vote takes the move's time.
	rooms.KindQuestionVotes: collOf(rooms.KindQuestionVotes, "question_votes", func(d *voteDoc) *rooms.QuestionVote {
		return &rooms.QuestionVote{QuestionID: d.QuestionID, MemberID: d.MemberID, RoundtableID: d.RoundtableID}
	}, func(v *rooms.QuestionVote) voteDoc {
		return voteDoc{ID: v.RecordKey(), QuestionID: v.QuestionID, MemberID: v.MemberID, RoundtableID: v.RoundtableID, At: now()}
	}),
	rooms.KindPolls: collOf(rooms.KindPolls, "polls", func(p *rooms.Poll) *rooms.Poll {
		p.CreatedAt, p.ClosedAt = p.CreatedAt.UTC(), p.ClosedAt.UTC()
		return p
	}, deref[rooms.Poll]),
	rooms.KindBallots: collOf(rooms.KindBallots, "ballots", func(d *ballotDoc) *rooms.Ballot {
		d.CreatedAt = d.CreatedAt.UTC()
		return &d.Ballot
	}, func(b *rooms.Ballot) ballotDoc { return ballotDoc{ID: b.RecordKey(), Ballot: *b} }),
}

func unique(field string, c *bulkColl) *bulkColl { c.unique = field; return c }

// seatedRoundtable is a stored roundtable with its seats in queue order,
// as the SQLite store exports it (none: nil).
func seatedRoundtable(d *roundtableDoc) *rooms.SeatedRoundtable {
	regs := d.Regs
	for _, reg := range regs {
		utcRegistration(reg)
	}
	rooms.SortQueue(regs)
	if len(regs) == 0 {
		regs = nil
	}
	return &rooms.SeatedRoundtable{Roundtable: utcRoundtable(&d.Roundtable), Registrations: regs}
}

// seatIndex adds the registrations' index (see RegisterSeat), written
// before the roundtable so that it names at least every seat.
func seatIndex(c *bulkColl) *bulkColl {
	c.index = func(ctx context.Context, s *Store, r rooms.Record) error {
		sr := r.(*rooms.SeatedRoundtable)
		for _, reg := range sr.Registrations {
			_, err := s.db.Collection("registrations").InsertOne(ctx, registrationIndexDoc{ID: registrationID(sr.Roundtable.ID, reg.MemberID),
				RoundtableID: string(sr.Roundtable.ID), MemberID: string(reg.MemberID)})
			if err != nil && !mongo.IsDuplicateKeyError(err) {
				return mapErr(err, "")
			}
		}
		return nil
	}
	return c
}

// ExportRecords implements rooms.Bulk.
func (s *Store) ExportRecords(ctx context.Context, kind rooms.Kind, fn func([]rooms.Record) error) error {
	bc, ok := bulkColls[kind]
	if !ok {
		return rooms.UnknownKind(kind)
	}
	filter := bc.filter
	if filter == nil {
		filter = bson.D{}
	}
	cur, err := s.db.Collection(bc.coll).Find(ctx, filter, options.Find().SetSort(bson.D{{Key: "_id", Value: 1}}))
	if err != nil {
		return mapErr(err, "")
	}
	defer cur.Close(context.WithoutCancel(ctx))
	page := make([]rooms.Record, 0, rooms.BulkPage)
	for cur.Next(ctx) {
		r, err := bc.decode(cur)
		if err != nil {
			return mapErr(err, "")
		}
		if page = append(page, r); len(page) == rooms.BulkPage {
			if err := fn(page); err != nil {
				return err
			}
			page = make([]rooms.Record, 0, rooms.BulkPage)
		}
	}
	if err := cur.Err(); err != nil {
		return mapErr(err, "")
	}
	if len(page) > 0 {
		return fn(page)
	}
	return nil
}

// ImportRecords implements rooms.Bulk one document at a time (no
// multi-document transactions): a failure leaves the records before it
// written, and a second run completes the rest.
func (s *Store) ImportRecords(ctx context.Context, kind rooms.Kind, recs []rooms.Record, replace bool) (written int, err error) {
	bc, ok := bulkColls[kind]
	if !ok {
		return 0, rooms.UnknownKind(kind)
	}
	// Many kinds show in roundtable lists (seats, names, profiles): a new
	// list stamp once per batch, written or failed.
	defer func() { err = s.touched(ctx, err) }()
	for _, r := range recs {
		doc, err := bc.encode(r)
		if err != nil {
			return written, err
		}
		if bc.index != nil {
			if err := bc.index(ctx, s, r); err != nil {
				return written, err
			}
		}
		wrote, err := s.importOne(ctx, bc, r.RecordKey(), doc, replace)
		if err != nil {
			return written, err
		}
		if wrote {
			written++
		}
	}
	return written, nil
}

func (s *Store) importOne(ctx context.Context, bc *bulkColl, id string, doc any, replace bool) (bool, error) {
	coll := s.db.Collection(bc.coll)
	if replace {
		_, err := coll.ReplaceOne(ctx, bson.D{{Key: "_id", Value: id}}, doc, options.Replace().SetUpsert(true))
		return err == nil, mapErr(err, bc.unique)
	}
	_, err := coll.InsertOne(ctx, doc)
	if err == nil || !mongo.IsDuplicateKeyError(err) {
		return err == nil, mapErr(err, "")
	}
	n, err := coll.CountDocuments(ctx, bson.D{{Key: "_id", Value: id}})
	switch {
	case err != nil:
		return false, mapErr(err, "")
	case n == 0: // another unique key is taken, not this record's
		return false, &rooms.ConflictError{Field: bc.unique}
	}
	return false, nil
}
