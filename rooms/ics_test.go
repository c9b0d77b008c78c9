package rooms

import (
	"strings"
	"testing"
	"time"
)

func TestICS(t *testing.T) {
	start := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	ev := CalendarEvent{UID: "cs_x@zadankai", Sequence: 2, Start: start, End: start.Add(45 * time.Minute),
		Summary: "座談会 1:1 相談, with a comma; and semicolon", Description: strings.Repeat("長い説明文です。", 20) + "\nsecond line",
		Location: "Online", URL: "https://z.example/c/cs_x", Organizer: "no-reply@z.example", Attendee: "a@example.com", AttendeeCN: `Hanako "H" Y`}
	out := string(ICS(ev, MethodRequest, start.Add(-time.Hour)))
	for _, want := range []string{"METHOD:REQUEST\r\n", "SEQUENCE:2\r\n", "DTSTART:20261201T120000Z\r\n", "DTEND:20261201T124500Z\r\n",
		"STATUS:CONFIRMED\r\n", `SUMMARY:座談会 1:1 相談\, with a comma\; and semicolon`, "UID:cs_x@zadankai\r\n", `CN="Hanako 'H' Y"`} {
		if !strings.Contains(out, want) {
			t.Errorf("ICS lacks %q:\n%s", want, out)
		}
	}
	for _, line := range strings.Split(strings.TrimSuffix(out, "\r\n"), "\r\n") {
		if len(line) > 75 {
			t.Errorf("line of %d octets: %q", len(line), line)
		}
		if strings.Contains(line, "\n") {
			t.Errorf("bare LF in %q", line)
		}
	}
	unfolded := strings.ReplaceAll(out, "\r\n ", "")
	if !strings.Contains(unfolded, strings.Repeat("長い説明文です。", 20)+`\nsecond line`) {
		t.Errorf("folding broke the description:\n%s", unfolded)
	}
	cancel := string(ICS(ev, MethodCancel, start))
	if !strings.Contains(cancel, "METHOD:CANCEL\r\n") || !strings.Contains(cancel, "STATUS:CANCELLED\r\n") {
		t.Errorf("cancel message: %s", cancel)
	}
}
