package api_test

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
)

// validate checks v (decoded JSON) against an OpenAPI schema: $ref, type,
// properties, required, additionalProperties:false, items and enum — the
// subset our document uses. It returns the first mismatch.
func validate(doc map[string]any, schema map[string]any, v any, path string) error {
	if ref, ok := schema["$ref"].(string); ok {
		name := strings.TrimPrefix(ref, "#/components/schemas/")
		return validate(doc, doc["components"].(map[string]any)["schemas"].(map[string]any)[name].(map[string]any), v, path)
	}
	if enum, ok := schema["enum"].([]any); ok && v != nil && !slices.Contains(enum, v) {
		return fmt.Errorf("%s: %v not in %v", path, v, enum)
	}
	types := []string{}
	switch t := schema["type"].(type) {
	case string:
		types = append(types, t)
	case []any:
		for _, x := range t {
			types = append(types, x.(string))
		}
	}
	if len(types) > 0 && !slices.Contains(types, jsonType(v)) && !(jsonType(v) == "integer" && slices.Contains(types, "number")) {
		return fmt.Errorf("%s: %s, want %v", path, jsonType(v), types)
	}
	switch x := v.(type) {
	case map[string]any:
		props, _ := schema["properties"].(map[string]any)
		for _, r := range asStrings(schema["required"]) {
			if _, ok := x[r]; !ok {
				return fmt.Errorf("%s: required %q missing", path, r)
			}
		}
		for k, val := range x {
			ps, ok := props[k].(map[string]any)
			if !ok {
				if schema["additionalProperties"] == false {
					return fmt.Errorf("%s: %q is not in the schema", path, k)
				}
				continue
			}
			if err := validate(doc, ps, val, path+"."+k); err != nil {
				return err
			}
		}
	case []any:
		if items, ok := schema["items"].(map[string]any); ok {
			for i, it := range x {
				if err := validate(doc, items, it, fmt.Sprintf("%s[%d]", path, i)); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

func jsonType(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case bool:
		return "boolean"
	case string:
		return "string"
	case float64:
		if x == float64(int64(x)) {
			return "integer"
		}
		return "number"
	case []any:
		return "array"
	}
	return "object"
}

func asStrings(v any) []string {
	var out []string
	if xs, ok := v.([]any); ok {
		for _, x := range xs {
			out = append(out, x.(string))
		}
	}
	return out
}

// TestResponsesMatchTheDocument walks the main flows and checks every
// success response against the schema the OpenAPI document promises for it.
func TestResponsesMatchTheDocument(t *testing.T) {
	e := newEnv(t)
	w := e.world(t)
	var doc map[string]any
	json.Unmarshal(do(t, client(t), "GET", e.srv.URL+"/api/v1/openapi.json", "", "").body, &doc)
	check := func(a *actor, method, path, body, route string) {
		t.Helper()
		r := a.do(t, method, e.srv.URL+path, body)
		if r.status >= 300 {
			t.Fatalf("%s %s = %d %s", method, path, r.status, r.body)
		}
		op := doc["paths"].(map[string]any)[route].(map[string]any)[strings.ToLower(method)].(map[string]any)
		resp := op["responses"].(map[string]any)[fmt.Sprint(r.status)].(map[string]any)
		content, ok := resp["content"].(map[string]any)
		if !ok {
			return
		}
		var v any
		if err := json.Unmarshal(r.body, &v); err != nil {
			t.Fatalf("%s %s: not JSON: %s", method, path, r.body)
		}
		schema := content["application/json"].(map[string]any)["schema"].(map[string]any)
		if err := validate(doc, schema, v, "$"); err != nil {
			t.Errorf("%s %s does not match the document: %v\n%s", method, route, err, r.body)
		}
	}
	e.alwaysAvailable(t, w.memberB.m)
	check(w.memberA, "GET", "/api/v1/me", "", "/api/v1/me")
	check(w.memberA, "GET", "/api/v1/profile-options", "", "/api/v1/profile-options")
	check(w.memberA, "GET", "/api/v1/me/profile", "", "/api/v1/me/profile")
	check(w.memberA, "PUT", "/api/v1/me/profile", `{"job_level":2,"work_style":{"hours":"full_time","remote":"remote"},"languages":["ja"],"children":{"count":1,"age_bands":["0-2"]},"version":0}`, "/api/v1/me/profile")
	check(w.memberB, "GET", "/api/v1/me/availability", "", "/api/v1/me/availability")
	e.recommend(t, w.memberA.m, w.memberB.m) // after the first profile save, which makes a batch of its own
	check(w.memberA, "GET", "/api/v1/recommendations", "", "/api/v1/recommendations")
	cs := e.request(t, w.memberA, w.memberB.m, slotAt(30))
	check(w.memberB, "POST", "/api/v1/consultations/"+cs.ID+"/accept", `{"slot":0}`, "/api/v1/consultations/{id}/accept")
	check(w.memberA, "GET", "/api/v1/consultations", "", "/api/v1/consultations")
	e.alwaysAvailable(t, w.memberA.m)
	check(w.memberA, "POST", "/api/v1/consultations/"+cs.ID+"/reschedule", `{"slots":[`+slotAt(70)+`]}`, "/api/v1/consultations/{id}/reschedule")
	check(w.memberB, "GET", "/api/v1/consultations/"+cs.ID, "", "/api/v1/consultations/{id}")
	check(w.memberA, "GET", "/api/v1/recommendations", "", "/api/v1/recommendations") // with the open consultation
	check(w.memberB, "DELETE", "/api/v1/consultations/"+cs.ID+"/reschedule", "", "/api/v1/consultations/{id}/reschedule")
	check(w.operator, "GET", "/api/v1/companies", "", "/api/v1/companies")
	check(w.operator, "POST", "/api/v1/invitations", `{"email":"x@alpha.test","role":"member","company_id":"`+string(w.coA.ID)+`"}`, "/api/v1/invitations")
	check(w.adminA, "GET", "/api/v1/invitations", "", "/api/v1/invitations")
	check(w.adminA, "GET", "/api/v1/companies/"+string(w.coA.ID)+"/stats", "", "/api/v1/companies/{id}/stats")
	check(w.operator, "GET", "/api/v1/stats", "", "/api/v1/stats")
	check(w.operator, "GET", "/api/v1/feedback", "", "/api/v1/feedback")
	rt := e.createRoundtable(t, w.operator, roundtableBody(48, 10, "stage", w.operator.m.ID, ""))
	check(w.memberA, "GET", "/api/v1/roundtables", "", "/api/v1/roundtables")
	check(w.memberA, "POST", "/api/v1/roundtables/"+rt.ID+"/register", "", "/api/v1/roundtables/{id}/register")
	check(w.memberA, "GET", "/api/v1/roundtables/"+rt.ID, "", "/api/v1/roundtables/{id}")
	check(w.operator, "PUT", "/api/v1/roundtables/"+rt.ID, roundtableBody(48, 12, "stage", w.operator.m.ID, fmt.Sprintf(`,"version":%d`, rt.Version)), "/api/v1/roundtables/{id}")
	e.skew.Store(int64(48*time.Hour - 10*time.Minute))
	check(w.memberA, "POST", "/api/v1/roundtables/"+rt.ID+"/join", "", "/api/v1/roundtables/{id}/join")
}
