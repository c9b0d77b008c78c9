package main

import (
	"os/exec"
	"strings"
	"testing"
)

const module = "github.com/zadankai/zadankai"

// TestDependencyDirection enforces the layering of the style guide: the
// domain and the media plane stay independent, protobuf stops at
// signaling, drivers stay inside their store, and test helpers never reach
// production code.
func TestDependencyDirection(t *testing.T) {
	rules := []struct {
		pkg       string
		forbidden []string
	}{
		{"rooms", []string{module + "/", "github.com/gin-gonic", "go.mongodb.org", "modernc.org", "github.com/pion", "github.com/livekit"}},
		{"rooms/api", []string{module + "/sfu", module + "/signaling", module + "/rooms/mongostore", module + "/rooms/sqlitestore", "go.mongodb.org/mongo-driver/v2/mongo", "modernc.org/sqlite"}},
		{"rooms/sqlitestore", []string{module + "/sfu", module + "/signaling", "go.mongodb.org/mongo-driver/v2/mongo", "github.com/gin-gonic"}},
		{"rooms/mongostore", []string{module + "/sfu", module + "/signaling", "modernc.org/sqlite", "github.com/gin-gonic"}},
		// Moving a deployment works on rooms.Bulk alone; cmd opens the stores.
		{"rooms/migrate", []string{module + "/rooms/", module + "/sfu", module + "/signaling", "github.com/gin-gonic", "go.mongodb.org", "modernc.org"}},
		{"sfu", []string{module + "/", "github.com/livekit", "google.golang.org/protobuf", "github.com/gin-gonic"}},
		{"signaling", []string{module + "/rooms/api", module + "/rooms/sqlitestore", module + "/rooms/mongostore", module + "/rooms/storetest", "github.com/gin-gonic", "go.mongodb.org/mongo-driver/v2/mongo", "modernc.org"}},
		{"rooms/push", []string{module + "/sfu", module + "/signaling", module + "/rooms/api", module + "/rooms/sqlitestore", module + "/rooms/mongostore", "github.com/gin-gonic", "go.mongodb.org/mongo-driver/v2/mongo", "modernc.org/sqlite"}},
		{"web", []string{module + "/", "github.com/"}},
		{"cmd/zadankai", []string{module + "/rooms/storetest", module + "/rooms/push/pushtest", module + "/sfu/sfutest", module + "/signaling/signaltest", "github.com/FerretDB"}},
	}
	for _, r := range rules {
		t.Run(r.pkg, func(t *testing.T) {
			out, err := exec.Command("go", "list", "-deps", module+"/"+r.pkg).CombinedOutput()
			if err != nil {
				if strings.Contains(string(out), "no required module") || strings.Contains(string(out), "cannot find package") ||
					strings.Contains(string(out), "is not in std") || strings.Contains(string(out), "no Go files") {
					t.Skipf("%s does not exist yet", r.pkg)
				}
				t.Fatalf("go list: %v\n%s", err, out)
			}
			self := module + "/" + r.pkg
			for _, dep := range strings.Fields(string(out)) {
				if dep == self || strings.HasPrefix(dep, self+"/") && r.pkg != "rooms" {
					continue
				}
				for _, f := range r.forbidden {
					if strings.HasPrefix(dep, f) && dep != self {
						t.Errorf("%s depends on %s", r.pkg, dep)
					}
				}
			}
		})
	}
}
