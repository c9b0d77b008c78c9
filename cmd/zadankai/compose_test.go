package main

import (
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// composeFile is what the tests read of deploy/compose.yaml.
type composeFile struct {
	Services map[string]struct {
		Profiles    []string          `yaml:"profiles"`
		Environment map[string]string `yaml:"environment"`
		DependsOn   yaml.Node         `yaml:"depends_on"`
	} `yaml:"services"`
}

// composeSample is what an operator exports before `docker compose up`.
var composeSample = map[string]string{
	"ZADANKAI_KEYS": "mykey: a-long-random-secret-a-long-random-secret", "ZADANKAI_PUBLIC_URL": "https://zadankai.example.com",
	"ZADANKAI_API_KEY": "mykey", "ZADANKAI_API_SECRET": "a-long-random-secret-a-long-random-secret",
	"ZADANKAI_DOMAIN": "zadankai.example.com", "LIVEKIT_DOMAIN": "media.example.com", "NODE_IP": "203.0.113.10",
}

var composeVar = regexp.MustCompile(`\$\{([A-Z_]+)(:[-?][^}]*)?\}`)

// interpolate replaces ${VAR…} as Docker Compose does, from composeSample.
func interpolate(s string) string {
	return composeVar.ReplaceAllStringFunc(s, func(m string) string { return composeSample[composeVar.FindStringSubmatch(m)[1]] })
}

func readCompose(t *testing.T) *composeFile {
	t.Helper()
	b, err := os.ReadFile("../../deploy/compose.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var cf composeFile
	if err := yaml.Unmarshal(b, &cf); err != nil {
		t.Fatalf("deploy/compose.yaml does not parse: %v", err)
	}
	return &cf
}

// dependsOn lists the services a service waits for, in either of
// Compose's two forms (a list, or a map of conditions).
func dependsOn(n yaml.Node) []string {
	var list []string
	if n.Decode(&list) == nil {
		return list
	}
	var m map[string]any
	_ = n.Decode(&m)
	for k := range m {
		list = append(list, k)
	}
	return list
}

// TestComposeConfiguresValidServers: every Zadankai service of
// deploy/compose.yaml, its variables given, is a configuration serve
// accepts; the cluster's replicas share MongoDB and send media to the
// LiveKit nodes, whose webhooks they receive.
func TestComposeConfiguresValidServers(t *testing.T) {
	cf := readCompose(t)
	for _, name := range []string{"zadankai", "zadankai-a", "zadankai-b"} {
		env := cf.Services[name].Environment
		if env == nil {
			t.Fatalf("no service %s", name)
		}
		cfg, err := loadConfig([]string{"--config", "../../configs/zadankai.yaml", "--bind", "0.0.0.0"},
			func(k string) string { return interpolate(env[k]) })
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if cfg.Storage.MongoURI == "" {
			t.Errorf("%s runs on SQLite: a replica must share MongoDB", name)
		}
		if name != "zadankai" && (cfg.Media.URL != "wss://media.example.com" || cfg.Media.Webhook != "/livekit/webhook") {
			t.Errorf("%s: media %q, webhook %q; want the LiveKit cluster and its webhooks", name, cfg.Media.URL, cfg.Media.Webhook)
		}
	}
	for _, lk := range []string{"livekit-a", "livekit-b"} {
		body := interpolate(cf.Services[lk].Environment["LIVEKIT_CONFIG"])
		if !strings.Contains(body, "https://zadankai.example.com/livekit/webhook") || !strings.Contains(body, "api_key: mykey") ||
			!strings.Contains(body, "address: redis:6379") {
			t.Errorf("%s posts its webhooks elsewhere, signs them otherwise or has no Redis:\n%s", lk, body)
		}
	}
}

// TestComposeProfiles: `docker compose up` starts the single node alone;
// the cluster profile's proxy brings up the whole cluster and none of it.
func TestComposeProfiles(t *testing.T) {
	cf := readCompose(t)
	reached := map[string]bool{}
	var walk func(string)
	walk = func(s string) {
		if !reached[s] {
			reached[s] = true
			for _, d := range dependsOn(cf.Services[s].DependsOn) {
				walk(d)
			}
		}
	}
	walk("proxy")
	for name, svc := range cf.Services {
		cluster := slices.Equal(svc.Profiles, []string{"cluster"})
		switch {
		case name == "zadankai" || name == "mongo":
			if len(svc.Profiles) != 0 {
				t.Errorf("%s has profiles %v: the single node must start by default", name, svc.Profiles)
			}
		case !cluster:
			t.Errorf("%s has profiles %v, want [cluster]", name, svc.Profiles)
		case !reached[name]:
			t.Errorf("%s is not started with the proxy", name)
		}
	}
	if reached["zadankai"] || reached["mongo"] {
		t.Error("the cluster starts a single-node service")
	}
}
