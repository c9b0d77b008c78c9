package api

// The OpenAPI entries of a roundtable's breakout groups (issue 16), kept
// apart so parallel work never edits the same lines.
func init() {
	operations = append(operations, breakoutOperations...)
	for k, v := range breakoutSchemas {
		schemas[k] = v
	}
	for i := range operations {
		if operations[i].id == "joinRoundtable" {
			operations[i].summary += " While breakout groups are open, the token is for the caller's group's room (?group=main for the main room; " +
				"moderators and guest speakers may name any group with ?group=<id>, others only their own: 403 not_in_group; 409 breakout_closed)."
		}
	}
	jt := schemas["JoinToken"].(map[string]any)["properties"].(map[string]any)
	jt["group"] = str(`Roundtables: the group whose room the token opens, or "main".`)
	jt["breakout"] = ref("Breakout")
}

var breakoutOperations = []operation{
	{method: "GET", path: "/api/v1/roundtables/{id}/breakout", id: "getBreakout",
		summary: "The breakout groups: open or not, the round, when they end, the server's clock, the last broadcast, the caller's group and who is in each (ids and display names only). For whoever may join the room, and its organisers.",
		session: true, status: 200, result: "Breakout", errors: []int{401, 403, 404}},
	{method: "POST", path: "/api/v1/roundtables/{id}/breakout/plan", id: "planBreakout",
		summary: "Propose groups of about size for the people in the main room now (not those in the lobby; moderators and guest speakers only if in include), mixed: different companies first, then industries, then children's age bands; sizes differ by at most one. Nothing is stored (moderators).",
		session: true, body: "BreakoutPlanRequest", status: 200, result: "BreakoutPlan", errors: []int{400, 401, 403, 404, 409, 415, 422, 503}},
	{method: "POST", path: "/api/v1/roundtables/{id}/breakout/open", id: "openBreakout",
		summary: "Open groups for seconds (30-3600): each a media room of its own; everyone named must take part and not be removed, once; 2-50 groups, none empty. 409 breakout_open while groups are open. Sends data topic breakout to the main room (moderators; audited).",
		session: true, body: "BreakoutOpenRequest", status: 200, result: "Breakout", errors: []int{400, 401, 403, 404, 409, 415, 422}},
	{method: "POST", path: "/api/v1/roundtables/{id}/breakout/move", id: "moveBreakout",
		summary: `Move a person to another group ("main": out of every group) while groups are open (moderators; audited).`,
		session: true, body: "BreakoutMoveRequest", status: 200, result: "Breakout", errors: []int{400, 401, 403, 404, 409, 415, 422}},
	{method: "POST", path: "/api/v1/roundtables/{id}/breakout/broadcast", id: "broadcastBreakout",
		summary: "Show a short message (1-200 characters) in every group (moderators; audited without its text).",
		session: true, body: "BreakoutBroadcastRequest", status: 200, result: "Breakout", errors: []int{400, 401, 403, 404, 409, 415, 422}},
	{method: "POST", path: "/api/v1/roundtables/{id}/breakout/extend", id: "extendBreakout",
		summary: "Give the open groups seconds (30-3600) more (moderators; audited).",
		session: true, body: "BreakoutExtendRequest", status: 200, result: "Breakout", errors: []int{400, 401, 403, 404, 409, 415, 422}},
	{method: "POST", path: "/api/v1/roundtables/{id}/breakout/close", id: "closeBreakout",
		summary: "Call everyone back to the main room; sends data topic breakout to every group's room and the main room (moderators; audited).",
		session: true, status: 200, result: "Breakout", errors: []int{401, 403, 404, 409}},
}

var (
	breakoutName   = obj(map[string]any{"id": str("mb_…"), "display_name": str("")}, "id", "display_name")
	breakoutNames  = map[string]any{"type": "array", "items": breakoutName}
	breakoutIDList = map[string]any{"type": "array", "items": str("mb_…")}
	breakoutSecs   = map[string]any{"type": "integer", "minimum": 30, "maximum": 3600}
)

var breakoutSchemas = map[string]any{
	"Breakout": obj(map[string]any{"open": boolean, "round": rtInt, "ends_at": dateTime,
		"now":   map[string]any{"type": "string", "format": "date-time", "description": "The server's clock, for the countdown."},
		"speak": boolean, "message": str("The last broadcast."), "message_at": dateTime,
		"my_group": str(`The caller's group id, "" for none; absent from the data messages (topic breakout), which carry this same state.`),
		"groups":   map[string]any{"type": "array", "items": obj(map[string]any{"id": str(`"1", "2", …`), "members": breakoutNames}, "id", "members")}},
		"open", "round", "now", "speak", "message", "groups"),
	"BreakoutPlanRequest": obj(map[string]any{"size": map[string]any{"type": "integer", "minimum": 2, "maximum": 6},
		"include": breakoutIDList}, "size"),
	"BreakoutPlan": obj(map[string]any{"groups": map[string]any{"type": "array", "items": breakoutNames}}, "groups"),
	"BreakoutOpenRequest": obj(map[string]any{"groups": map[string]any{"type": "array", "minItems": 2, "maxItems": 50,
		"items": breakoutIDList}, "seconds": breakoutSecs,
		"speak": map[string]any{"type": "boolean", "description": "Stage roundtables: the audience may publish in the groups."}},
		"groups", "seconds"),
	"BreakoutMoveRequest":      obj(map[string]any{"member_id": str(""), "group": str(`A group's id, or "main".`)}, "member_id", "group"),
	"BreakoutBroadcastRequest": obj(map[string]any{"message": map[string]any{"type": "string", "maxLength": 200}}, "message"),
	"BreakoutExtendRequest":    obj(map[string]any{"seconds": breakoutSecs}, "seconds"),
}
