package api

// The OpenAPI entries of a roundtable's anonymous questions and quick
// polls (issue 16), kept apart so parallel work never edits the same lines.
func init() {
	operations = append(operations, qaOperations...)
	for k, v := range qaSchemas {
		schemas[k] = v
	}
}

var qaOperations = []operation{
	{method: "GET", path: "/api/v1/roundtables/{id}/questions", id: "listQuestions",
		summary: "The roundtable's questions, the one on screen first, then by votes (people taking part, its moderators, operators). Never names the author of an anonymous question; hidden ones for moderators only; after the end, members see the answered ones.",
		session: true, status: 200, result: "QuestionList", errors: []int{401, 403, 404}},
	{method: "POST", path: "/api/v1/roundtables/{id}/questions", id: "askQuestion",
		summary: "Ask a question (people taking part, before or during the roundtable), anonymous unless anonymous is false. At most 280 characters; rate-limited.",
		session: true, body: "QuestionAsk", status: 201, result: "Question", errors: []int{400, 401, 403, 404, 409, 415, 422, 429}},
	{method: "POST", path: "/api/v1/roundtables/{id}/questions/{qid}/vote", id: "voteQuestion",
		summary: "Vote for a question, once (409 already_voted); rate-limited.",
		session: true, status: 200, result: "Question", errors: []int{401, 403, 404, 409, 429}},
	{method: "DELETE", path: "/api/v1/roundtables/{id}/questions/{qid}/vote", id: "unvoteQuestion",
		summary: "Take one's vote back.", session: true, status: 200, result: "Question", errors: []int{401, 403, 404, 409, 429}},
	{method: "POST", path: "/api/v1/roundtables/{id}/questions/{qid}/state", id: "setQuestionState",
		summary: "Put a question on screen (one at a time), mark it answered, hide it or open it again (moderators; in the moderation log).",
		session: true, body: "QuestionState", status: 200, result: "Question", errors: []int{400, 401, 403, 404, 415, 422}},
	{method: "GET", path: "/api/v1/roundtables/{id}/question-authors", id: "questionAuthors",
		summary: "Who asked each question, hidden ones included: the abuse view (operators only).",
		session: true, status: 200, result: "QuestionAuthors", errors: []int{401, 403, 404}},
	{method: "GET", path: "/api/v1/roundtables/{id}/polls", id: "listPolls",
		summary: "The roundtable's polls, newest first, with counts only and the caller's own choices.",
		session: true, status: 200, result: "PollList", errors: []int{401, 403, 404}},
	{method: "POST", path: "/api/v1/roundtables/{id}/polls", id: "createPoll",
		summary: "Open a single- or multiple-choice poll with 2-6 choices (moderators; in the moderation log).",
		session: true, body: "PollCreate", status: 201, result: "Poll", errors: []int{400, 401, 403, 404, 409, 415, 422}},
	{method: "POST", path: "/api/v1/roundtables/{id}/polls/{pid}/close", id: "closePoll",
		summary: "Close a poll; its counts stay on the roundtable's page (moderators).",
		session: true, status: 200, result: "Poll", errors: []int{401, 403, 404}},
	{method: "POST", path: "/api/v1/roundtables/{id}/polls/{pid}/vote", id: "votePoll",
		summary: "Answer an open poll, once (409 already_voted); rate-limited.",
		session: true, body: "Ballot", status: 200, result: "Poll", errors: []int{400, 401, 403, 404, 409, 415, 422, 429}},
	{method: "GET", path: "/api/v1/feedback/polls", id: "listAllPolls",
		summary: "Polls of the last ?days= (1-365, default 30) across roundtables, newest first, counts only (operators only).",
		session: true, status: 200, result: "PollList", errors: []int{400, 401, 403}},
}

var (
	qaStates   = map[string]any{"type": "string", "enum": []string{"open", "on_screen", "answered", "hidden"}}
	qaInts     = map[string]any{"type": "array", "items": rtInt}
	qaQuestion = obj(map[string]any{"id": str("qu_…"), "text": str(""), "state": qaStates, "votes": rtInt,
		"voted": boolean, "mine": boolean, "anonymous": boolean,
		"author_name": str("Only when the author chose to ask under her name."), "created_at": dateTime},
		"id", "text", "state", "votes", "voted", "mine", "anonymous", "created_at")
	qaPoll = obj(map[string]any{"id": str("po_…"), "roundtable_id": str(""), "roundtable_title": str("In the operators' list."),
		"question": str(""), "choices": strList, "multiple": boolean, "closed": boolean, "counts": qaInts,
		"voters": rtInt, "my_choices": qaInts, "created_at": dateTime},
		"id", "roundtable_id", "question", "choices", "multiple", "closed", "counts", "voters", "my_choices", "created_at")
)

var qaSchemas = map[string]any{
	"Question":      qaQuestion,
	"QuestionAsk":   obj(map[string]any{"text": map[string]any{"type": "string", "maxLength": 280}, "anonymous": boolean}, "text"),
	"QuestionState": obj(map[string]any{"state": qaStates}, "state"),
	"QuestionList": obj(map[string]any{"questions": map[string]any{"type": "array", "items": qaQuestion}, "open": boolean,
		"moderator": boolean, "can_ask": boolean}, "questions", "open", "moderator", "can_ask"),
	"QuestionAuthors": obj(map[string]any{"questions": map[string]any{"type": "array", "items": obj(map[string]any{
		"id": str("qu_…"), "text": str(""), "state": qaStates, "anonymous": boolean, "author": rtPeer, "created_at": dateTime},
		"id", "text", "state", "anonymous", "author", "created_at")}}, "questions"),
	"Poll": qaPoll,
	"PollCreate": obj(map[string]any{"question": map[string]any{"type": "string", "maxLength": 200},
		"choices":  map[string]any{"type": "array", "minItems": 2, "maxItems": 6, "items": map[string]any{"type": "string", "maxLength": 80}},
		"multiple": boolean}, "question", "choices"),
	"Ballot":   obj(map[string]any{"choices": map[string]any{"type": "array", "minItems": 1, "items": rtInt}}, "choices"),
	"PollList": obj(map[string]any{"polls": map[string]any{"type": "array", "items": qaPoll}, "moderator": boolean, "open": boolean}, "polls"),
}
