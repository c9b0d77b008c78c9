-- Moderation audit log: append-only.
CREATE TABLE audit (
	id            TEXT PRIMARY KEY,
	roundtable_id TEXT NOT NULL,
	at            INTEGER NOT NULL,
	doc           TEXT NOT NULL
) STRICT;
CREATE INDEX audit_roundtable ON audit (roundtable_id, at);
CREATE INDEX audit_at ON audit (at);
