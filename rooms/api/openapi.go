package api

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"
)

// operation describes one /api/v1 route for the OpenAPI document. A test
// checks that this list and the router agree, so the two move together.
type operation struct {
	method, path, id, summary string
	session                   bool   // needs a session cookie
	body                      string // request schema name, if any
	status                    int    // success status
	result                    string // success schema name; "" for no body
	errors                    []int
}

var operations = []operation{
	{method: "GET", path: "/api/v1/openapi.json", id: "getOpenAPI", summary: "This document.", status: 200},
	{method: "POST", path: "/api/v1/auth/login", id: "login", summary: "Log in with email and password; sets the session cookie.",
		body: "LoginRequest", status: 200, result: "Session", errors: []int{400, 401, 413, 415, 422, 429, 503}},
	{method: "POST", path: "/api/v1/auth/logout", id: "logout", summary: "End the current session.",
		session: true, status: 204, errors: []int{401, 403}},
	{method: "GET", path: "/api/v1/me", id: "getMe", summary: "The logged-in account and its CSRF token.",
		session: true, status: 200, result: "Session", errors: []int{401}},
	{method: "POST", path: "/api/v1/auth/password-reset", id: "requestPasswordReset",
		summary: "Email a one-time reset link if the address has an account (same answer either way).",
		body:    "PasswordResetRequest", status: 202, errors: []int{400, 415, 422, 429}},
	{method: "POST", path: "/api/v1/auth/password-reset/confirm", id: "confirmPasswordReset",
		summary: "Set a new password with a reset link's token; logs out every session.",
		body:    "PasswordResetConfirm", status: 204, errors: []int{400, 410, 415, 422, 503}},
	{method: "GET", path: "/api/v1/companies", id: "listCompanies", summary: "All companies (operators).",
		session: true, status: 200, result: "CompanyList", errors: []int{401, 403}},
	{method: "POST", path: "/api/v1/companies", id: "createCompany", summary: "Add a client company (operators).",
		session: true, body: "CompanyCreate", status: 201, result: "Company", errors: []int{400, 401, 403, 422}},
	{method: "GET", path: "/api/v1/companies/{id}", id: "getCompany", summary: "A company: operators any, others their own.",
		session: true, status: 200, result: "Company", errors: []int{401, 404}},
	{method: "PATCH", path: "/api/v1/companies/{id}", id: "updateCompany", summary: "Rename a company or change its status (operators).",
		session: true, body: "CompanyUpdate", status: 200, result: "Company", errors: []int{400, 401, 403, 404, 409, 422}},
	{method: "POST", path: "/api/v1/invitations", id: "createInvitation",
		summary: "Invite someone by email (operators: any role; company admins: members of their company; another company is 404 to them).",
		session: true, body: "InvitationCreate", status: 201, result: "Invitation", errors: []int{400, 401, 403, 404, 422, 429}},
	{method: "GET", path: "/api/v1/invitations", id: "listInvitations",
		summary: "Invitations, newest first (operators: all or ?company_id=; company admins: their company's, another company's is 404).",
		session: true, status: 200, result: "InvitationList", errors: []int{400, 401, 403, 404}},
	{method: "GET", path: "/api/v1/invitations/lookup", id: "lookupInvitation",
		summary: "Whom an invitation link (?token=) is for, for the sign-up page.",
		status:  200, result: "InvitationLookup", errors: []int{404, 410, 422}},
	{method: "POST", path: "/api/v1/invitations/accept", id: "acceptInvitation",
		summary: "Create the invited account (once per link) and log it in.",
		body:    "InvitationAccept", status: 201, result: "Session", errors: []int{400, 404, 409, 410, 415, 422, 503}},
	{method: "GET", path: "/api/v1/profile-options", id: "getProfileOptions",
		summary: "Curated themes (ja/en labels, life/career axis) and the other profile choices.",
		session: true, status: 200, result: "ProfileOptions", errors: []int{401}},
	{method: "GET", path: "/api/v1/me/export", id: "exportMyData",
		summary: "Everything kept about the caller that the caller may see, as one JSON file: account, profile, availability, photo, consultations, roundtable registrations, the feedback she gave and whom she blocked.",
		session: true, status: 200, errors: []int{401}},
	{method: "POST", path: "/api/v1/me/delete", id: "deleteMyAccount",
		summary: "Delete own account: gives up seats at roundtables still to come (the waitlist moves up), cancels open consultations with a notice to the other person, deletes profile, photo and availability, takes the account out of others' recommendations, anonymises the account.",
		session: true, body: "DeleteAccount", status: 204, errors: []int{400, 401, 403, 415}},
	{method: "GET", path: "/api/v1/me/profile", id: "getMyProfile", summary: "Own profile (defaults before the first save).",
		session: true, status: 200, result: "Profile", errors: []int{401}},
	{method: "PUT", path: "/api/v1/me/profile", id: "putMyProfile",
		summary: "Replace own profile; send the version you read (a stale one is 409).",
		session: true, body: "ProfileUpdate", status: 200, result: "Profile", errors: []int{400, 401, 403, 409, 415, 422}},
	{method: "GET", path: "/api/v1/me/availability", id: "getMyAvailability", summary: "Own weekly windows and exceptions.",
		session: true, status: 200, result: "Availability", errors: []int{401}},
	{method: "PUT", path: "/api/v1/me/availability", id: "putMyAvailability",
		summary: "Replace own availability; send the version you read.",
		session: true, body: "AvailabilityUpdate", status: 200, result: "Availability", errors: []int{400, 401, 403, 409, 415, 422}},
	{method: "PUT", path: "/api/v1/me/photo", id: "putMyPhoto",
		summary: "Upload a JPEG or PNG (≤ 5 MB, ≤ 40 megapixels, 8 bits per channel, not CMYK) as the request body; stored as a 256-px square JPEG without metadata. 503 photo_busy (with Retry-After) when too many photos are being decoded.",
		session: true, status: 204, errors: []int{401, 403, 413, 415, 422, 503}},
	{method: "GET", path: "/api/v1/members/{id}/photo", id: "getPhoto", summary: "A member's photo (JPEG), for those allowed to see it.",
		session: true, status: 200, errors: []int{401, 404}},
	{method: "GET", path: "/api/v1/recommendations", id: "getRecommendations",
		summary: "Own current batch of recommended peers, each with the reasons it was chosen.",
		session: true, status: 200, result: "Recommendations", errors: []int{401}},
	{method: "GET", path: "/api/v1/consultations", id: "listConsultations", summary: "Own consultations, newest first.",
		session: true, status: 200, result: "ConsultationList", errors: []int{401}},
	{method: "POST", path: "/api/v1/consultations", id: "createConsultation",
		summary: "Ask a recommended peer for a consultation with a note and one to three slots inside their availability.",
		session: true, body: "ConsultationCreate", status: 201, result: "Consultation", errors: []int{400, 401, 403, 409, 415, 422, 429}},
	{method: "GET", path: "/api/v1/consultations/{id}", id: "getConsultation", summary: "One of own consultations.",
		session: true, status: 200, result: "Consultation", errors: []int{401, 404}},
	{method: "POST", path: "/api/v1/consultations/{id}/accept", id: "acceptConsultation",
		summary: "Book one of the proposed slots (atomic: overlapping bookings for either person are refused with slot_taken).",
		session: true, body: "Accept", status: 200, result: "Consultation", errors: []int{400, 401, 403, 404, 409, 415, 422}},
	{method: "POST", path: "/api/v1/consultations/{id}/decline", id: "declineConsultation",
		summary: "Decline a request; the optional reason is never shown to the requester.",
		session: true, body: "CancelReason", status: 200, result: "Consultation", errors: []int{400, 401, 403, 404, 409, 415, 422}},
	{method: "POST", path: "/api/v1/consultations/{id}/cancel", id: "cancelConsultation",
		summary: "Withdraw a request or cancel a booking (either side); sends a calendar cancellation.",
		session: true, body: "CancelReason", status: 200, result: "Consultation", errors: []int{400, 401, 403, 404, 409, 415}},
	{method: "POST", path: "/api/v1/consultations/{id}/reschedule", id: "rescheduleConsultation",
		summary: "Give up the current time and propose new slots in one action; the other person picks. The rules of a new request apply: note ≤ 500 characters, no block either way (403 peer_unavailable), slots inside the peer's availability, and the same daily limit (429).",
		session: true, body: "Reschedule", status: 200, result: "Consultation", errors: []int{400, 401, 403, 404, 409, 415, 422, 429}},
	{method: "POST", path: "/api/v1/consultations/{id}/no-show", id: "reportNoShow",
		summary: "Report that the other person did not come (after the start).",
		session: true, body: "NoShow", status: 200, result: "Consultation", errors: []int{400, 401, 403, 404, 409, 415, 422}},
	{method: "POST", path: "/api/v1/consultations/{id}/feedback", id: "createFeedback",
		summary: "Rate a finished consultation once; text and reports are seen by operators only.",
		session: true, body: "Feedback", status: 201, errors: []int{400, 401, 403, 404, 409, 415, 422}},
	{method: "POST", path: "/api/v1/consultations/{id}/join", id: "joinConsultation",
		summary: "A media-room token for a booked online consultation, from 10 minutes before the start until the end.",
		session: true, status: 200, result: "JoinToken", errors: []int{401, 403, 404, 409}},
	{method: "GET", path: "/api/v1/consultations/{id}/calendar.ics", id: "consultationICS",
		summary: "The booking as an RFC 5545 calendar file.", session: true, status: 200, errors: []int{401, 404, 409}},
	{method: "GET", path: "/api/v1/roundtables", id: "listRoundtables",
		summary: "Upcoming roundtables the caller may see, by start (?axis=life|career, ?theme=, ?format=, ?date=YYYY-MM-DD, ?days=1-365), a page at a time: ?limit=1-200 (default 50), ?cursor= the next_cursor of the previous page (present while more follow; a cursor is a place in the order, so roundtables added meanwhile never repeat or skip one). ?when=past: the ones the caller took part in that ended, newest first, paged alike. 400 out_of_range (limit), malformed (cursor).",
		session: true, status: 200, result: "RoundtableList", errors: []int{400, 401}},
	{method: "POST", path: "/api/v1/roundtables", id: "createRoundtable", summary: "Schedule a roundtable (operators and moderators). Moderators are operators or trained members, speakers are guest speakers; at most 5 of each, each named once.",
		session: true, body: "RoundtableWrite", status: 201, result: "Roundtable", errors: []int{400, 401, 403, 415, 422}},
	{method: "GET", path: "/api/v1/roundtables/{id}", id: "getRoundtable", summary: "One roundtable.",
		session: true, status: 200, result: "Roundtable", errors: []int{401, 404}},
	{method: "PUT", path: "/api/v1/roundtables/{id}", id: "updateRoundtable",
		summary: "Change a roundtable (its organisers); send the version read.",
		session: true, body: "RoundtableWrite", status: 200, result: "Roundtable", errors: []int{400, 401, 403, 404, 409, 415, 422}},
	{method: "POST", path: "/api/v1/roundtables/{id}/cancel", id: "cancelRoundtable",
		summary: "Call a roundtable off; registered people get a calendar cancellation.", session: true, status: 204, errors: []int{401, 403, 404}},
	{method: "POST", path: "/api/v1/roundtables/{id}/register", id: "registerRoundtable",
		summary: "Take a seat, or a place on the waitlist when full (capacity is never exceeded).",
		session: true, status: 200, result: "RegistrationStatus", errors: []int{401, 403, 404, 422}},
	{method: "POST", path: "/api/v1/roundtables/{id}/withdraw", id: "withdrawRoundtable",
		summary: "Give the seat back; the first on the waitlist gets it.", session: true, status: 200, result: "RegistrationStatus", errors: []int{401, 404, 409}},
	{method: "POST", path: "/api/v1/roundtables/{id}/join", id: "joinRoundtable",
		summary: "A media token with the grants of the caller's role, from 15 minutes before the start until the end.",
		session: true, status: 200, result: "JoinToken", errors: []int{401, 403, 404, 409}},
	{method: "GET", path: "/api/v1/roundtables/{id}/registrations", id: "listRegistrations",
		summary: "Who is registered or waiting, in order (organisers).", session: true, status: 200, errors: []int{401, 403, 404}},
	{method: "POST", path: "/api/v1/roundtables/{id}/moderation", id: "moderate",
		summary: "A moderator's action in the live room (mute, ask_unmute, mute_all, spotlight, lower_hand, lower_all_hands, promote, demote, remove, lobby, admit, admit_all, lock, end); audited.",
		session: true, body: "Moderation", status: 200, result: "ModerationResult", errors: []int{400, 401, 403, 404, 409, 415, 422, 503}},
	{method: "GET", path: "/api/v1/roundtables/{id}/audit", id: "listAudit", summary: "The moderation log of a roundtable (organisers).",
		session: true, status: 200, errors: []int{401, 403, 404}},
	{method: "GET", path: "/api/v1/blocks", id: "listBlocks", summary: "People the caller has blocked.",
		session: true, status: 200, result: "BlockList", errors: []int{401}},
	{method: "POST", path: "/api/v1/blocks", id: "createBlock",
		summary: "Block a recommended or met peer: neither is recommended to the other again.",
		session: true, body: "BlockCreate", status: 204, errors: []int{400, 401, 403, 415, 422}},
	{method: "DELETE", path: "/api/v1/blocks/{id}", id: "deleteBlock", summary: "Lift a block.",
		session: true, status: 204, errors: []int{401, 403}},
	{method: "GET", path: "/api/v1/companies/{id}/stats", id: "companyStats",
		summary: "A company's aggregates for its admins and operators, per closed month (?months=1-24 before the current one): each month's figures are published once it is over and never change; averages to one decimal; figures from fewer than 5 people are suppressed.",
		session: true, status: 200, result: "CompanyStats", errors: []int{400, 401, 403, 404}},
	{method: "GET", path: "/api/v1/stats", id: "platformStats", summary: "Platform-wide monthly aggregates (operators), live, exact and including the current month.",
		session: true, status: 200, result: "CompanyStats", errors: []int{400, 401, 403}},
	{method: "GET", path: "/api/v1/overview", id: "platformOverview",
		summary: "What operators run the platform by over the last ?days= (1–365, default 30): members and active members by company, consultations, roundtable attendance, problem reports and no-shows.",
		session: true, status: 200, result: "Overview", errors: []int{400, 401, 403}},
	{method: "GET", path: "/api/v1/feedback", id: "listFeedback",
		summary: "Feedback texts and problem reports of the last ?days= (operators only); ?reports=1 for reports only.",
		session: true, status: 200, result: "FeedbackList", errors: []int{400, 401, 403}},
}

