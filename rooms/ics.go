package rooms

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// CalendarMethod is the iTIP method of a calendar message (RFC 5546).
type CalendarMethod string

// Calendar methods used: a new or changed booking, and a cancellation.
const (
	MethodRequest CalendarMethod = "REQUEST"
	MethodCancel  CalendarMethod = "CANCEL"
)

// CalendarEvent is what ICS needs to know about one booking, for one
// recipient: each party gets its own copy naming only itself, so nobody's
// email address reaches the other company.
type CalendarEvent struct {
	UID         string
	Sequence    int
	Start, End  time.Time
	Summary     string
	Description string
	Location    string
	URL         string
	Organizer   string // the platform's address
	Attendee    string // this copy's recipient
	AttendeeCN  string
	Cancelled   bool
}

// ICS renders ev as an RFC 5545 calendar with the given iTIP method:
// CRLF line ends, escaped text, lines folded at 75 octets.
func ICS(ev CalendarEvent, method CalendarMethod, stamp time.Time) []byte {
	const f = "20060102T150405Z"
	status := "CONFIRMED"
	if method == MethodCancel {
		status = "CANCELLED"
	}
	lines := []string{
		"BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Zadankai//Zadankai//JA", "CALSCALE:GREGORIAN",
		"METHOD:" + string(method), "BEGIN:VEVENT",
		"UID:" + ev.UID,
		fmt.Sprintf("SEQUENCE:%d", ev.Sequence),
		"DTSTAMP:" + stamp.UTC().Format(f),
		"DTSTART:" + ev.Start.UTC().Format(f),
		"DTEND:" + ev.End.UTC().Format(f),
		"SUMMARY:" + icsText(ev.Summary),
		"DESCRIPTION:" + icsText(ev.Description),
		"STATUS:" + status,
		"ORGANIZER;CN=Zadankai:mailto:" + ev.Organizer,
		"ATTENDEE;CN=" + icsParam(ev.AttendeeCN) + ";ROLE=REQ-PARTICIPANT;PARTSTAT=ACCEPTED:mailto:" + ev.Attendee,
	}
	if ev.Location != "" {
		lines = append(lines, "LOCATION:"+icsText(ev.Location))
	}
	if ev.URL != "" {
		lines = append(lines, "URL:"+ev.URL)
	}
	lines = append(lines, "END:VEVENT", "END:VCALENDAR")
	var b strings.Builder
	for _, l := range lines {
		b.WriteString(fold(l))
	}
	return []byte(b.String())
}

// icsText escapes a TEXT value (RFC 5545 3.3.11).
func icsText(s string) string {
	r := strings.NewReplacer(`\`, `\\`, ";", `\;`, ",", `\,`, "\r\n", `\n`, "\n", `\n`, "\r", `\n`)
	return r.Replace(s)
}

// icsParam quotes a parameter value, which may not contain quotes.
func icsParam(s string) string {
	s = strings.NewReplacer(`"`, "'", "\r", " ", "\n", " ").Replace(s)
	return `"` + s + `"`
}

// fold splits a content line into 75-octet pieces without breaking a
// UTF-8 character, continuing with CRLF and a space.
func fold(line string) string {
	var b strings.Builder
	limit := 75
	for len(line) > limit {
		cut := limit
		for cut > 0 && !utf8.RuneStart(line[cut]) {
			cut--
		}
		b.WriteString(line[:cut] + "\r\n ")
		line = line[cut:]
		limit = 74 // the leading space counts
	}
	b.WriteString(line + "\r\n")
	return b.String()
}
