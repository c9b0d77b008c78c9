-- Profiles and availability are documents (JSON) read whole; photos are
-- small JPEG blobs kept apart so profile reads stay light.
CREATE TABLE profiles (
	member_id TEXT PRIMARY KEY,
	version   INTEGER NOT NULL,
	doc       TEXT NOT NULL
) STRICT;

CREATE TABLE availability (
	member_id TEXT PRIMARY KEY,
	version   INTEGER NOT NULL,
	doc       TEXT NOT NULL
) STRICT;

CREATE TABLE photos (
	member_id  TEXT PRIMARY KEY,
	data       BLOB NOT NULL,
	updated_at INTEGER NOT NULL
) STRICT;
