-- Web Push (issue 17): one row per subscribed browser (the endpoint is
-- unique), notification preferences as a document per member, and the
-- server's VAPID key pair, stored once (the first start wins).
CREATE TABLE push_subscriptions (
	id         TEXT PRIMARY KEY,
	member_id  TEXT NOT NULL,
	endpoint   TEXT NOT NULL UNIQUE,
	created_at INTEGER NOT NULL,
	doc        TEXT NOT NULL
) STRICT;
CREATE INDEX push_subscriptions_member ON push_subscriptions (member_id, created_at);

CREATE TABLE notice_prefs (
	member_id TEXT PRIMARY KEY,
	version   INTEGER NOT NULL,
	doc       TEXT NOT NULL
) STRICT;

CREATE TABLE vapid_keys (
	id  INTEGER PRIMARY KEY CHECK (id = 1),
	doc TEXT NOT NULL
) STRICT;
