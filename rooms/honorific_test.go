package rooms

import (
	"strings"
	"testing"
)

func TestSanFollowsTheScript(t *testing.T) {
	for name, want := range map[string]string{
		"山田 花子":       "山田 花子さん",
		"さくら":         "さくらさん",
		"ミカ":          "ミカさん",
		"Emma Wilson": "Emma Wilson さん",
		"José":        "José さん",
		"user42":      "user42 さん",
		" 中村 恵子 ":     "中村 恵子さん",
	} {
		if got := San(name); got != want {
			t.Errorf("San(%q) = %q, want %q", name, got, want)
		}
	}
}

// TestEmailsPlaceSanByScript: a Japanese email greets 山田 花子さん with no
// space and writes Emma Wilson さん with one.
func TestEmailsPlaceSanByScript(t *testing.T) {
	hanako := &Member{Email: "hanako@example.com", DisplayName: "山田 花子", Locale: "ja"}
	e := RequestReceivedEmail(hanako, "Emma Wilson", "https://z.example/consultations")
	for _, want := range []string{"山田 花子さん\n", "Emma Wilson さんから"} {
		if !strings.Contains(e.Text, want) {
			t.Errorf("email text lacks %q:\n%s", want, e.Text)
		}
	}
	if !strings.Contains(e.Subject, "Emma Wilson さんから") {
		t.Errorf("subject %q", e.Subject)
	}
}
