package sqlitestore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/zadankai/zadankai/rooms"
)

// Moving a deployment (issue 15): rooms.Bulk over this store's tables.

var _ rooms.Bulk = (*Store)(nil)

type scanner = interface{ Scan(dest ...any) error }

// bulkTable is where one kind's records live and how one is read and
// written: read lists the columns scan takes, cols those row gives.
type bulkTable struct {
	table, key, read, cols string
	unique                 string // the field a ConflictError names
	where                  string // which rows move, when not all
	scan                   func(scanner) (rooms.Record, error)
	row                    func(rooms.Record) ([]any, error)
	// fill completes a page after it is read; seat writes what goes
	// with a record written (a roundtable's registrations).
	fill func(ctx context.Context, q querier, page []rooms.Record) error
	seat func(ctx context.Context, tx *sql.Tx, r rooms.Record) error
}

// unmovedTables are left behind by a move, each for its reason; every
// other table belongs to a kind (a test holds the list to the schema).
var unmovedTables = map[string]string{
	"schema_migrations": "each store's own schema bookkeeping",
	"registrations":     "moved with their roundtable (rooms.SeatedRoundtable)",
	"list_stamp":        "each store's own: its triggers raise it on every import",
	// Attendance it led to is in claims, which move.
	"room_presence": "who is in a media room now: rebuilt from the media plane's events as people come and go; a copy would be stale",
}

