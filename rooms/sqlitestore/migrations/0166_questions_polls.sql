-- Anonymous questions and quick polls (issue 16). Votes and ballots are
-- rows under a unique key: one each per member, on every store.
CREATE TABLE questions (
	id            TEXT PRIMARY KEY,
	roundtable_id TEXT NOT NULL,
	created_at    INTEGER NOT NULL,
	doc           TEXT NOT NULL
) STRICT;
CREATE INDEX questions_roundtable ON questions (roundtable_id, created_at);

CREATE TABLE question_votes (
	question_id   TEXT NOT NULL,
	member_id     TEXT NOT NULL,
	roundtable_id TEXT NOT NULL,
	PRIMARY KEY (question_id, member_id)
) STRICT;
CREATE INDEX question_votes_roundtable ON question_votes (roundtable_id);

CREATE TABLE polls (
	id            TEXT PRIMARY KEY,
	roundtable_id TEXT NOT NULL,
	created_at    INTEGER NOT NULL,
	doc           TEXT NOT NULL
) STRICT;
CREATE INDEX polls_roundtable ON polls (roundtable_id, created_at);
CREATE INDEX polls_created ON polls (created_at);

CREATE TABLE ballots (
	poll_id   TEXT NOT NULL,
	member_id TEXT NOT NULL,
	doc       TEXT NOT NULL,
	PRIMARY KEY (poll_id, member_id)
) STRICT;