var schemas = map[string]any{
	"Moderation": obj(map[string]any{
		"action": map[string]any{"type": "string", "enum": []string{"mute", "ask_unmute", "mute_all", "spotlight", "lower_hand",
			"lower_all_hands", "promote", "demote", "remove", "lobby", "admit", "admit_all", "lock", "end"}},
		"identity": str("The participant (member id) the action is about."),
		"source":   map[string]any{"type": "string", "enum": []string{"microphone", "camera"}},
		"on":       boolean}, "action"),
	"RoundtableWrite": obj(map[string]any{"title": map[string]any{"type": "string", "maxLength": 120},
		"description": map[string]any{"type": "string", "maxLength": 4000},
		"axis":        map[string]any{"type": "string", "enum": []string{"life", "career"}}, "themes": strList, "start": dateTime,
		"minutes": map[string]any{"type": "integer", "minimum": 15, "maximum": 240}, "time_zone": str("IANA time zone."),
		"format": map[string]any{"type": "string", "enum": []string{"online", "in_person", "hybrid"}}, "venue": str(""),
		"capacity":   map[string]any{"type": "integer", "minimum": 1, "maximum": 1000},
		"talk":       map[string]any{"type": "string", "enum": []string{"small_round", "stage"}},
		"moderators": strList, "speakers": strList, "excluded_companies": strList,
		"close_before_minutes": map[string]any{"type": "integer", "minimum": 0}, "version": map[string]any{"type": "integer"},
		"lobby": map[string]any{"type": "boolean", "description": "Start with the lobby on (creation only)."}},
		"title", "axis", "start", "minutes", "time_zone", "format", "capacity", "talk", "moderators"),
	"Roundtable": obj(map[string]any{"id": str("rt_…"), "title": str(""), "description": str(""), "axis": str(""), "themes": strList,
		"start": dateTime, "minutes": map[string]any{"type": "integer"}, "time_zone": str(""), "format": str(""), "venue": str(""),
		"capacity": map[string]any{"type": "integer"}, "seats_left": map[string]any{"type": "integer"}, "waitlist": map[string]any{"type": "integer"},
		"talk": str(""), "moderators": map[string]any{"type": "array", "items": ref("Peer")}, "speakers": map[string]any{"type": "array", "items": ref("Peer")},
		"cancelled": boolean, "registration_closes_at": dateTime, "my_status": str("registered, waitlisted, cancelled, moderator, speaker or empty."),
		"version": map[string]any{"type": "integer"}, "excluded_companies": strList}, "id", "title", "start", "capacity", "seats_left", "talk"),
	"RoundtableList": obj(map[string]any{"roundtables": map[string]any{"type": "array", "items": ref("Roundtable")},
		"next_cursor": str("Opaque; pass as ?cursor= for the next page. Absent on the last page.")}, "roundtables"),
	"ModerationResult": obj(map[string]any{"live": map[string]any{"type": "object", "description": "The roundtable's live state after the action."},
		"affected": map[string]any{"type": "integer", "description": "How many people the action changed (mute_all, lower_all_hands, admit_all count; 0 means nobody)."}},
		"live", "affected"),
	"RegistrationStatus": obj(map[string]any{"status": map[string]any{"type": "string", "enum": []string{"registered", "waitlisted", "cancelled"}}}, "status"),
	"DeleteAccount":      obj(map[string]any{"password": str("The account's password, as confirmation.")}, "password"),
	"Figure":             obj(map[string]any{"value": map[string]any{"type": []string{"number", "null"}}, "suppressed": boolean}, "value", "suppressed"),
	"CompanyStats": obj(map[string]any{"company_id": str(""), "min_group": map[string]any{"type": "integer"},
		"closed_months_only": map[string]any{"type": "boolean", "description": "True for a company: only months that are over, each published once and never changed."},
		"months": map[string]any{"type": "array", "items": obj(map[string]any{"month": str("YYYY-MM"),
			"members_joined": ref("Figure"), "members_active": ref("Figure"), "consultations_requested": ref("Figure"),
			"consultations_held": ref("Figure"), "consultations_cancelled": ref("Figure"), "average_rating": ref("Figure")}, "month")}},
		"min_group", "closed_months_only", "months"),
	"Overview": obj(map[string]any{"days": integer, "overview": obj(map[string]any{"from": dateTime, "to": dateTime,
		"companies": map[string]any{"type": "array", "items": obj(map[string]any{"id": str(""), "name": str(""), "status": str(""),
			"members": integer, "active": integer, "consultations_held": integer}, "id", "name", "members", "active")},
		"consultations": obj(map[string]any{"requested": integer, "held": integer, "cancelled": integer, "upcoming": integer}),
		"roundtables":   obj(map[string]any{"held": integer, "seats": integer, "attended": integer}),
		"reports":       integer, "no_shows": integer,
		"companies_by_status": map[string]any{"type": "object", "additionalProperties": integer}},
		"companies", "consultations", "roundtables", "reports")}, "days", "overview"),
	"FeedbackList": obj(map[string]any{"feedback": map[string]any{"type": "array", "items": obj(map[string]any{
		"consultation_id": str(""), "author_id": str(""), "rating": map[string]any{"type": "integer"}, "tags": strList,
		"text": str(""), "would_meet_again": boolean, "report": str(""), "created_at": dateTime,
		"author": ref("Party"), "about": ref("Party")}, "consultation_id", "rating", "author", "about")}}, "feedback"),
	"Slot": obj(map[string]any{"start": dateTime, "minutes": map[string]any{"type": "integer", "enum": []int{30, 45, 60}}}, "start", "minutes"),
	"Peer": obj(map[string]any{"id": str(""), "display_name": str(""), "has_photo": boolean, "intro": str(""),
		"industry": str(""), "job_function": str(""), "themes": strList}, "id", "display_name", "has_photo"),
	"Reason": obj(map[string]any{"code": str("e.g. shared_themes, years_ahead_same_function, different_industry."),
		"params": map[string]any{"type": "object", "additionalProperties": map[string]any{"type": "string"}}}, "code"),
	"Recommendations": obj(map[string]any{"made_at": map[string]any{"type": []string{"string", "null"}, "format": "date-time"},
		"candidates": map[string]any{"type": "array", "items": obj(map[string]any{"peer": ref("Peer"),
			"reasons": map[string]any{"type": "array", "items": ref("Reason")}}, "peer", "reasons")}}, "made_at", "candidates"),
	"Consultation": obj(map[string]any{"id": str("cs_…"),
		"status": map[string]any{"type": "string", "enum": []string{"requested", "booked", "declined", "cancelled", "expired", "completed"}},
		"role":   map[string]any{"type": "string", "enum": []string{"requester", "recipient"}},
		"peer":   ref("Peer"), "note": str(""), "mode": mode, "place": str(""), "awaiting_me": boolean,
		"proposed": map[string]any{"type": "array", "items": ref("Slot")}, "booked": ref("Slot"),
		"decline_reason": str("Shown only to the one who declined."), "no_shows": strList,
		"peer_joined":    map[string]any{"type": "boolean", "description": "The other person opened the video room (no no-show can be reported of them)."},
		"feedback_given": map[string]any{"type": "boolean", "description": "The viewer has given feedback on this consultation."},
		"created_at":     dateTime, "expires_at": dateTime, "version": map[string]any{"type": "integer"}},
		"id", "status", "role", "peer", "mode", "awaiting_me", "proposed", "no_shows", "created_at", "expires_at", "version"),
	"ConsultationList": obj(map[string]any{"consultations": map[string]any{"type": "array", "items": ref("Consultation")}}, "consultations"),
	"ConsultationCreate": obj(map[string]any{"recipient_id": str(""), "note": map[string]any{"type": "string", "maxLength": 500},
		"slots": map[string]any{"type": "array", "minItems": 1, "maxItems": 3, "items": ref("Slot")}, "mode": mode,
		"place": str("Required in person.")}, "recipient_id", "slots", "mode"),
	"Accept":       obj(map[string]any{"slot": map[string]any{"type": "integer", "minimum": 0, "maximum": 2}}, "slot"),
	"CancelReason": obj(map[string]any{"reason": map[string]any{"type": "string", "maxLength": 500}}),
	"Reschedule":   obj(map[string]any{"slots": map[string]any{"type": "array", "minItems": 1, "maxItems": 3, "items": ref("Slot")}, "note": str("")}, "slots"),
	"NoShow":       obj(map[string]any{"member_id": str("The other party.")}, "member_id"),
	"Feedback": obj(map[string]any{"rating": map[string]any{"type": "integer", "minimum": 1, "maximum": 5}, "tags": strList,
		"text": map[string]any{"type": "string", "maxLength": 2000}, "would_meet_again": boolean,
		"report": map[string]any{"type": "string", "maxLength": 2000}, "block": boolean}, "rating"),
	"JoinToken": obj(map[string]any{"url": str("Media plane URL (ws/wss)."), "room": str(""), "token": str("LiveKit access token."),
		"role":       str("Roundtables: moderator, speaker, audience or participant."),
		"lobby":      map[string]any{"type": "boolean", "description": "Roundtables: the token waits in the lobby until a moderator admits."},
		"expires_at": dateTime}, "url", "room", "token", "expires_at"),
	"BlockList":   obj(map[string]any{"blocked": map[string]any{"type": "array", "items": ref("Peer")}}, "blocked"),
	"BlockCreate": obj(map[string]any{"member_id": str("")}, "member_id"),
	"ProfileOptions": obj(map[string]any{
		"themes": map[string]any{"type": "array", "items": obj(map[string]any{"id": str(""),
			"axis": map[string]any{"type": "string", "enum": []string{"life", "career"}}, "ja": str(""), "en": str("")}, "id", "axis", "ja", "en")},
		"industries": strList, "job_functions": strList, "age_bands": strList, "languages": strList,
	}, "themes", "industries", "job_functions", "age_bands", "languages"),
	"Profile":       obj(profileProps(true), "member_id", "version"),
	"ProfileUpdate": obj(profileProps(false), "version", "job_level", "work_style", "languages"),
	"Availability": obj(map[string]any{"member_id": str(""), "time_zone": str("IANA time zone."), "weekly": windows, "exceptions": exceptions,
		"version": map[string]any{"type": "integer"}, "updated_at": map[string]any{"type": "string", "format": "date-time"}},
		"member_id", "time_zone", "weekly", "exceptions", "version"),
	"AvailabilityUpdate": obj(map[string]any{"time_zone": str("IANA time zone."), "weekly": windows, "exceptions": exceptions,
		"version": map[string]any{"type": "integer"}}, "time_zone", "version"),
	"PasswordResetRequest": obj(map[string]any{"email": map[string]any{"type": "string", "format": "email"}}, "email"),
	"PasswordResetConfirm": obj(map[string]any{"token": str("From the emailed link."),
		"password": map[string]any{"type": "string", "minLength": 10, "maxLength": 72}}, "token", "password"),
	"Company": obj(map[string]any{"id": str("co_…"), "name": str(""), "status": companyStatus,
		"created_at": map[string]any{"type": "string", "format": "date-time"}}, "id", "name", "status", "created_at"),
	"CompanyList":   obj(map[string]any{"companies": map[string]any{"type": "array", "items": ref("Company")}}, "companies"),
	"CompanyCreate": obj(map[string]any{"name": str(""), "status": companyStatus}, "name"),
	"CompanyUpdate": obj(map[string]any{"name": str(""), "status": companyStatus}),
	"Invitation": obj(map[string]any{"id": str("iv_…"), "email": str(""), "role": roleSchema, "company_id": str(""),
		"status":     map[string]any{"type": "string", "enum": []string{"pending", "accepted", "expired", "revoked"}},
		"created_at": map[string]any{"type": "string", "format": "date-time"},
		"expires_at": map[string]any{"type": "string", "format": "date-time"}}, "id", "email", "role", "status", "created_at", "expires_at"),
	"InvitationList":   obj(map[string]any{"invitations": map[string]any{"type": "array", "items": ref("Invitation")}}, "invitations"),
	"InvitationCreate": obj(map[string]any{"email": str(""), "role": roleSchema, "company_id": str("Required for members and company admins; company admins may omit it.")}, "email", "role"),
	"InvitationLookup": obj(map[string]any{"email": str(""), "role": roleSchema, "company_name": str(""),
		"expires_at": map[string]any{"type": "string", "format": "date-time"}}, "email", "role", "expires_at"),
	"InvitationAccept": obj(map[string]any{"token": str("From the emailed link."), "display_name": str(""),
		"password": map[string]any{"type": "string", "minLength": 10, "maxLength": 72},
		"locale":   map[string]any{"type": "string", "enum": []string{"ja", "en"}}, "time_zone": str("IANA time zone; default Asia/Tokyo.")},
		"token", "display_name", "password"),
	"Error": obj(map[string]any{
		"error": obj(map[string]any{
			"code":    str("Stable machine-readable code, e.g. not_found, unknown_field, invalid_credentials."),
			"message": str("Human-readable explanation."),
			"field":   str("The request field at fault, when there is one."),
		}, "code", "message"),
		"request_id": str("Identifies the request in the server log."),
	}, "error"),
	"LoginRequest": obj(map[string]any{
		"email":    map[string]any{"type": "string", "format": "email"},
		"password": map[string]any{"type": "string", "maxLength": 72},
	}, "email", "password"),
	"Member": obj(map[string]any{
		"id": str("Account id (mb_…)."), "company_id": str("Company id (co_…); absent for operators and outside guest speakers."),
		"email": str(""), "display_name": str(""),
		"role":      roleSchema,
		"moderator": map[string]any{"type": "boolean"},
		"locale":    map[string]any{"type": "string", "enum": []string{"ja", "en"}},
		"time_zone": str("IANA time zone."),
	}, "id", "email", "display_name", "role", "moderator", "locale", "time_zone"),
	"Session": obj(map[string]any{
		"member":     ref("Member"),
		"csrf_token": str("Send it back in the X-CSRF-Token header on every state-changing request."),
		"expires_at": map[string]any{"type": "string", "format": "date-time"},
	}, "member", "csrf_token", "expires_at"),
}