var bulkTables = map[rooms.Kind]*bulkTable{
	rooms.KindCompanies: {table: "companies", key: "id", read: companyCols, cols: companyCols,
		scan: scanAs(scanCompany), row: rowOf(rooms.KindCompanies, func(c *rooms.Company) []any {
			return []any{c.ID, c.Name, c.Status, millis(c.CreatedAt), millis(c.UpdatedAt), c.Version}
		})},
	rooms.KindMembers: {table: "members", key: "id", read: memberCols, cols: memberCols, unique: "email",
		scan: scanAs(scanMember), row: rowOf(rooms.KindMembers, func(m *rooms.Member) []any {
			return []any{m.ID, m.CompanyID, m.Email, m.DisplayName, m.Role, m.Moderator, m.Locale, m.TimeZone,
				m.PasswordHash, millis(m.CreatedAt), millis(m.UpdatedAt), m.Version}
		})},
	rooms.KindSessions: {table: "sessions", key: "id", read: sessionCols, cols: sessionCols,
		scan: scanAs(scanSession), row: rowOf(rooms.KindSessions, func(se *rooms.Session) []any {
			return []any{se.ID, se.MemberID, se.CSRFToken, se.UserAgent, millis(se.CreatedAt), millis(se.ExpiresAt)}
		})},
	rooms.KindPasswordResets: {table: "password_resets", key: "token_hash", read: resetCols, cols: resetCols,
		scan: scanAs(scanReset), row: rowOf(rooms.KindPasswordResets, func(r *rooms.PasswordReset) []any {
			return []any{r.TokenHash, r.MemberID, millis(r.CreatedAt), millis(r.ExpiresAt)}
		})},
	rooms.KindInvitations: {table: "invitations", key: "id", read: invitationCols, cols: invitationCols, unique: "token",
		scan: scanAs(scanInvitation), row: rowOf(rooms.KindInvitations, func(iv *rooms.Invitation) []any {
			return []any{iv.ID, iv.TokenHash, iv.Email, iv.Role, iv.CompanyID, iv.InvitedBy, millis(iv.CreatedAt),
				millis(iv.ExpiresAt), millisOrZero(iv.AcceptedAt), iv.AcceptedBy, millisOrZero(iv.RevokedAt)}
		})},
	rooms.KindClaims: {table: "claims", key: "key", read: claimCols, cols: claimCols,
		scan: scanAs(scanClaim), row: rowOf(rooms.KindClaims, func(c *rooms.Claim) []any {
			return []any{c.Key, millis(c.At), c.Owner, c.Token}
		})},
	rooms.KindProfiles: docTable[rooms.Profile](rooms.KindProfiles, "profiles", "member_id", "member_id, version, doc",
		func(p *rooms.Profile) []any { return []any{p.MemberID, p.Version} }),
	rooms.KindAvailability: docTable[rooms.Availability](rooms.KindAvailability, "availability", "member_id", "member_id, version, doc",
		func(a *rooms.Availability) []any { return []any{a.MemberID, a.Version} }),
	rooms.KindPhotos: {table: "photos", key: "member_id", read: "member_id, data, updated_at", cols: "member_id, data, updated_at",
		scan: scanAs(scanPhoto), row: rowOf(rooms.KindPhotos, func(p *rooms.Photo) []any {
			return []any{p.MemberID, p.JPEG, millis(p.UpdatedAt)}
		})},
	rooms.KindConsultations: docTable[rooms.Consultation](rooms.KindConsultations, "consultations", "id",
		"id, requester_id, recipient_id, status, booked_start, created_at, version, doc", func(c *rooms.Consultation) []any {
			return []any{c.ID, c.RequesterID, c.RecipientID, c.Status, bookedStart(c), millis(c.CreatedAt), c.Version}
		}),
	rooms.KindBlocks: {table: "blocks", key: "blocker_id, blocked_id", read: blockCols, cols: blockCols,
		scan: scanAs(scanBlock), row: rowOf(rooms.KindBlocks, func(b *rooms.Block) []any {
			return []any{b.BlockerID, b.BlockedID, millis(b.CreatedAt)}
		})},
	rooms.KindFeedback: docTable[rooms.Feedback](rooms.KindFeedback, "feedback", "consultation_id, author_id",
		"consultation_id, author_id, created_at, doc", func(f *rooms.Feedback) []any {
			return []any{f.ConsultationID, f.AuthorID, millis(f.CreatedAt)}
		}),
	rooms.KindRecommendations: docTable[rooms.Recommendation](rooms.KindRecommendations, "recommendations", "member_id",
		"member_id, made_at, doc", func(r *rooms.Recommendation) []any { return []any{r.MemberID, millis(r.MadeAt)} }),
	rooms.KindRoundtables: {table: "roundtables", key: "id", read: "doc", cols: "id, start_at, version, doc",
		scan: scanAs(func(row scanner) (*rooms.SeatedRoundtable, error) {
			r, err := scanDoc[rooms.Roundtable](row)
			return &rooms.SeatedRoundtable{Roundtable: r}, err
		}),
		row: rowOf(rooms.KindRoundtables, func(r *rooms.SeatedRoundtable) []any {
			return []any{r.Roundtable.ID, millis(r.Roundtable.Start), r.Roundtable.Version, doc{r.Roundtable}}
		}),
		fill: fillSeats, seat: writeSeats},
	rooms.KindAudit: docTable[rooms.AuditEntry](rooms.KindAudit, "audit", "id", "id, roundtable_id, at, doc",
		func(e *rooms.AuditEntry) []any { return []any{e.ID, e.RoundtableID, millis(e.At)} }),
	rooms.KindRoundtableFeedback: docTable[rooms.RoundtableFeedback](rooms.KindRoundtableFeedback, "roundtable_feedback",
		"roundtable_id, author_id", "roundtable_id, author_id, created_at, doc", func(f *rooms.RoundtableFeedback) []any {
			return []any{f.RoundtableID, f.AuthorID, millis(f.CreatedAt)}
		}),
	rooms.KindPublishedStats: {table: "published_stats", key: "company_id, month", read: "company_id, doc",
		cols: "company_id, month, published_at, doc",
		scan: scanAs(func(row scanner) (*rooms.PublishedStats, error) {
			var p rooms.PublishedStats
			var doc string
			if err := row.Scan(&p.Company, &doc); err != nil {
				return nil, err
			}
			return &p, json.Unmarshal([]byte(doc), &p.Stats)
		}),
		// When the figures were first published is not kept by the
		// domain (nor by MongoDB): the move stamps its own time.
		row: rowOf(rooms.KindPublishedStats, func(p *rooms.PublishedStats) []any {
			return []any{p.Company, p.Stats.Month, millis(time.Now()), doc{p.Stats}}
		})},
	rooms.KindPushSubscriptions: unique("endpoint", docTable[rooms.PushSubscription](rooms.KindPushSubscriptions, "push_subscriptions", "id",
		"id, member_id, endpoint, created_at, doc", func(p *rooms.PushSubscription) []any {
			return []any{p.ID, p.MemberID, p.Endpoint, millis(p.CreatedAt)}
		})),
	rooms.KindNoticePrefs: docTable[rooms.NoticePrefs](rooms.KindNoticePrefs, "notice_prefs", "member_id", "member_id, version, doc",
		func(p *rooms.NoticePrefs) []any { return []any{p.MemberID, p.Version} }),
	rooms.KindVAPIDKeys: docTable[rooms.VAPIDKeys](rooms.KindVAPIDKeys, "vapid_keys", "id", "id, doc",
		func(*rooms.VAPIDKeys) []any { return []any{1} }),
	rooms.KindHeldNotices: docTable[rooms.HeldNotice](rooms.KindHeldNotices, "held_notices", "id", "id, member_id, due, doc",
		func(h *rooms.HeldNotice) []any { return []any{h.ID, h.MemberID, millis(h.Due)} }),
	rooms.KindLeases: {table: "leases", key: "key", read: leaseCols, cols: leaseCols, where: "done = 1",
		scan: scanAs(scanLease), row: rowOf(rooms.KindLeases, func(l *rooms.Lease) []any {
			return []any{l.Key, l.Holder, l.Value, millis(l.Until), l.Done}
		})},
	rooms.KindQuestions: docTable[rooms.Question](rooms.KindQuestions, "questions", "id", "id, roundtable_id, created_at, doc",
		func(q *rooms.Question) []any { return []any{q.ID, q.RoundtableID, millis(q.CreatedAt)} }),
	rooms.KindQuestionVotes: {table: "question_votes", key: "question_id, member_id", read: voteCols, cols: voteCols,
		scan: scanAs(func(row scanner) (*rooms.QuestionVote, error) {
			var v rooms.QuestionVote
			return &v, row.Scan(&v.QuestionID, &v.MemberID, &v.RoundtableID)
		}),
		row: rowOf(rooms.KindQuestionVotes, func(v *rooms.QuestionVote) []any {
			return []any{v.QuestionID, v.MemberID, v.RoundtableID}
		})},
	rooms.KindPolls: docTable[rooms.Poll](rooms.KindPolls, "polls", "id", "id, roundtable_id, created_at, doc",
		func(p *rooms.Poll) []any { return []any{p.ID, p.RoundtableID, millis(p.CreatedAt)} }),
	rooms.KindBallots: docTable[rooms.Ballot](rooms.KindBallots, "ballots", "poll_id, member_id", "poll_id, member_id, doc",
		func(b *rooms.Ballot) []any { return []any{b.PollID, b.MemberID} }),
}

