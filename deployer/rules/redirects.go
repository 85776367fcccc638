package rules

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// ParseRedirects parses a _redirects file. source names the file in
// problems and in Redirect.Source; "" means "_redirects". A line is
//
//	from [name=value…] to [status][!] [Country=…] [Language=…]
//
// with fields separated by any run of white space; "#" starts a comment
// line, and a field starting with "#" ends the rule. Paths may hold raw
// UTF-8 ("/café"), which is stored URL-encoded ("/caf%C3%A9"). A rule
// with status 200 whose source ends in /* may leave out its target: it
// serves each path as itself (Netlify's "/admin/* 200"), which is useful
// with conditions. Every invalid line is reported in one
// *ValidationError; the returned rules are then nil. Other errors come
// from reading r.
func ParseRedirects(r io.Reader, source string) ([]Redirect, error) {
	if source == "" {
		source = "_redirects"
	}
	ps := &problems{source: source}
	var out []Redirect
	count := 0
	err := scanLines(r, ps, func(n int, line string) bool {
		text := strings.TrimSpace(line)
		if text == "" || text[0] == '#' {
			return true
		}
		if msg := checkLine(text); msg != "" {
			return ps.add(n, "%s", msg)
		}
		if count++; count > MaxRedirects {
			ps.add(n, "the file has more than %d rules; combine rules with splats (/a/*) or placeholders (/a/:slug)", MaxRedirects)
			return false
		}
		rule, msgs := parseRedirectLine(text)
		rule.Line, rule.Source = n, source
		if len(msgs) == 0 {
			_, msgs = checkRedirect(rule)
		}
		for _, m := range msgs {
			if !ps.add(n, "%s", m) {
				return false
			}
		}
		out = append(out, rule)
		return true
	})
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", source, err)
	}
	if err := ps.err(); err != nil {
		return nil, err
	}
	return out, nil
}

// checkLine checks a line for what no field may hold. Any white space
// separates fields (tabs too, as in Netlify's parser), so only other
// control characters, NUL, backslashes and bad UTF-8 are refused.
func checkLine(text string) string {
	if !utf8.ValidString(text) {
		return "the line is not valid UTF-8"
	}
	for _, r := range text {
		if !unicode.IsSpace(r) {
			if msg := checkRune(r, "the line"); msg != "" {
				return msg
			}
		}
	}
	return ""
}

// parseRedirectLine splits a non-empty, non-comment line into a rule, as
// Netlify's parser does: the target is the first field after From that is
// a path or a URL, the fields between them are query conditions, and a
// status and conditions may follow it. A status right after From is a
// rule without a target.
func parseRedirectLine(text string) (Redirect, []string) {
	fields := strings.Fields(text)
	for i, f := range fields {
		if i >= 1 && strings.HasPrefix(f, "#") {
			fields = fields[:i]
			break
		}
	}
	rule := Redirect{From: encodeNonASCII(fields[0]), Status: 301}
	rest := fields[1:]
	if len(rest) == 0 {
		return rule, []string{"the rule has no target; write \"from to [status]\", as in /old /new 301"}
	}
	var msgs []string
	if !isStatusField(rest[0]) {
		to := -1
		for i, f := range rest {
			if strings.HasPrefix(f, "/") || hasScheme(f, "http") || hasScheme(f, "https") {
				to = i
				break
			}
		}
		if to < 0 {
			// No path or URL: name the field that should have been one.
			to = 0
			for i, f := range rest {
				if !strings.Contains(f, "=") {
					to = i
					break
				}
			}
			if strings.Contains(rest[to], "=") {
				return rule, []string{"the rule has no target; query conditions such as " + quote(rest[0]) + " go between the source and the target, as in /store id=:id /products/:id 301"}
			}
		}
		for _, q := range rest[:to] {
			name, value, ok := strings.Cut(q, "=")
			if !ok {
				msgs = append(msgs, "the query condition "+quote(q)+" needs a value: write "+q+"=:"+placeholderName(q)+" to require the parameter with any value, or "+q+"=value for one value")
				continue
			}
			rule.Query = append(rule.Query, [2]string{encodeNonASCII(name), encodeNonASCII(value)})
		}
		rule.To = encodeTarget(rest[to])
		rest = rest[to+1:]
	}
	if len(rest) > 0 {
		st, force, msg := parseStatus(rest[0])
		switch {
		case msg != "" && strings.Contains(rest[0], "="):
			return rule, append(msgs, "the condition "+quote(rest[0])+" must come after the status, as in /a /b 302 "+rest[0])
		case msg != "":
			msgs = append(msgs, msg)
		}
		rule.Status, rule.Force = st, force
		rest = rest[1:]
	}
	for _, c := range rest {
		msgs = append(msgs, parseCondition(&rule, c)...)
	}
	if rule.To == "" && len(msgs) == 0 {
		// Netlify's forward rule: "/a/* 200" is "/a/* /a/:splat 200".
		if base, ok := strings.CutSuffix(rule.From, "/*"); ok && rule.Status == 200 {
			rule.To = base + "/:splat"
		} else {
			msgs = append(msgs, "the rule has no target; only a status 200 rule whose source ends in /* may leave it out (it serves each path as itself, as in /admin/* 200)")
		}
	}
	return rule, msgs
}

