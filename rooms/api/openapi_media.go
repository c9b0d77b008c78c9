package api

// The OpenAPI entries of what the media plane's events add (issue 15):
// who is in a video room now, and the roles the room page reads from the
// join answer rather than from participants' own attributes.
func init() {
	live := map[string]any{"type": "boolean", "description": "Someone is in its video room now (from the media plane's events, media.webhook)."}
	rt := schemas["Roundtable"].(map[string]any)["properties"].(map[string]any)
	rt["live_now"] = live
	rt["in_room"] = map[string]any{"type": "integer", "description": "How many people are in its video room now (same source); 0 unless the caller is registered, moderates, speaks or is an operator."}
	cs := schemas["Consultation"].(map[string]any)["properties"].(map[string]any)
	cs["live_now"] = live
	cs["peer_in_room"] = map[string]any{"type": "boolean", "description": "The other person is in the video room now (same source)."}
	jt := schemas["JoinToken"].(map[string]any)["properties"].(map[string]any)
	jt["talk"] = str("Roundtables: small_round or stage.")
	jt["moderators"] = map[string]any{"type": "array", "items": map[string]any{"type": "string"}, "description": "Roundtables: who moderates (member ids)."}
	jt["speakers"] = map[string]any{"type": "array", "items": map[string]any{"type": "string"}, "description": "Roundtables: its guest speakers (member ids)."}
}