const voteCols = "question_id, member_id, roundtable_id"

func unique(field string, t *bulkTable) *bulkTable { t.unique = field; return t }

// docTable is the bulkTable of a kind stored as a JSON document beside
// the columns its queries use: keys gives those, the document comes last.
func docTable[T any, P interface {
	*T
	rooms.Record
}](kind rooms.Kind, table, key, cols string, keys func(P) []any) *bulkTable {
	return &bulkTable{table: table, key: key, read: "doc", cols: cols,
		scan: scanAs(func(row scanner) (P, error) { v, err := scanDoc[T](row); return P(v), err }),
		row:  rowOf(kind, func(r P) []any { return append(keys(r), doc{r}) })}
}

func scanDoc[T any](row scanner) (*T, error) {
	var d string
	if err := row.Scan(&d); err != nil {
		return nil, err
	}
	v := new(T)
	return v, json.Unmarshal([]byte(d), v)
}

// doc marks a value a row stores as a JSON document; rowOf encodes it.
type doc struct{ v any }

func scanAs[T rooms.Record](scan func(scanner) (T, error)) func(scanner) (rooms.Record, error) {
	return func(row scanner) (rooms.Record, error) { return scan(row) }
}

// rowOf turns row, the column values of one T, into the row writer of
// kind: it checks the record's type and encodes its documents.
func rowOf[T rooms.Record](kind rooms.Kind, row func(T) []any) func(rooms.Record) ([]any, error) {
	return func(r rooms.Record) ([]any, error) {
		v, err := rooms.RecordAs[T](kind, r)
		if err != nil {
			return nil, err
		}
		vals := row(v)
		for i, x := range vals {
			if d, ok := x.(doc); ok {
				b, err := json.Marshal(d.v)
				if err != nil {
					return nil, fmt.Errorf("sqlitestore: encoding %s %s: %w", kind, r.RecordKey(), err)
				}
				vals[i] = string(b)
			}
		}
		return vals, nil
	}
}

func millisOrZero(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return millis(t)
}

func scanPhoto(row scanner) (*rooms.Photo, error) {
	var p rooms.Photo
	var at int64
	if err := row.Scan(&p.MemberID, &p.JPEG, &at); err != nil {
		return nil, err
	}
	p.UpdatedAt = fromMillis(at)
	return &p, nil
}

// ExportRecords implements rooms.Bulk, a page per query (by rowid), so no
// read stays open while fn runs.
func (s *Store) ExportRecords(ctx context.Context, kind rooms.Kind, fn func([]rooms.Record) error) error {
	bt, ok := bulkTables[kind]
	if !ok {
		return rooms.UnknownKind(kind)
	}
	for after := int64(0); ; {
		page, last, err := s.exportPage(ctx, bt, after)
		if err != nil || len(page) == 0 {
			return err
		}
		if bt.fill != nil {
			if err := bt.fill(ctx, s.db, page); err != nil {
				return err
			}
		}
		if err := fn(page); err != nil {
			return err
		}
		after = last
	}
}