var (
	roleSchema    = map[string]any{"type": "string", "enum": []string{"member", "company_admin", "operator", "guest_speaker"}}
	companyStatus = map[string]any{"type": "string", "enum": []string{"trial", "active", "ended"}}
)

var (
	dateTime = map[string]any{"type": "string", "format": "date-time"}
	boolean  = map[string]any{"type": "boolean"}
	integer  = map[string]any{"type": "integer"}
	mode     = map[string]any{"type": "string", "enum": []string{"online", "in_person"}}
	strList  = map[string]any{"type": "array", "items": map[string]any{"type": "string"}}
	hhmm     = map[string]any{"type": "string", "pattern": "^([01][0-9]|2[0-4]):[0-5][0-9]$"}
	windows  = map[string]any{"type": "array", "items": obj(map[string]any{
		"weekday": map[string]any{"type": "integer", "minimum": 0, "maximum": 6}, "start": hhmm, "end": hhmm}, "weekday", "start", "end")}
	exceptions = map[string]any{"type": "array", "items": obj(map[string]any{
		"date": map[string]any{"type": "string", "format": "date"}, "unavailable": map[string]any{"type": "boolean"},
		"start": hhmm, "end": hhmm}, "date")}
)

// profileProps are the profile's fields; the server-owned ones only in
// what it returns.
func profileProps(server bool) map[string]any {
	integer := func(lo, hi int) map[string]any {
		return map[string]any{"type": "integer", "minimum": lo, "maximum": hi}
	}
	p := map[string]any{
		"intro": map[string]any{"type": "string", "maxLength": 600}, "industry": str("One of profile-options industries."),
		"job_function": str("One of profile-options job_functions."), "job_level": integer(1, 5), "years_experience": integer(0, 60),
		"work_style": obj(map[string]any{"hours": map[string]any{"type": "string", "enum": []string{"full_time", "part_time"}},
			"remote": map[string]any{"type": "string", "enum": []string{"office", "hybrid", "remote"}}}, "hours", "remote"),
		"children": obj(map[string]any{"count": integer(0, 15), "age_bands": strList}, "count"),
		"themes":   strList, "languages": strList, "in_person": map[string]any{"type": "boolean"},
		"area": map[string]any{"type": "string", "maxLength": 60}, "capacity": integer(0, 20),
		"paused": map[string]any{"type": "boolean"}, "version": map[string]any{"type": "integer"},
	}
	if server {
		p["member_id"], p["has_photo"] = str(""), map[string]any{"type": "boolean"}
		p["updated_at"] = map[string]any{"type": "string", "format": "date-time"}
	}
	return p
}

