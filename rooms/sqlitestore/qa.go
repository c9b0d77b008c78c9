package sqlitestore

import (
	"context"
	"database/sql"
	"encoding/json"
	"time"

	"github.com/zadankai/zadankai/rooms"
)

// CreateQuestion implements rooms.Store.
func (s *Store) CreateQuestion(ctx context.Context, q *rooms.Question) error {
	stamp(&q.CreatedAt, &q.UpdatedAt)
	q.Voters = nil
	doc, err := json.Marshal(q)
	if err != nil {
		return err
	}
	_, err = s.db.ExecContext(ctx, `INSERT INTO questions (id, roundtable_id, created_at, doc) VALUES (?, ?, ?, ?)`,
		q.ID, q.RoundtableID, millis(q.CreatedAt), string(doc))
	return mapErr(err, "id")
}

// GetQuestion implements rooms.Store.
func (s *Store) GetQuestion(ctx context.Context, id rooms.QuestionID) (*rooms.Question, error) {
	var doc string
	if err := s.db.QueryRowContext(ctx, `SELECT doc FROM questions WHERE id = ?`, id).Scan(&doc); err != nil {
		return nil, mapErr(err, "")
	}
	var q rooms.Question
	if err := json.Unmarshal([]byte(doc), &q); err != nil {
		return nil, err
	}
	voters, err := s.voters(ctx, `SELECT question_id, member_id FROM question_votes WHERE question_id = ?`, id)
	q.Voters = voters[q.ID]
	return &q, err
}

// ListQuestions implements rooms.Store.
func (s *Store) ListQuestions(ctx context.Context, r rooms.RoundtableID) ([]*rooms.Question, error) {
	list, err := queryDocs[rooms.Question](ctx, s.db, `SELECT doc FROM questions WHERE roundtable_id = ? ORDER BY created_at, id`, r)
	if err != nil {
		return nil, err
	}
	voters, err := s.voters(ctx, `SELECT question_id, member_id FROM question_votes WHERE roundtable_id = ? ORDER BY rowid`, r)
	for _, q := range list {
		q.Voters = voters[q.ID]
	}
	return list, err
}

// ListQuestionsBy implements rooms.Store. It scans: only a member's data
// export asks, rarely, and an index for it would be paid on every question.
func (s *Store) ListQuestionsBy(ctx context.Context, author rooms.MemberID) ([]*rooms.Question, error) {
	return queryDocs[rooms.Question](ctx, s.db, `SELECT doc FROM questions WHERE json_extract(doc, '$.author_id') = ? ORDER BY created_at, id`, author)
}

// voters reads (question, member) rows into voters per question.
func (s *Store) voters(ctx context.Context, query string, arg any) (map[rooms.QuestionID][]rooms.MemberID, error) {
	rows, err := s.db.QueryContext(ctx, query, arg)
	if err != nil {
		return nil, mapErr(err, "")
	}
	defer rows.Close()
	out := map[rooms.QuestionID][]rooms.MemberID{}
	for rows.Next() {
		var q rooms.QuestionID
		var m rooms.MemberID
		if err := rows.Scan(&q, &m); err != nil {
			return nil, mapErr(err, "")
		}
		out[q] = append(out[q], m)
	}
	return out, mapErr(rows.Err(), "")
}

// SetQuestionState implements rooms.Store.
func (s *Store) SetQuestionState(ctx context.Context, id rooms.QuestionID, st rooms.QuestionState) error {
	res, err := s.db.ExecContext(ctx, `UPDATE questions SET doc = json_set(doc, '$.state', ?, '$.updated_at', ?) WHERE id = ?`,
		string(st), time.Now().UTC().Truncate(time.Millisecond).Format(time.RFC3339Nano), id)
	return affectedOne(res, err)
}

