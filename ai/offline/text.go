package offline

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// fill replaces {name} placeholders in s with vars.
func fill(s string, vars map[string]string) string {
	if !strings.Contains(s, "{") {
		return s
	}
	var b strings.Builder
	for {
		i := strings.IndexByte(s, '{')
		if i < 0 {
			b.WriteString(s)
			break
		}
		j := strings.IndexByte(s[i:], '}')
		if j < 0 {
			b.WriteString(s)
			break
		}
		key := s[i+1 : i+j]
		v, ok := vars[key]
		if !ok {
			v = s[i : i+j+1]
		}
		b.WriteString(s[:i])
		b.WriteString(v)
		s = s[i+j+1:]
	}
	return b.String()
}

// upperFirst upper-cases the first letter of s.
func upperFirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if n == 0 || unicode.IsUpper(r) {
		return s
	}
	return string(unicode.ToUpper(r)) + s[n:]
}

// sentence fills a template and makes it start with a capital.
func sentence(tmpl string, vars map[string]string) string {
	return upperFirst(strings.TrimSpace(fill(tmpl, vars)))
}

var listMarker = regexp.MustCompile(`(?m)^\s*(?:[-*+]|\d+[.)])\s+`)

// countWords counts the words of Markdown text as a reader would: list
// markers and emphasis do not count.
func countWords(s string) int {
	s = listMarker.ReplaceAllString(s, "")
	n := 0
	for _, f := range strings.Fields(s) {
		if strings.IndexFunc(f, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }) >= 0 {
			n++
		}
	}
	return n
}

// tokens splits a keyword into lower-case words.
func tokens(s string) []string {
	return strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '\'' && r != '-'
	})
}

// clip shortens s to at most n bytes at a word boundary.
func clip(s string, n int) string {
	s = strings.TrimSpace(s)
	if len(s) <= n {
		return s
	}
	cut := strings.LastIndexByte(s[:n+1], ' ')
	if cut <= 0 {
		cut = n
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
	}
	return strings.TrimRight(s[:cut], " ,;:–-")
}

var germanFold = strings.NewReplacer("ä", "ae", "ö", "oe", "ü", "ue", "ß", "ss", "Ä", "ae", "Ö", "oe", "Ü", "ue")

// slugify turns s into lowercase ASCII words joined by hyphens, at most
// max bytes long; German umlauts become ae, oe, ue.
func slugify(s, lang string, max int) string {
	if lang == "de" {
		s = germanFold.Replace(s)
	}
	var b strings.Builder
	dash := false
	for _, r := range norm.NFD.String(strings.ToLower(s)) {
		switch {
		case r == 'ß':
			b.WriteString("ss")
			dash = false
		case r < utf8.RuneSelf && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			b.WriteRune(r)
			dash = false
		case unicode.Is(unicode.Mn, r):
			// a combining accent: dropped with its letter kept
		default:
			if !dash && b.Len() > 0 {
				b.WriteByte('-')
				dash = true
			}
		}
	}
	out := strings.Trim(b.String(), "-")
	if len(out) > max {
		out = out[:max]
		if i := strings.LastIndexByte(out, '-'); i > max/2 {
			out = out[:i]
		}
		out = strings.Trim(out, "-")
	}
	return out
}

// joinList joins items as a sentence would: "a, b and c".
func joinList(items []string, and string) string {
	switch len(items) {
	case 0:
		return ""
	case 1:
		return items[0]
	}
	return strings.Join(items[:len(items)-1], ", ") + " " + and + " " + items[len(items)-1]
}

// dedupe returns the non-empty, trimmed strings of xs, each once (case
// insensitively), in order.
func dedupe(xs []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, x := range xs {
		x = strings.TrimSpace(x)
		k := strings.ToLower(x)
		if x == "" || seen[k] {
			continue
		}
		seen[k] = true
		out = append(out, x)
	}
	return out
}

// words joins the Markdown of blocks with blank lines between them.
func blocks(parts ...string) string {
	var out []string
	for _, p := range parts {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, "\n\n")
}

// lowerFirst lower-cases the first letter of s.
func lowerFirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if n == 0 {
		return s
	}
	return string(unicode.ToLower(r)) + s[n:]
}

// shorten fits s in max bytes: whole when it fits, else cut at the last
// clause (a comma, colon or dash) that fits and closed with a full stop,
// else clipped at a word with an ellipsis.
func shorten(s string, max int) string {
	s = strings.TrimSpace(s)
	if len(s) <= max {
		return s
	}
	head := s[:max]
	cut := -1
	for _, sep := range []string{". ", ", ", ": ", " – ", " - ", "; "} {
		if i := strings.LastIndex(head, sep); i > cut {
			cut = i
		}
	}
	if cut > max/2 {
		return strings.TrimSpace(s[:cut]) + "."
	}
	return clip(s, max-len("…")) + "…"
}