func obj(props map[string]any, required ...string) map[string]any {
	o := map[string]any{"type": "object", "properties": props, "additionalProperties": false}
	if len(required) > 0 {
		o["required"] = required
	}
	return o
}

func str(desc string) map[string]any {
	if desc == "" {
		return map[string]any{"type": "string"}
	}
	return map[string]any{"type": "string", "description": desc}
}

func ref(name string) map[string]any { return map[string]any{"$ref": "#/components/schemas/" + name} }

// openAPIDocument builds the OpenAPI 3.1 document from operations.
func openAPIDocument(version string) map[string]any {
	paths := map[string]any{}
	for _, op := range operations {
		item, _ := paths[op.path].(map[string]any)
		if item == nil {
			item = map[string]any{}
			paths[op.path] = item
		}
		item[strings.ToLower(op.method)] = op.document()
	}
	return map[string]any{
		"openapi": "3.1.0",
		"info": map[string]any{"title": "Zadankai control plane API", "version": version,
			"description": "JSON API of Zadankai. Errors share one shape (Error) with stable codes."},
		"paths": paths,
		"components": map[string]any{
			"schemas": schemas,
			"securitySchemes": map[string]any{
				"session": map[string]any{"type": "apiKey", "in": "cookie", "name": sessionCookie},
			},
		},
	}
}