// VoteQuestion implements rooms.Store: a vote is a row under the unique
// key (question, member).
func (s *Store) VoteQuestion(ctx context.Context, id rooms.QuestionID, m rooms.MemberID, up bool) error {
	var r rooms.RoundtableID
	if err := s.db.QueryRowContext(ctx, `SELECT roundtable_id FROM questions WHERE id = ?`, id).Scan(&r); err != nil {
		return mapErr(err, "")
	}
	if !up {
		_, err := s.db.ExecContext(ctx, `DELETE FROM question_votes WHERE question_id = ? AND member_id = ?`, id, m)
		return mapErr(err, "")
	}
	_, err := s.db.ExecContext(ctx, `INSERT INTO question_votes (question_id, member_id, roundtable_id) VALUES (?, ?, ?)`, id, m, r)
	return mapErr(err, "vote")
}

// CreatePoll implements rooms.Store.
func (s *Store) CreatePoll(ctx context.Context, p *rooms.Poll) error {
	p.CreatedAt = time.Now().UTC().Truncate(time.Millisecond)
	doc, err := json.Marshal(p)
	if err != nil {
		return err
	}
	_, err = s.db.ExecContext(ctx, `INSERT INTO polls (id, roundtable_id, created_at, doc) VALUES (?, ?, ?, ?)`,
		p.ID, p.RoundtableID, millis(p.CreatedAt), string(doc))
	return mapErr(err, "id")
}

// GetPoll implements rooms.Store.
func (s *Store) GetPoll(ctx context.Context, id rooms.PollID) (*rooms.Poll, error) {
	var doc string
	if err := s.db.QueryRowContext(ctx, `SELECT doc FROM polls WHERE id = ?`, id).Scan(&doc); err != nil {
		return nil, mapErr(err, "")
	}
	var p rooms.Poll
	return &p, json.Unmarshal([]byte(doc), &p)
}

// ListPolls implements rooms.Store.
func (s *Store) ListPolls(ctx context.Context, r rooms.RoundtableID, from, to time.Time) ([]*rooms.Poll, error) {
	q, args := `SELECT doc FROM polls WHERE created_at >= ? AND created_at < ? ORDER BY created_at, id`, []any{millis(from), millis(to)}
	if r != "" {
		q = `SELECT doc FROM polls WHERE roundtable_id = ? AND created_at >= ? AND created_at < ? ORDER BY created_at, id`
		args = append([]any{r}, args...)
	}
	return queryDocs[rooms.Poll](ctx, s.db, q, args...)
}

// ClosePoll implements rooms.Store.
func (s *Store) ClosePoll(ctx context.Context, id rooms.PollID, at time.Time) error {
	res, err := s.db.ExecContext(ctx, `UPDATE polls SET doc = json_set(doc, '$.closed', json('true'), '$.closed_at', ?)
		WHERE id = ? AND json_extract(doc, '$.closed') = 0`, at.UTC().Truncate(time.Millisecond).Format(time.RFC3339Nano), id)
	if err != nil {
		return mapErr(err, "")
	}
	if n, _ := res.RowsAffected(); n == 0 {
		_, err = s.GetPoll(ctx, id) // closed already, or missing
	}
	return err
}

// CastBallot implements rooms.Store.
func (s *Store) CastBallot(ctx context.Context, b *rooms.Ballot) error {
	b.CreatedAt = time.Now().UTC().Truncate(time.Millisecond)
	doc, err := json.Marshal(b)
	if err != nil {
		return err
	}
	_, err = s.db.ExecContext(ctx, `INSERT INTO ballots (poll_id, member_id, doc) VALUES (?, ?, ?)`, b.PollID, b.MemberID, string(doc))
	return mapErr(err, "ballot")
}

// ListBallots implements rooms.Store.
func (s *Store) ListBallots(ctx context.Context, p rooms.PollID) ([]*rooms.Ballot, error) {
	return queryDocs[rooms.Ballot](ctx, s.db, `SELECT doc FROM ballots WHERE poll_id = ? ORDER BY rowid`, p)
}

// affectedOne is ErrNotFound when an update by id touched no row.
func affectedOne(res sql.Result, err error) error {
	if err != nil {
		return mapErr(err, "")
	}
	if n, err := res.RowsAffected(); err != nil {
		return mapErr(err, "")
	} else if n == 0 {
		return rooms.ErrNotFound
	}
	return nil
}
