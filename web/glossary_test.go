package web

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"unicode"
)

// avoided reads the "avoid" column of docs/glossary.md's table: the words
// that must not appear, Japanese and English apart.
func avoided(t *testing.T) (ja, en []string) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "docs", "glossary.md"))
	if err != nil {
		t.Fatal(err)
	}
	word := regexp.MustCompile("`([^`]+)`")
	for _, line := range strings.Split(string(b), "\n") {
		cells := strings.Split(line, "|")
		if len(cells) < 5 || !strings.HasPrefix(line, "|") {
			continue
		}
		for _, m := range word.FindAllStringSubmatch(cells[3], -1) {
			if isASCII(m[1]) {
				en = append(en, m[1])
			} else {
				ja = append(ja, m[1])
			}
		}
	}
	if len(ja) < 20 || len(en) < 3 {
		t.Fatalf("the glossary lists %d Japanese and %d English words to avoid; its table was not read", len(ja), len(en))
	}
	return ja, en
}

func isASCII(s string) bool {
	for _, r := range s {
		if r > unicode.MaxASCII {
			return false
		}
	}
	return true
}

// text is one message a person reads, and where it comes from.
type text struct{ where, s string }

var jsValue = regexp.MustCompile(`:\s*"((?:[^"\\]|\\.)*)"`)

// messageTables returns the values of a message file's ja and en tables.
func messageTables(t *testing.T, path string) (ja, en []text) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	src := string(b)
	i := strings.Index(src, "\n  en: {")
	if i < 0 {
		t.Fatalf("%s: no en table", path)
	}
	for part, out := range map[string]*[]text{src[:i]: &ja, src[i:]: &en} {
		for _, m := range jsValue.FindAllStringSubmatch(part, -1) {
			*out = append(*out, text{path, m[1]})
		}
	}
	return ja, en
}

// goTexts returns the string literals in Japanese script of the Go files
// people read words from: emails, calendar entries, demo data.
func goTexts(t *testing.T, dirs ...string) []text {
	t.Helper()
	var out []text
	for _, dir := range dirs {
		files, _ := filepath.Glob(filepath.Join(dir, "*.go"))
		for _, f := range files {
			if strings.HasSuffix(f, "_test.go") {
				continue
			}
			file, err := parser.ParseFile(token.NewFileSet(), f, nil, 0)
			if err != nil {
				t.Fatal(err)
			}
			ast.Inspect(file, func(n ast.Node) bool {
				if lit, ok := n.(*ast.BasicLit); ok && lit.Kind == token.STRING {
					if s, err := strconv.Unquote(lit.Value); err == nil && !isASCII(s) {
						out = append(out, text{f, s})
					}
				}
				return true
			})
		}
	}
	return out
}

// TestGlossaryWordsEverywhere: no page, room message, email or demo text
// uses a word the glossary says to avoid, and さん is never written after
// a space by hand (rooms.San and tf place it by the name's script).
func TestGlossaryWordsEverywhere(t *testing.T) {
	avoidJA, avoidEN := avoided(t)
	var ja, en []text
	for _, path := range []string{filepath.Join("static", "i18n.js"), filepath.Join("src", "room", "messages.js")} {
		j, e := messageTables(t, path)
		ja, en = append(ja, j...), append(en, e...)
	}
	pages, _ := filepath.Glob(filepath.Join("static", "*.html"))
	for _, p := range pages {
		b, _ := os.ReadFile(p)
		ja = append(ja, text{p, string(b)})
	}
	ja = append(ja, goTexts(t, filepath.Join("..", "rooms"), filepath.Join("..", "rooms", "api"))...)
	if len(ja) < 500 || len(en) < 500 {
		t.Fatalf("read %d Japanese and %d English texts; the message tables were not found", len(ja), len(en))
	}
	for _, x := range ja {
		for _, w := range avoidJA {
			if strings.Contains(x.s, w) {
				t.Errorf("%s: %q uses %q (see docs/glossary.md)", x.where, excerpt(x.s, w), w)
			}
		}
		for _, bad := range []string{"} さん", "%s さん"} {
			if strings.Contains(x.s, bad) {
				t.Errorf("%s: %q writes さん after a space; let San/tf place it", x.where, excerpt(x.s, bad))
			}
		}
	}
	for _, x := range en {
		for _, w := range avoidEN {
			if regexp.MustCompile(`(?i)\b` + regexp.QuoteMeta(w) + `\b`).MatchString(x.s) {
				t.Errorf("%s: %q uses %q (see docs/glossary.md)", x.where, x.s, w)
			}
		}
	}
}

func excerpt(s, w string) string {
	i := strings.Index(s, w)
	from, to := max(0, i-30), min(len(s), i+len(w)+30)
	for from > 0 && !utf8Start(s[from]) {
		from--
	}
	for to < len(s) && !utf8Start(s[to]) {
		to++
	}
	return s[from:to]
}

func utf8Start(b byte) bool { return b&0xC0 != 0x80 }
