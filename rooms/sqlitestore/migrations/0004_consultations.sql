-- Consultations are JSON documents with the columns their queries use.
CREATE TABLE consultations (
	id           TEXT PRIMARY KEY,
	requester_id TEXT NOT NULL,
	recipient_id TEXT NOT NULL,
	status       TEXT NOT NULL,
	booked_start INTEGER NOT NULL DEFAULT 0, -- unix ms; 0 while not booked
	created_at   INTEGER NOT NULL,
	version      INTEGER NOT NULL,
	doc          TEXT NOT NULL
) STRICT;
CREATE INDEX consultations_requester ON consultations (requester_id, created_at);
CREATE INDEX consultations_recipient ON consultations (recipient_id, created_at);
CREATE INDEX consultations_booked ON consultations (status, booked_start);
CREATE INDEX consultations_created ON consultations (created_at);

CREATE TABLE blocks (
	blocker_id TEXT NOT NULL,
	blocked_id TEXT NOT NULL,
	created_at INTEGER NOT NULL,
	PRIMARY KEY (blocker_id, blocked_id)
) STRICT;
CREATE INDEX blocks_blocked ON blocks (blocked_id);

CREATE TABLE feedback (
	consultation_id TEXT NOT NULL,
	author_id       TEXT NOT NULL,
	created_at      INTEGER NOT NULL,
	doc             TEXT NOT NULL,
	PRIMARY KEY (consultation_id, author_id)
) STRICT;
CREATE INDEX feedback_created ON feedback (created_at);

CREATE TABLE recommendations (
	member_id TEXT PRIMARY KEY,
	made_at   INTEGER NOT NULL,
	doc       TEXT NOT NULL
) STRICT;