func (op operation) document() map[string]any {
	resp := map[string]any{}
	ok := map[string]any{"description": http.StatusText(op.status)}
	if op.result != "" {
		ok["content"] = map[string]any{"application/json": map[string]any{"schema": ref(op.result)}}
	}
	resp[strconv.Itoa(op.status)] = ok
	for _, code := range op.errors {
		resp[strconv.Itoa(code)] = map[string]any{"description": http.StatusText(code),
			"content": map[string]any{"application/json": map[string]any{"schema": ref("Error")}}}
	}
	d := map[string]any{"operationId": op.id, "summary": op.summary, "responses": resp}
	if op.body != "" {
		d["requestBody"] = map[string]any{"required": true,
			"content": map[string]any{"application/json": map[string]any{"schema": ref(op.body)}}}
	}
	if op.session {
		d["security"] = []any{map[string]any{"session": []string{}}}
	}
	return d
}

func (a *API) openAPI(c *gin.Context) { c.JSON(http.StatusOK, openAPIDocument(a.version)) }

// --- control plane, second pass (issue 5): free slots, PATCH /me,
// invitation revoke/resend. Appended here so the route list above stays
// as it was.

func init() {
	operations = append(operations,
		operation{method: "PATCH", path: "/api/v1/me", id: "patchMe",
			summary: "Change own time zone (IANA) and/or language (ja, en).",
			session: true, body: "MeUpdate", status: 200, result: "Member", errors: []int{400, 401, 403, 409, 413, 415, 422}},
		operation{method: "GET", path: "/api/v1/members/{id}/free-slots", id: "getFreeSlots",
			summary: "A recommended or met peer's free times for ?days= (1-28, default 14) as ?minutes= (30, 45, 60) slots: " +
				"inside their windows and exceptions, minus their and the caller's bookings, in the caller's time zone; " +
				"peer_no_availability (409) when they have shared none, peer_paused (409) on a break.",
			session: true, status: 200, result: "FreeSlots", errors: []int{400, 401, 404, 409}},
		operation{method: "POST", path: "/api/v1/invitations/{id}/revoke", id: "revokeInvitation",
			summary: "Withdraw an open invitation (its inviter's side: operators, or admins of its company); its link then fails with invitation_revoked.",
			session: true, status: 200, result: "Invitation", errors: []int{400, 401, 403, 404, 409, 415}},
		operation{method: "POST", path: "/api/v1/invitations/{id}/resend", id: "resendInvitation",
			summary: "Email a new one-time link with a new expiry; the old link is revoked.",
			session: true, status: 201, result: "Invitation", errors: []int{400, 401, 403, 404, 409, 415, 422, 429}},
	)
	schemas["MeUpdate"] = obj(map[string]any{"time_zone": str("IANA time zone, e.g. Asia/Tokyo."),
		"locale": map[string]any{"type": "string", "enum": []string{"ja", "en"}}})
	schemas["FreeSlots"] = obj(map[string]any{"time_zone": str("The viewer's time zone; slot starts carry its offset."),
		"minutes": map[string]any{"type": "integer"}, "days": map[string]any{"type": "integer"},
		"slots":     map[string]any{"type": "array", "items": ref("Slot")},
		"truncated": map[string]any{"type": "boolean", "description": "More free slots exist than were listed."}},
		"time_zone", "minutes", "days", "slots", "truncated")
	schemas["Party"] = obj(map[string]any{"id": str(""), "display_name": str(""), "company_id": str(""), "company_name": str("")},
		"id", "display_name")
}
