-- Notifications waiting for the end of a member's quiet hours (issue 17):
-- kept here so a restart loses none; deleting one is the claim to send it.
CREATE TABLE held_notices (
	id        TEXT PRIMARY KEY,
	member_id TEXT NOT NULL,
	due       INTEGER NOT NULL,
	doc       TEXT NOT NULL
) STRICT;
CREATE INDEX held_notices_due ON held_notices (due);
CREATE INDEX held_notices_member ON held_notices (member_id);
