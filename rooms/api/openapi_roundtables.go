package api

// The OpenAPI entries of roundtable feedback, calendar files, the
// organisers' people list and the operators' audit listing (issue 6).
// They live apart from openapi.go so that parallel work on the control
// plane and on roundtables never edits the same lines; init adds them to
// the one document.
func init() {
	operations = append(operations, roundtableOperations...)
	for k, v := range roundtableSchemas {
		schemas[k] = v
	}
	for i := range operations {
		switch operations[i].id {
		case "registerRoundtable": // moderators and speakers need no seat: 409 already_in
			operations[i].errors = append(operations[i].errors, 409)
		case "listRegistrations":
			operations[i].result = "RegistrationList"
		case "listAudit":
			operations[i].result = "AuditList"
		}
	}
	// Fields the roundtable view gained with feedback and the waitlist position.
	props := schemas["Roundtable"].(map[string]any)["properties"].(map[string]any)
	props["my_position"] = map[string]any{"type": "integer", "description": "Place on the waitlist (1 = next), or 0."}
	props["ended"] = boolean
	props["feedback_open"] = map[string]any{"type": "boolean", "description": "The caller took part, it has ended, no feedback yet."}
	props["feedback_given"] = boolean
}

var roundtableOperations = []operation{
	{method: "POST", path: "/api/v1/roundtables/{id}/feedback", id: "createRoundtableFeedback",
		summary: "Rate a roundtable once after it ended (people who had a seat, speakers, moderators); text is seen by operators only.",
		session: true, body: "RoundtableFeedback", status: 201, errors: []int{400, 401, 403, 404, 409, 415, 422}},
	{method: "GET", path: "/api/v1/roundtables/{id}/feedback", id: "listRoundtableFeedback",
		summary: "A roundtable's feedback with text and its figures (operators only).",
		session: true, status: 200, result: "RoundtableFeedbackList", errors: []int{401, 403, 404}},
	{method: "GET", path: "/api/v1/feedback/roundtables", id: "listAllRoundtableFeedback",
		summary: "Roundtable feedback of the last ?days= (1-365, default 30), newest first, and \"want more\" per theme (operators only).",
		session: true, status: 200, result: "RoundtableFeedbackReport", errors: []int{400, 401, 403}},
	{method: "GET", path: "/api/v1/roundtables/{id}/calendar.ics", id: "roundtableICS",
		summary: "The roundtable as an RFC 5545 calendar file (people with a seat, speakers, moderators).",
		session: true, status: 200, errors: []int{401, 403, 404}},
	{method: "GET", path: "/api/v1/roundtable-people", id: "listRoundtablePeople",
		summary: "Moderators and guest speakers an organiser can name (operators and trained moderators; emails for operators).",
		session: true, status: 200, result: "RoundtablePeople", errors: []int{401, 403}},
	{method: "POST", path: "/api/v1/roundtable-people/moderators", id: "nameModerator",
		summary: "Mark a member (by email) as a trained moderator, or take it back (operators only).",
		session: true, body: "ModeratorUpdate", status: 200, result: "ModeratorStatus", errors: []int{400, 401, 403, 409, 415, 422}},
	{method: "GET", path: "/api/v1/audit", id: "listAllAudit",
		summary: "Moderation actions across roundtables, newest first (operators): ?roundtable_id=, ?limit=1-200 (default 50), ?before= the next cursor.",
		session: true, status: 200, result: "AuditPage", errors: []int{400, 401, 403}},
}

var (
	rtPeer            = map[string]any{"$ref": "#/components/schemas/Peer"}
	rtInt             = map[string]any{"type": "integer"}
	rtNum             = map[string]any{"type": "number"}
	rtFeedbackSummary = obj(map[string]any{"responses": rtInt, "average_rating": rtNum, "want_more": rtInt}, "responses", "average_rating", "want_more")
	rtFeedbackItem    = obj(map[string]any{"roundtable_id": str(""), "roundtable_title": str(""), "author": rtPeer,
		"rating": rtInt, "tags": strList, "text": str("Operators only."), "want_more": boolean, "axis": str(""), "themes": strList,
		"created_at": dateTime}, "roundtable_id", "author", "rating", "tags", "text", "want_more", "themes", "created_at")
)

var roundtableSchemas = map[string]any{
	"ModeratorUpdate": obj(map[string]any{"email": map[string]any{"type": "string", "format": "email"}, "moderator": boolean}, "email", "moderator"),
	"ModeratorStatus": obj(map[string]any{"id": str(""), "display_name": str(""), "email": str(""), "moderator": boolean},
		"id", "display_name", "email", "moderator"),
	"RegistrationList": obj(map[string]any{"registrations": map[string]any{"type": "array", "items": obj(map[string]any{
		"member": rtPeer, "status": map[string]any{"type": "string", "enum": []string{"registered", "waitlisted", "cancelled"}},
		"since": dateTime}, "member", "status", "since")}}, "registrations"),
	"AuditList": obj(map[string]any{"entries": map[string]any{"type": "array", "items": obj(map[string]any{
		"id": str("au_…"), "roundtable_id": str(""), "actor_id": str(""), "action": str(""), "target_id": str(""),
		"detail": str(""), "at": dateTime}, "id", "roundtable_id", "actor_id", "action", "at")}}, "entries"),
	"RoundtableFeedback": obj(map[string]any{"rating": map[string]any{"type": "integer", "minimum": 1, "maximum": 5},
		"tags": map[string]any{"type": "array", "items": map[string]any{"type": "string", "enum": []string{"informative", "encouraging",
			"practical_tips", "new_perspective", "felt_safe", "good_moderation", "easy_to_speak", "too_short", "too_long", "hard_to_speak"}}},
		"text":      map[string]any{"type": "string", "maxLength": 2000, "description": "Seen by operators only."},
		"want_more": map[string]any{"type": "boolean", "description": "Would like more roundtables on this theme."}}, "rating"),
	"RoundtableFeedbackList": obj(map[string]any{"roundtable_id": str(""), "summary": rtFeedbackSummary,
		"feedback": map[string]any{"type": "array", "items": rtFeedbackItem}}, "roundtable_id", "summary", "feedback"),
	"RoundtableFeedbackReport": obj(map[string]any{"summary": rtFeedbackSummary,
		"by_theme": map[string]any{"type": "array", "items": obj(map[string]any{"theme": str(""), "responses": rtInt,
			"want_more": rtInt, "average_rating": rtNum}, "theme", "responses", "want_more", "average_rating")},
		"feedback": map[string]any{"type": "array", "items": rtFeedbackItem}}, "summary", "by_theme", "feedback"),
	"RoundtablePeople": obj(map[string]any{
		"moderators": map[string]any{"type": "array", "items": rtPerson},
		"speakers":   map[string]any{"type": "array", "items": rtPerson}}, "moderators", "speakers"),
	"AuditPage": obj(map[string]any{"entries": map[string]any{"type": "array", "items": obj(map[string]any{
		"id": str("au_…"), "roundtable_id": str(""), "roundtable_title": str(""), "actor": rtPeer, "action": str(""),
		"target": rtPeer, "detail": str(""), "at": dateTime}, "id", "roundtable_id", "actor", "action", "at")},
		"next": str("Pass as ?before= for the next page; empty on the last page.")}, "entries", "next"),
}

var rtPerson = obj(map[string]any{"id": str(""), "display_name": str(""), "email": str("Operators only.")}, "id", "display_name")
