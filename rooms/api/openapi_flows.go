package api

// The OpenAPI entries of issue 14's consultation and roundtable flows:
// new times proposed for a booking (which stands until both agree), times
// taken since they were proposed, open consultations beside
// recommendations, seats from a raised capacity and the place a
// registration gets. Kept apart from openapi.go so parallel work does not
// edit the same lines; init adds them to the one document.
func init() {
	operations = append(operations, operation{method: "DELETE", path: "/api/v1/consultations/{id}/reschedule", id: "keepBookedTime",
		summary: "Keep the booked time: the other person declines the new times proposed for a booking, or the proposer takes them back. " +
			"The booking does not change; the other party is told by email. 409 wrong_state when no new times are waiting.",
		session: true, status: 200, result: "Consultation", errors: []int{401, 403, 404, 409}})
	for i := range operations {
		switch operations[i].id {
		case "rescheduleConsultation":
			operations[i].summary = "Propose new times. For a booking, the booked time stands until the other person picks one of them " +
				"(acceptConsultation moves the booking and sends the calendar update with a higher SEQUENCE), keeps the current time " +
				"(keepBookedTime), or the proposal lapses at the start; 409 wrong_state once it has begun. For a request not yet answered, " +
				"the new times replace the old ones and the other person picks. The rules of a new request apply: note ≤ 500 characters, " +
				"no block either way (403 peer_unavailable), slots inside the peer's availability, and the same daily limit (429)."
		case "acceptConsultation":
			operations[i].summary = "Book one of the proposed slots, or move a booking to one of the new times proposed for it " +
				"(atomic: the new time is claimed and the old one freed in one step). A time no longer free is 409 you_are_booked " +
				"(the caller has another booking then), peer_is_booked (the other person has) or slot_taken."
		case "createConsultation":
			operations[i].summary += " 409 open_consultation when the two already have an open request or a booking to come."
		case "registerRoundtable":
			operations[i].summary = "Take a seat, or a place on the waitlist when full (capacity is never exceeded); " +
				"returns where the caller stands and the roundtable as she now sees it."
			operations[i].result = "Registration"
		case "updateRoundtable":
			operations[i].summary += " A raised capacity seats the first people waiting, in order (promoted says how many; each gets an email); " +
				"one below the seats taken is 422 capacity_locked."
		}
	}
	slotView := obj(map[string]any{"start": dateTime, "minutes": map[string]any{"type": "integer", "enum": []int{30, 45, 60}},
		"taken_by": map[string]any{"type": "string", "enum": []string{"me", "peer"},
			"description": "Whose other booking has covered this time since it was proposed; absent while it is free."}}, "start", "minutes")
	schemas["ProposedSlot"] = slotView
	cons := schemas["Consultation"].(map[string]any)["properties"].(map[string]any)
	cons["proposed"] = map[string]any{"type": "array", "items": ref("ProposedSlot")}
	cons["reschedule"] = obj(map[string]any{"by_me": boolean, "proposed": map[string]any{"type": "array", "items": ref("ProposedSlot")},
		"note": str(""), "expires_at": dateTime}, "by_me", "proposed", "expires_at")
	cons["awaiting_me"] = map[string]any{"type": "boolean", "description": "A request, or new times proposed for the booking, wait for the caller's answer."}
	recs := schemas["Recommendations"].(map[string]any)["properties"].(map[string]any)
	recs["needs_profile"] = map[string]any{"type": "boolean", "description": "No batch yet because the caller has not saved a profile."}
	cand := recs["candidates"].(map[string]any)["items"].(map[string]any)["properties"].(map[string]any)
	cand["open"] = obj(map[string]any{"id": str("cs_…"), "status": str("requested or booked"),
		"role": map[string]any{"type": "string", "enum": []string{"requester", "recipient"}}, "awaiting_me": boolean},
		"id", "status", "role", "awaiting_me")
	rt := schemas["Roundtable"].(map[string]any)["properties"].(map[string]any)
	rt["promoted"] = map[string]any{"type": "integer", "description": "In the answer to an organiser's change: how many waiting got a seat."}
	schemas["Registration"] = obj(map[string]any{
		"status":     map[string]any{"type": "string", "enum": []string{"registered", "waitlisted"}},
		"position":   map[string]any{"type": "integer", "description": "Place on the waitlist (1 = next); 0 with a seat."},
		"roundtable": ref("Roundtable")}, "status", "position", "roundtable")
}
