package rooms

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// San adds the honorific さん as Japanese writes it: straight after a
// name in Japanese script (山田 花子さん), after a space when the name ends
// in Latin script (Emma Wilson さん), where a glued さん would read as part
// of the name.
func San(name string) string {
	name = strings.TrimSpace(name)
	r, _ := utf8.DecodeLastRuneInString(name)
	if r < utf8.RuneSelf && (unicode.IsLetter(r) || unicode.IsDigit(r)) || unicode.In(r, unicode.Latin) {
		return name + " さん"
	}
	return name + "さん"
}
