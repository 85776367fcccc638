package rules

import (
	"strconv"
	"strings"
)

// Query conditions follow Netlify: every parameter a rule lists must be in
// the request's query, "name=:placeholder" takes any non-empty value and
// binds it for the target, "name=value" wants exactly that value (both
// compared in canonical form, so %7E and ~ are equal), and parameters the
// rule does not list are allowed. A parameter given twice counts with its
// first value. A query is compared in canonical form, in which "?", "#",
// spaces, control and non-ASCII bytes are escaped, so a bound value can
// neither end the target's path nor break the Location header; a target
// with a . or .. segment after substitution is not applied.
//
// Country and Language conditions hold lists; a rule applies when the
// visitor's country is one of its countries and their language one of its
// languages. See Request for where the edge takes them from.

// qcond is a compiled query condition.
type qcond struct {
	name    string // canonical
	value   string // canonical literal, when capture < 0
	capture int    // index into the captures, or -1
}

// compileQuery checks r.Query into c.query, adding its placeholders to
// c.pat.names.
func (c *compiled) compileQuery() []string {
	var msgs []string
	seen := map[string]bool{}
	for _, q := range c.rule.Query {
		name, value := q[0], q[1]
		if msg := checkQueryPart(name, "the query parameter name"); msg != "" {
			msgs = append(msgs, msg)
			continue
		}
		if name == "" {
			msgs = append(msgs, "a query condition has an empty parameter name; write name=value")
			continue
		}
		if cn := canon(name); seen[cn] {
			msgs = append(msgs, "the query parameter "+quote(name)+" is listed twice")
			continue
		} else {
			seen[cn] = true
		}
		qc := qcond{name: canon(name), capture: -1}
		if p, ok := strings.CutPrefix(value, ":"); ok {
			switch {
			case !isName(p):
				msgs = append(msgs, "placeholder "+quote(value)+" must be a colon and a name of letters, digits and _ starting with a letter")
				continue
			case p == "splat":
				msgs = append(msgs, "the placeholder name :splat is reserved for *")
				continue
			}
			dup := false
			for _, n := range c.pat.names {
				dup = dup || n == p
			}
			if dup {
				msgs = append(msgs, "placeholder :"+p+" appears twice in the rule")
				continue
			}
			qc.capture = len(c.pat.names)
			c.pat.names = append(c.pat.names, p)
		} else {
			if msg := checkQueryPart(value, "the query parameter value"); msg != "" {
				msgs = append(msgs, msg)
				continue
			}
			qc.value = canon(value)
		}
		c.query = append(c.query, qc)
	}
	return msgs
}

// checkQueryPart checks a query condition's name or literal value.
func checkQueryPart(s, what string) string {
	if msg := checkText(s, what); msg != "" {
		return msg
	}
	if msg := checkASCII(s, what); msg != "" {
		return msg
	}
	if !validEscapes(s) {
		return what + " " + quote(s) + " has a % that does not start a %XX escape; write a literal % as %25"
	}
	if strings.ContainsAny(s, "&#? ") {
		return what + " " + quote(s) + " must not contain &, #, ? or spaces; URL-encode them"
	}
	return ""
}

// compileConditions checks r.Country and r.Language into c.
func (c *compiled) compileConditions() []string {
	var msgs []string
	for _, v := range c.rule.Country {
		if len(v) != 2 || !isLetter(v[0]) || !isLetter(v[1]) {
			msgs = append(msgs, "the country "+quote(v)+" is not a two-letter ISO 3166 code such as us or de")
			continue
		}
		c.country = append(c.country, strings.ToUpper(v))
	}
	for _, v := range c.rule.Language {
		if !validLanguageTag(v) {
			msgs = append(msgs, "the language "+quote(v)+" is not a language tag such as en, pt-br or zh-hant")
			continue
		}
		c.language = append(c.language, strings.ToLower(v))
	}
	return msgs
}

// validLanguageTag accepts BCP 47 tags in their common shape: a primary
// subtag of 1–8 letters, then subtags of 1–8 letters and digits.
func validLanguageTag(s string) bool {
	for i, sub := range strings.Split(s, "-") {
		if len(sub) < 1 || len(sub) > 8 {
			return false
		}
		for j := 0; j < len(sub); j++ {
			if c := sub[j]; !isLetter(c) && (i == 0 || c < '0' || c > '9') {
				return false
			}
		}
	}
	return true
}

// matchQuery reports whether rawQuery (canonical) satisfies c's query
// conditions, storing bound values into caps when it is non-nil.
func (c *compiled) matchQuery(rawQuery string, caps []string) bool {
	for _, qc := range c.query {
		v, ok := queryValue(rawQuery, qc.name)
		if !ok {
			return false
		}
		if qc.capture < 0 {
			if v != qc.value {
				return false
			}
			continue
		}
		if v == "" {
			return false
		}
		if caps != nil {
			caps[qc.capture] = v
		}
	}
	return true
}

// queryValue returns the value of the first parameter named name in a
// canonical raw query; "a" without "=" has the empty value.
func queryValue(q, name string) (string, bool) {
	for q != "" {
		var pair string
		pair, q, _ = strings.Cut(q, "&")
		n, v, _ := strings.Cut(pair, "=")
		if n == name {
			return v, true
		}
	}
	return "", false
}

// preferredLanguage returns the language range an Accept-Language header
// prefers: the one with the highest q above 0, the first of equals, "*"
// left out; "" when there is none.
func preferredLanguage(accept string) string {
	best, bestQ := "", 0.0
	for rest := accept; rest != ""; {
		var part string
		part, rest, _ = strings.Cut(rest, ",")
		tag, params, _ := strings.Cut(part, ";")
		tag = strings.TrimSpace(tag)
		if tag == "" || tag == "*" || !validLanguageTag(tag) {
			continue
		}
		q := 1.0
		for params != "" {
			var p string
			p, params, _ = strings.Cut(params, ";")
			k, v, ok := strings.Cut(strings.TrimSpace(p), "=")
			if ok && strings.EqualFold(strings.TrimSpace(k), "q") {
				f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
				if err != nil || f < 0 || f > 1 {
					f = 0
				}
				q = f
			}
		}
		if q > bestQ {
			best, bestQ = tag, q
		}
	}
	return best
}

// languageMatches reports whether a rule's language (lower case) covers
// the visitor's tag: the same tag, or its prefix up to a "-", so "en"
// covers "en-GB" but "en-gb" not "en".
func languageMatches(rule, tag string) bool {
	if len(tag) < len(rule) || !strings.EqualFold(tag[:len(rule)], rule) {
		return false
	}
	return len(tag) == len(rule) || tag[len(rule)] == '-'
}
