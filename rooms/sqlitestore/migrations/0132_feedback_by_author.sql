-- A member's data export lists the feedback she gave.
CREATE INDEX feedback_author ON feedback (author_id, created_at);
CREATE INDEX roundtable_feedback_author ON roundtable_feedback (author_id, created_at);
