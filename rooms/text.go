package rooms

import (
	"strings"
	"time"
	"unicode"
)

// Horizon is how far ahead anything may be scheduled or looked up: dates
// beyond it (year 9999) are mistakes or probes, and are refused with the
// code "too_far".
const Horizon = 2 * 365 * 24 * time.Hour

// TooFar reports whether t lies beyond the horizon from now.
func TooFar(t, now time.Time) bool { return t.After(now.Add(Horizon)) }

// blank reports whether r takes no visible room of its own: white space,
// control and format characters (zero-width space and joiners, bidi
// marks, the BOM, tags) and the blank letters some scripts have (Hangul
// fillers, the braille blank).
func blank(r rune) bool {
	switch r {
	case '\u115F', '\u1160', '\u3164', '\uFFA0', '\u2800':
		return true
	}
	return unicode.IsSpace(r) || unicode.In(r, unicode.Cc, unicode.Cf, unicode.Zs, unicode.Zl, unicode.Zp)
}

// visible reports whether r shows something: not blank, not a combining
// mark (which only decorates its neighbour), not unassigned or private.
func visible(r rune) bool {
	return !blank(r) && !unicode.In(r, unicode.Mn, unicode.Me, unicode.Co) && unicode.IsGraphic(r)
}

// CleanLine normalises a one-line name or title: blank characters are
// trimmed from both ends, and a value with nothing visible becomes ""
// (so "required" catches it).
func CleanLine(s string) string {
	s = strings.TrimFunc(s, blank)
	if strings.IndexFunc(s, visible) < 0 {
		return ""
	}
	return s
}

// badLineRune reports characters a one-line name or title may not hold:
// line breaks and other controls, and the bidi overrides and isolates
// that make a name read as something else.
func badLineRune(r rune) bool {
	return unicode.Is(unicode.Cc, r) || r >= '\u202A' && r <= '\u202E' || r >= '\u2066' && r <= '\u2069'
}

const badLineMsg = "line breaks, control characters and direction overrides are not allowed here"

// badLine reports whether a one-line value holds forbidden characters.
func badLine(s string) bool { return strings.IndexFunc(s, badLineRune) >= 0 }