// isStatusField reports whether f reads as a status ("200", "301!"), not
// as a target or a query condition.
func isStatusField(f string) bool {
	f = strings.TrimSuffix(f, "!")
	if f == "" {
		return false
	}
	for i := 0; i < len(f); i++ {
		if f[i] < '0' || f[i] > '9' {
			return false
		}
	}
	return true
}

// placeholderName suggests a placeholder name for a query parameter.
func placeholderName(q string) string {
	if isName(q) {
		return q
	}
	return "value"
}

// encodeTarget escapes the non-ASCII bytes of a target's path and query.
// A non-ASCII host is left for parseTarget to refuse: escaping it would
// not name the same host.
func encodeTarget(to string) string {
	if hasScheme(to, "http") || hasScheme(to, "https") {
		i := strings.Index(to, "://") + 3
		j := strings.IndexAny(to[i:], "/?#")
		if j < 0 {
			return to
		}
		return to[:i+j] + encodeNonASCII(to[i+j:])
	}
	return encodeNonASCII(to)
}

// parseCondition parses a "Key=v1,v2" field after the status into r.
func parseCondition(r *Redirect, field string) []string {
	key, value, ok := strings.Cut(field, "=")
	if !ok {
		return []string{"unexpected " + quote(field) + " after the status; conditions are written Country=us,ca or Language=en"}
	}
	var list *[]string
	switch strings.ToLower(key) {
	case "country":
		list = &r.Country
	case "language":
		list = &r.Language
	case "role":
		return []string{"Role conditions are not supported: they need Netlify Identity's signed-in roles, which IGNY8 sites do not have"}
	case "sign", "signed", "signing":
		return []string{"signed rules are not supported: they sign requests proxied to another host, and proxying is not supported"}
	case "cookie":
		return []string{"Cookie conditions are not supported"}
	default:
		return []string{"unknown condition " + quote(key) + "; the supported conditions are Country= and Language="}
	}
	if len(*list) > 0 {
		return []string{"the condition " + key + " appears twice; list every value in one, as in " + key + "=a,b"}
	}
	for _, v := range strings.Split(value, ",") {
		*list = append(*list, strings.TrimSpace(v))
	}
	return nil
}

// checkRedirect validates one rule and compiles it. It returns every
// problem with the rule as sentences.
func checkRedirect(r Redirect) (compiled, []string) {
	var msgs []string
	if !validStatus(r.Status) {
		msgs = append(msgs, "status "+strconv.Itoa(r.Status)+" is not supported; use "+statusList)
	}
	if hasScheme(r.From, "http") || hasScheme(r.From, "https") {
		msgs = append(msgs, "domain-level rules such as "+quote(r.From)+" are not supported; the source must be a path starting with /")
		return compiled{}, msgs
	}
	// A _redirects line cannot hold a space in a field; rules given as
	// values must not either, or they could not be written as lines.
	for _, f := range []struct{ what, val string }{{"the source path", r.From}, {"the target", r.To}} {
		if strings.Contains(f.val, " ") {
			return compiled{}, append(msgs, f.what+" "+quote(f.val)+" contains a space; URL-encode it as %20")
		}
	}
	p, msg := parsePattern(r.From)
	if msg != "" {
		return compiled{}, append(msgs, msg)
	}
	if reserved(r.From) {
		return compiled{}, append(msgs, "the source path "+quote(r.From)+" is under "+ReservedPath+", which IGNY8 keeps for the platform's own endpoints; rules cannot change what it serves there")
	}
	c := compiled{rule: r, pat: p}
	msgs = append(msgs, c.compileQuery()...)
	msgs = append(msgs, c.compileConditions()...)
	t, msg := parseTarget(r.To, &c.pat, r.Status)
	if msg != "" {
		msgs = append(msgs, msg)
	}
	c.target = t
	return c, msgs
}

// ReservedPath is the folder of URL paths IGNY8 keeps for the platform's
// own endpoints (health checks, assets of the platform), as Netlify keeps
// /.netlify/. A redirect rule's source may not be there: ReservedPath
// itself, or any path under it. Its name is the first segment once
// percent-decoded, so /%2Eigny8/ is reserved too.
const ReservedPath = "/.igny8/"

// reserved reports whether a rule's source path is ReservedPath or under
// it. from must have valid escapes.
func reserved(from string) bool {
	first, _, _ := strings.Cut(strings.TrimPrefix(from, "/"), "/")
	return unescape(first) == strings.Trim(ReservedPath, "/")
}
