-- Leases (issue 15): a job run, a media room's node, a server's presence,
-- held by one of several servers until a time. Numbered apart from other
-- branches' migrations.
CREATE TABLE leases (
	key    TEXT PRIMARY KEY,
	holder TEXT NOT NULL,
	value  TEXT NOT NULL DEFAULT '',
	until  INTEGER NOT NULL, -- unix milliseconds
	done   INTEGER NOT NULL DEFAULT 0
);