// rowidScanner reads the rowid before the columns scan wants.
type rowidScanner struct {
	rows  *sql.Rows
	rowid *int64
}

func (r rowidScanner) Scan(dest ...any) error { return r.rows.Scan(append([]any{r.rowid}, dest...)...) }

func (s *Store) exportPage(ctx context.Context, bt *bulkTable, after int64) ([]rooms.Record, int64, error) {
	where := "rowid > ?"
	if bt.where != "" {
		where += " AND " + bt.where
	}
	rows, err := s.db.QueryContext(ctx, `SELECT rowid, `+bt.read+` FROM `+bt.table+` WHERE `+where+` ORDER BY rowid LIMIT ?`, after, rooms.BulkPage)
	if err != nil {
		return nil, 0, mapErr(err, "")
	}
	defer rows.Close()
	var page []rooms.Record
	for rows.Next() {
		r, err := bt.scan(rowidScanner{rows: rows, rowid: &after})
		if err != nil {
			return nil, 0, mapErr(err, "")
		}
		page = append(page, r)
	}
	return page, after, mapErr(rows.Err(), "")
}

// ImportRecords implements rooms.Bulk in one transaction: on an error
// nothing of recs is written.
func (s *Store) ImportRecords(ctx context.Context, kind rooms.Kind, recs []rooms.Record, replace bool) (int, error) {
	bt, ok := bulkTables[kind]
	if !ok {
		return 0, rooms.UnknownKind(kind)
	}
	written := 0
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		stmt := bt.insert(replace)
		for _, r := range recs {
			vals, err := bt.row(r)
			if err != nil {
				return err
			}
			res, err := tx.ExecContext(ctx, stmt, vals...)
			if err != nil {
				return mapErr(err, bt.unique)
			}
			if n, err := res.RowsAffected(); err != nil || n == 0 {
				continue // stored already and not to be replaced
			}
			if bt.seat != nil {
				if err := bt.seat(ctx, tx, r); err != nil {
					return err
				}
			}
			written++
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	return written, nil
}

// insert is the statement that writes one record: a stored key is left
// alone, or overwritten when replace is set.
func (bt *bulkTable) insert(replace bool) string {
	cols, key := columns(bt.cols), columns(bt.key)
	marks := strings.TrimSuffix(strings.Repeat("?, ", len(cols)), ", ")
	q := `INSERT INTO ` + bt.table + ` (` + bt.cols + `) VALUES (` + marks + `) ON CONFLICT (` + bt.key + `) DO `
	if !replace {
		return q + `NOTHING`
	}
	var set []string
	for _, c := range cols {
		if !slices.Contains(key, c) {
			set = append(set, c+` = excluded.`+c)
		}
	}
	return q + `UPDATE SET ` + strings.Join(set, ", ")
}

func columns(list string) []string {
	cols := strings.Split(list, ",")
	for i := range cols {
		cols[i] = strings.TrimSpace(cols[i])
	}
	return cols
}

// fillSeats reads the registrations of a page of roundtables.
func fillSeats(ctx context.Context, q querier, page []rooms.Record) error {
	for _, r := range page {
		sr := r.(*rooms.SeatedRoundtable)
		regs, err := queryDocs[rooms.Registration](ctx, q, `SELECT doc FROM registrations WHERE roundtable_id = ? ORDER BY queued_at, member_id`, sr.Roundtable.ID)
		if err != nil {
			return err
		}
		sr.Registrations = regs
	}
	return nil
}

// writeSeats makes a roundtable's registrations exactly those of r, and
// its seat counts theirs (CountSeats reads them).
func writeSeats(ctx context.Context, tx *sql.Tx, r rooms.Record) error {
	sr := r.(*rooms.SeatedRoundtable)
	if _, err := tx.ExecContext(ctx, `DELETE FROM registrations WHERE roundtable_id = ?`, sr.Roundtable.ID); err != nil {
		return mapErr(err, "")
	}
	seated, waiting := (&rooms.Seating{Regs: sr.Registrations}).Counts()
	if _, err := tx.ExecContext(ctx, `UPDATE roundtables SET seated = ?, waiting = ? WHERE id = ?`, seated, waiting, sr.Roundtable.ID); err != nil {
		return mapErr(err, "")
	}
	for _, reg := range sr.Registrations {
		d, err := json.Marshal(reg)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO registrations (roundtable_id, member_id, queued_at, version, doc) VALUES (?, ?, ?, ?, ?)`,
			sr.Roundtable.ID, reg.MemberID, millis(reg.QueuedAt), reg.Version, string(d))
		if err != nil {
			return mapErr(err, "")
		}
	}
	return nil
}
