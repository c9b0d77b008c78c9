-- One-time claims, invitations and password resets.
CREATE TABLE claims (
	key        TEXT PRIMARY KEY,
	claimed_at INTEGER NOT NULL
) STRICT;

CREATE TABLE invitations (
	id          TEXT PRIMARY KEY,
	token_hash  TEXT NOT NULL,
	email       TEXT NOT NULL,
	role        TEXT NOT NULL,
	company_id  TEXT NOT NULL DEFAULT '',
	invited_by  TEXT NOT NULL,
	created_at  INTEGER NOT NULL,
	expires_at  INTEGER NOT NULL,
	accepted_at INTEGER NOT NULL DEFAULT 0,
	accepted_by TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE UNIQUE INDEX invitations_token ON invitations (token_hash);
CREATE INDEX invitations_company ON invitations (company_id, created_at);

CREATE TABLE password_resets (
	token_hash TEXT PRIMARY KEY,
	member_id  TEXT NOT NULL,
	created_at INTEGER NOT NULL,
	expires_at INTEGER NOT NULL
) STRICT;
