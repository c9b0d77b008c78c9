-- Companies, accounts and login sessions: the first collections the server needs.
CREATE TABLE companies (
	id         TEXT PRIMARY KEY,
	name       TEXT NOT NULL,
	status     TEXT NOT NULL,
	created_at INTEGER NOT NULL, -- unix milliseconds, UTC
	updated_at INTEGER NOT NULL,
	version    INTEGER NOT NULL
) STRICT;
CREATE INDEX companies_name ON companies (name);

CREATE TABLE members (
	id            TEXT PRIMARY KEY,
	company_id    TEXT NOT NULL DEFAULT '',
	email         TEXT NOT NULL,
	display_name  TEXT NOT NULL,
	role          TEXT NOT NULL,
	moderator     INTEGER NOT NULL DEFAULT 0,
	locale        TEXT NOT NULL,
	time_zone     TEXT NOT NULL,
	password_hash TEXT NOT NULL DEFAULT '',
	created_at    INTEGER NOT NULL,
	updated_at    INTEGER NOT NULL,
	version       INTEGER NOT NULL
) STRICT;
CREATE UNIQUE INDEX members_email ON members (email);
CREATE INDEX members_company ON members (company_id, created_at);

CREATE TABLE sessions (
	id         TEXT PRIMARY KEY,
	member_id  TEXT NOT NULL,
	csrf_token TEXT NOT NULL,
	user_agent TEXT NOT NULL DEFAULT '',
	created_at INTEGER NOT NULL,
	expires_at INTEGER NOT NULL
) STRICT;
CREATE INDEX sessions_member ON sessions (member_id);
CREATE INDEX sessions_expires ON sessions (expires_at);
