-- Who is in each media room, as the media plane's webhooks tell it: one
-- small document per room, replaced by version (events come at least
-- once and in any order; rooms.RoomPresence makes each count once).
CREATE TABLE room_presence (
	room    TEXT PRIMARY KEY,
	version INTEGER NOT NULL,
	doc     TEXT NOT NULL
) STRICT;
