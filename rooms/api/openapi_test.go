package api_test

import (
	"encoding/json"
	"regexp"
	"sort"
	"strings"
	"testing"
)

var ginParam = regexp.MustCompile(`[:*]([A-Za-z_]+)`)

// TestOpenAPIMatchesRoutes keeps the served OpenAPI document in step with
// the router: every /api/v1 route is documented and nothing else is.
func TestOpenAPIMatchesRoutes(t *testing.T) {
	e := newEnv(t)
	r := do(t, client(t), "GET", e.srv.URL+"/api/v1/openapi.json", "", "")
	var doc struct {
		OpenAPI string                                `json:"openapi"`
		Paths   map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(r.body, &doc); err != nil || !strings.HasPrefix(doc.OpenAPI, "3.") {
		t.Fatalf("openapi.json = %d %.200s (%v)", r.status, r.body, err)
	}
	var documented, routed []string
	for path, ops := range doc.Paths {
		for method := range ops {
			documented = append(documented, strings.ToUpper(method)+" "+path)
		}
	}
	for _, rt := range e.engine.Routes() {
		if strings.HasPrefix(rt.Path, "/api/v1/") {
			routed = append(routed, rt.Method+" "+ginParam.ReplaceAllString(rt.Path, "{$1}"))
		}
	}
	sort.Strings(documented)
	sort.Strings(routed)
	if strings.Join(documented, "\n") != strings.Join(routed, "\n") {
		t.Errorf("OpenAPI paths and routes differ:\ndocumented:\n%s\nrouted:\n%s", strings.Join(documented, "\n"), strings.Join(routed, "\n"))
	}
	if !strings.Contains(string(r.body), `"#/components/schemas/Error"`) {
		t.Errorf("error responses do not reference the Error schema")
	}
}
