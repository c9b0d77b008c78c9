-- Roundtables and their registrations (documents with query columns).
CREATE TABLE roundtables (
	id       TEXT PRIMARY KEY,
	start_at INTEGER NOT NULL,
	version  INTEGER NOT NULL,
	doc      TEXT NOT NULL
) STRICT;
CREATE INDEX roundtables_start ON roundtables (start_at);

CREATE TABLE registrations (
	roundtable_id TEXT NOT NULL,
	member_id     TEXT NOT NULL,
	queued_at     INTEGER NOT NULL,
	version       INTEGER NOT NULL,
	doc           TEXT NOT NULL,
	PRIMARY KEY (roundtable_id, member_id)
) STRICT;
CREATE INDEX registrations_member ON registrations (member_id);
