package api

// The OpenAPI entries of issue 17: push devices and notification
// preferences. Kept apart from openapi.go so parallel work does not edit
// the same lines; init adds them to the one document.
func init() {
	operations = append(operations,
		operation{method: "GET", path: "/api/v1/push/key", id: "getPushKey",
			summary: "The VAPID public key to subscribe with (PushManager.subscribe's applicationServerKey). 503 push_unavailable when push is off.",
			session: true, status: 200, result: "PushKey", errors: []int{401, 503}},
		operation{method: "GET", path: "/api/v1/me/devices", id: "listDevices",
			summary: "The caller's devices that receive push notifications (endpoints and keys are never shown again).",
			session: true, status: 200, result: "DeviceList", errors: []int{401}},
		operation{method: "POST", path: "/api/v1/me/devices", id: "subscribeDevice",
			summary: "Store this browser's push subscription (PushSubscription.toJSON()); subscribing again replaces it. " +
				"The endpoint must be https; 409 too_many_devices beyond ten.",
			session: true, body: "PushSubscription", status: 201, result: "Device", errors: []int{400, 401, 403, 409, 415, 422, 503}},
		operation{method: "DELETE", path: "/api/v1/me/devices/{id}", id: "deleteDevice",
			summary: "Stop push notifications to one of the caller's devices; another member's is 404.",
			session: true, status: 204, errors: []int{401, 403, 404}},
		operation{method: "GET", path: "/api/v1/me/notifications", id: "getMyNotificationPrefs",
			summary: "How the caller is told of each kind of news, and her quiet hours (defaults, version 0, until she saves).",
			session: true, status: 200, result: "NotificationPrefs", errors: []int{401}},
		operation{method: "PUT", path: "/api/v1/me/notifications", id: "putMyNotificationPrefs",
			summary: "Replace the caller's notification preferences; send the version you read. Kinds left out get push. " +
				"During quiet hours only a starting-now reminder is pushed; the rest waits until they end. Calendar invitations are emailed whatever is chosen.",
			session: true, body: "NotificationPrefsUpdate", status: 200, result: "NotificationPrefs", errors: []int{400, 401, 403, 409, 415, 422}},
	)
	channel := map[string]any{"type": "string", "enum": []string{"push", "email", "off"}}
	channels := map[string]any{"type": "object", "description": "recommendations, requests, updates, reminders, roundtables",
		"additionalProperties": channel}
	clock := map[string]any{"type": "string", "pattern": "^[0-2][0-9]:[0-5][0-9]$", "description": "HH:MM in the member's time zone"}
	schemas["PushKey"] = obj(map[string]any{"public_key": str("base64url P-256 point")}, "public_key")
	schemas["Device"] = obj(map[string]any{"id": str("ps_…"), "label": str("e.g. iPhone · Safari"), "created_at": dateTime}, "id", "label", "created_at")
	schemas["DeviceList"] = map[string]any{"type": "array", "items": ref("Device")}
	schemas["PushSubscription"] = obj(map[string]any{"endpoint": str("https URL of the push service"),
		"expirationTime": map[string]any{"type": []string{"integer", "null"}},
		"keys":           obj(map[string]any{"p256dh": str("base64url"), "auth": str("base64url")}, "p256dh", "auth")}, "endpoint", "keys")
	schemas["NotificationPrefs"] = obj(map[string]any{"channels": channels, "quiet_from": clock, "quiet_to": clock,
		"show_names": map[string]any{"type": "boolean", "description": "Notifications may name the other person or the roundtable."},
		"time_zone":  str("the member's IANA zone"), "version": map[string]any{"type": "integer"}},
		"channels", "quiet_from", "quiet_to", "show_names", "time_zone", "version")
	schemas["NotificationPrefsUpdate"] = obj(map[string]any{"channels": channels, "quiet_from": clock, "quiet_to": clock,
		"show_names": boolean, "version": map[string]any{"type": "integer"}}, "quiet_from", "quiet_to", "version")
}
