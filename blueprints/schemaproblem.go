package blueprints

import (
	"encoding/json"
	"fmt"
	"math/big"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"
)

// schemaProblems turns a validation error into Problems under base, one
// sentence per mistake that names the field and says what it must be. inst
// is the value that was validated; offending values are quoted from it.
//
// It also returns the pointers of the values the schema could not make
// sense of (a wrong type, a value not allowed, an unknown or missing
// field): any other check of them, or of what they hold, would only repeat
// the problem in other words.
func schemaProblems(base string, err error, inst any) (Problems, []string) {
	ve, ok := err.(*jsonschema.ValidationError)
	if !ok {
		// Only a broken embedded schema gets here; tests compile them all.
		return Problems{{Pointer: base, Message: "could not be checked against the format reference"}}, []string{base}
	}
	set := schemas()
	var out, nameProblems Problems
	var opaque []string
	var walk func(e *jsonschema.ValidationError)
	walk = func(e *jsonschema.ValidationError) {
		switch k := e.ErrorKind.(type) {
		case *kind.PropertyNames:
			at := ptr(ptr(base, anySlice(propertyNamesAt(e))...), k.Property)
			nameProblems = append(nameProblems, Problem{Pointer: at, Message: fmt.Sprintf("the name %s is not allowed here: names here must be %s",
				code(k.Property), set.expect(set.at[schemaKey(e.SchemaURL)]))})
			opaque = append(opaque, at)
			return
		case *kind.OneOf:
			at := ptr(base, anySlice(e.InstanceLocation)...)
			msg, ok := oneOfSentences[schemaKey(e.SchemaURL)]
			if !ok {
				msg = "must match exactly one of the forms the format reference describes"
			}
			out = append(out, Problem{Pointer: at, Message: fieldName(at) + " " + msg})
			opaque = append(opaque, at)
			return
		}
		if len(e.Causes) > 0 {
			for _, c := range e.Causes {
				walk(c)
			}
			return
		}
		ps := set.problems(base, e, inst)
		out = append(out, ps...)
		switch e.ErrorKind.(type) {
		case *kind.MinLength, *kind.MaxLength, *kind.MinItems, *kind.MaxItems, *kind.UniqueItems,
			*kind.Minimum, *kind.Maximum, *kind.ExclusiveMinimum, *kind.ExclusiveMaximum,
			*kind.MinProperties, *kind.MaxProperties:
			// Too long, too many, too large: the value still means what it
			// says, so the other checks of it stay useful.
		default:
			for _, p := range ps {
				opaque = append(opaque, p.Pointer)
			}
		}
	}
	walk(ve)
	if len(nameProblems) > 0 {
		// What sits under a name that is not allowed is not worth a word more.
		names := pointerSet{}
		for _, p := range nameProblems {
			names[p.Pointer] = true
		}
		out = slices.DeleteFunc(out, func(p Problem) bool { return names.covers(p.Pointer) })
	}
	return append(out, nameProblems...), opaque
}

// propertyNamesAt returns the instance location of the object whose
// property name failed a propertyNames check. The library's own location
// for this error is not reliable (it can hold the tokens of a later
// location), so it is read off the schema location instead, which works
// for a propertyNames reached through "properties" alone, as all of the
// blueprint schema's are.
func propertyNamesAt(e *jsonschema.ValidationError) []string {
	_, frag, _ := strings.Cut(e.SchemaURL, "#")
	tokens := strings.Split(strings.TrimPrefix(frag, "/"), "/")
	if len(tokens)%2 != 1 || tokens[len(tokens)-1] != "propertyNames" {
		return e.InstanceLocation
	}
	var loc []string
	for i := 0; i+1 < len(tokens); i += 2 {
		if tokens[i] != "properties" {
			return e.InstanceLocation
		}
		loc = append(loc, unescapeToken(tokens[i+1]))
	}
	return loc
}

// problems words one leaf validation error.
func (set *schemaSet) problems(base string, e *jsonschema.ValidationError, inst any) Problems {
	at := ptr(base, anySlice(e.InstanceLocation)...)
	s := set.at[schemaKey(e.SchemaURL)]
	val, _ := instanceAt(inst, e.InstanceLocation)
	name := fieldName(at)
	must := func(rest string) Problems {
		return Problems{{Pointer: at, Message: name + " must be " + set.expect(s) + rest}}
	}
	switch k := e.ErrorKind.(type) {
	case *kind.Required:
		var out Problems
		for _, m := range k.Missing {
			when := requiredWhen[schemaKey(e.SchemaURL)]
			if when != "" {
				when = " " + when
			}
			msg := fmt.Sprintf("required%s: add %s (%s)", when, code(m), set.expect(set.property(s, m)))
			out = append(out, Problem{Pointer: ptr(at, m), Message: msg})
		}
		return out
	case *kind.AdditionalProperties:
		var out Problems
		for _, p := range k.Properties {
			out = append(out, Problem{Pointer: ptr(at, p), Message: unknownField(p, s)})
		}
		return out
	case *kind.Type:
		return Problems{{Pointer: at, Message: name + " must be " + set.expectType(s) + ", not " + typeOf(val) + quotesHint(k.Want, val)}}
	case *kind.Enum, *kind.Const, *kind.Pattern, *kind.Format, *kind.Minimum, *kind.Maximum,
		*kind.ExclusiveMinimum, *kind.ExclusiveMaximum, *kind.MultipleOf:
		if f, ok := k.(*kind.Format); ok && schemaHints[schemaKey(e.SchemaURL)] == "" {
			return Problems{{Pointer: at, Message: name + " must be " + formatPhrase(f.Want) + ", not " + quote(val)}}
		}
		return must(", not " + quote(val))
	case *kind.MinLength:
		if k.Got == 0 {
			return must("; it is empty")
		}
		return must("; it has " + number(k.Got) + plural(k.Got, " character", " characters"))
	case *kind.MaxLength:
		return must("; it has " + number(k.Got) + " characters")
	case *kind.MinItems:
		if k.Got == 0 {
			return must("; it is empty")
		}
		return must("; it has " + number(k.Got) + plural(k.Got, " entry", " entries"))
	case *kind.MaxItems:
		return must("; it has " + number(k.Got) + " entries")
	case *kind.UniqueItems:
		dup, _ := instanceAt(val, []string{strconv.Itoa(k.Duplicates[1])})
		return Problems{{Pointer: at, Message: fmt.Sprintf("%s lists %s twice; list each value once", name, quote(dup))}}
	case *kind.MinProperties:
		return Problems{{Pointer: at, Message: fmt.Sprintf("%s must have at least %d %s; it has %d", name, k.Want, plural(k.Want, "field", "fields"), k.Got)}}
	case *kind.MaxProperties:
		return Problems{{Pointer: at, Message: fmt.Sprintf("%s may have at most %d %s; it has %d", name, k.Want, plural(k.Want, "field", "fields"), k.Got)}}
	case *kind.DependentRequired:
		return Problems{{Pointer: ptr(at, k.Missing[0]), Message: fmt.Sprintf("required when %s is set: add %s", code(k.Prop), code(k.Missing[0]))}}
	case *kind.FalseSchema:
		return Problems{{Pointer: at, Message: name + " is not allowed here; remove it"}}
	default:
		return Problems{{Pointer: at, Message: name + " is not valid here; see the format reference, docs/blueprints.md"}}
	}
}

// property returns the schema of an object schema's property name, looking
// through $ref and, for the then and else of a conditional, in the object
// schema around it.
func (set *schemaSet) property(s *jsonschema.Schema, name string) *jsonschema.Schema {
	for cur := s; cur != nil; cur = cur.Ref {
		if p := cur.Properties[name]; p != nil {
			return p
		}
	}
	if s != nil {
		for _, suffix := range []string{"/then", "/else"} {
			if outer, ok := strings.CutSuffix(s.Location, suffix); ok {
				return set.property(set.at[schemaKey(outer)], name)
			}
		}
	}
	return nil
}

// unknownField says a property is not in the object's schema, suggests the
// nearest known name and lists them all.
func unknownField(name string, s *jsonschema.Schema) string {
	var known []string
	for cur := s; cur != nil; cur = cur.Ref {
		for k := range cur.Properties {
			if !strings.HasPrefix(k, "$") {
				known = append(known, k)
			}
		}
	}
	slices.Sort(known)
	msg := "unknown field " + code(name)
	if len(known) == 0 {
		return msg + "; remove it"
	}
	best, dist := "", 3
	lower := strings.ToLower(name)
	for _, k := range known {
		d := editDistance(lower, strings.ToLower(k))
		if len(k) >= 4 && (strings.HasPrefix(lower, k) || strings.HasPrefix(k, lower)) {
			d = min(d, 2) // sitename for site, head for heading
		}
		if d < dist && d < len(k) {
			best, dist = k, d
		}
	}
	quoted := make([]string, len(known))
	for i, k := range known {
		quoted[i] = code(k)
	}
	if best != "" {
		return msg + "; did you mean " + code(best) + "? The fields here are " + orList(quoted, "and") + "."
	}
	return msg + "; the fields here are " + orList(quoted, "and") + "."
}

// expect says in words which values a schema accepts: its sentence from
// schemaHints, or one built from its type, enum and limits.
func (set *schemaSet) expect(s *jsonschema.Schema) string {
	phrase, _ := set.expectation(s)
	return phrase
}

// expectType is expect for a value of the wrong type: for a plain type it
// adds how JSON writes one (in quotes, in square brackets…).
func (set *schemaSet) expectType(s *jsonschema.Schema) string {
	_, typed := set.expectation(s)
	return typed
}

// expectation returns what expect and expectType say.
func (set *schemaSet) expectation(s *jsonschema.Schema) (phrase, typed string) {
	if s == nil {
		return "what the format reference describes", "what the format reference describes"
	}
	// Walk the $ref chain from the outside in: the first hint wins, and
	// outer keywords override inner ones (a Markdown field with its own
	// maxLength).
	var (
		noun                 string
		types                []string
		enum                 []any
		konst                *any
		minLen, maxLen       *int
		minItems, maxItems   *int
		minimum, maximum     *big.Rat
		exclMin, exclMax     *big.Rat
		hasEnum, hasConstant bool
	)
	for cur := s; cur != nil; cur = cur.Ref {
		key := schemaKey(cur.Location)
		if h, ok := schemaHints[key]; ok {
			return h, h
		}
		if n, ok := schemaNouns[key]; ok && noun == "" {
			noun = n
		}
		if types == nil && cur.Types != nil {
			types = cur.Types.ToStrings()
		}
		if !hasEnum && cur.Enum != nil {
			enum, hasEnum = cur.Enum.Values, true
		}
		if !hasConstant && cur.Const != nil {
			konst, hasConstant = cur.Const, true
		}
		minLen, maxLen = cmpOr(minLen, cur.MinLength), cmpOr(maxLen, cur.MaxLength)
		minItems, maxItems = cmpOr(minItems, cur.MinItems), cmpOr(maxItems, cur.MaxItems)
		minimum, maximum = cmpOr(minimum, cur.Minimum), cmpOr(maximum, cur.Maximum)
		exclMin, exclMax = cmpOr(exclMin, cur.ExclusiveMinimum), cmpOr(exclMax, cur.ExclusiveMaximum)
	}
	switch {
	case hasConstant:
		return quote(*konst), quote(*konst)
	case hasEnum:
		vals := make([]string, len(enum))
		for i, v := range enum {
			vals[i] = quote(v)
		}
		if len(vals) == 1 {
			return vals[0], vals[0]
		}
		return "one of " + strings.Join(vals, ", "), "one of " + strings.Join(vals, ", ")
	}
	var phrases, typedPhrases []string
	for _, t := range types {
		var p, tp string
		switch t {
		case "string":
			p = cmpOrString(noun, "text") + lengthClause(minLen, maxLen)
			tp = p + " (in quotes)"
		case "integer":
			p = "a whole number" + rangeClause(minimum, maximum, exclMin, exclMax)
			tp = p + " (without quotes)"
		case "number":
			p = "a number" + rangeClause(minimum, maximum, exclMin, exclMax)
			tp = p + " (without quotes)"
		case "boolean":
			p, tp = "true or false", "boolean: true or false, without quotes"
		case "array":
			p = "a list" + countClause(minItems, maxItems)
			tp = p + " (in square brackets)"
		case "object":
			p, tp = "an object", "an object (in curly braces)"
		case "null":
			p, tp = "null", "null"
		}
		phrases, typedPhrases = append(phrases, p), append(typedPhrases, tp)
	}
	if len(phrases) == 0 {
		return "what the format reference describes", "what the format reference describes"
	}
	return orList(phrases, "or"), orList(typedPhrases, "or")
}

func lengthClause(lo, hi *int) string {
	switch {
	case lo != nil && *lo > 0 && hi != nil:
		return " of " + number(*lo) + " to " + number(*hi) + " characters"
	case hi != nil:
		return " of at most " + number(*hi) + " characters"
	case lo != nil && *lo == 1:
		return " that is not empty"
	case lo != nil && *lo > 1:
		return " of at least " + number(*lo) + " characters"
	}
	return ""
}

func countClause(lo, hi *int) string {
	switch {
	case lo != nil && *lo > 0 && hi != nil:
		return " of " + number(*lo) + " to " + number(*hi) + " entries"
	case hi != nil:
		return " of at most " + number(*hi) + " entries"
	case lo != nil && *lo == 1:
		return " with at least one entry"
	case lo != nil && *lo > 1:
		return " of at least " + number(*lo) + " entries"
	}
	return ""
}

// number writes a count with thousands separators: 10,000.
func number(n int) string {
	s := strconv.Itoa(n)
	if n < 0 || len(s) <= 3 {
		return s
	}
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	return b.String()
}

func rangeClause(lo, hi, exclLo, exclHi *big.Rat) string {
	switch {
	case lo != nil && hi != nil:
		return " from " + lo.RatString() + " to " + hi.RatString()
	case lo != nil:
		return " of at least " + lo.RatString()
	case hi != nil:
		return " of at most " + hi.RatString()
	case exclLo != nil:
		return " greater than " + exclLo.RatString()
	case exclHi != nil:
		return " less than " + exclHi.RatString()
	}
	return ""
}

// fieldName names the value at a pointer for a sentence: `base_url`, each
// entry of `pages`, or the blueprint.
func fieldName(pointer string) string {
	if pointer == "" {
		return "the blueprint"
	}
	tokens := strings.Split(pointer[1:], "/")
	last := unescapeToken(tokens[len(tokens)-1])
	if _, err := strconv.Atoi(last); err == nil {
		if len(tokens) == 1 {
			return "each entry"
		}
		return "each entry of " + code(unescapeToken(tokens[len(tokens)-2]))
	}
	return code(last)
}

func unescapeToken(t string) string {
	return strings.ReplaceAll(strings.ReplaceAll(t, "~1", "/"), "~0", "~")
}

// code marks a field name as it is written in the blueprint.
func code(name string) string { return "`" + name + "`" }

// instanceAt walks a decoded JSON value by pointer tokens.
func instanceAt(v any, tokens []string) (any, bool) {
	for _, t := range tokens {
		switch c := v.(type) {
		case map[string]any:
			var ok bool
			if v, ok = c[t]; !ok {
				return nil, false
			}
		case []any:
			i, err := strconv.Atoi(t)
			if err != nil || i < 0 || i >= len(c) {
				return nil, false
			}
			v = c[i]
		default:
			return nil, false
		}
	}
	return v, true
}

// quote writes a JSON value as a person would see it in the blueprint:
// strings in quotes (shortened), numbers and booleans as they are.
func quote(v any) string {
	switch v := v.(type) {
	case string:
		return strconv.Quote(truncate(v, 80))
	case json.Number:
		return v.String()
	case float64:
		return strconv.FormatFloat(v, 'g', -1, 64)
	case bool:
		return strconv.FormatBool(v)
	case nil:
		return "null"
	case map[string]any:
		return "an object"
	case []any:
		return "a list"
	}
	return fmt.Sprint(v)
}

// typeOf describes a value of the wrong type: the text "5", the number 5.
func typeOf(v any) string {
	switch v.(type) {
	case string:
		return "the text " + quote(v)
	case json.Number, float64:
		return "the number " + quote(v)
	case bool, nil:
		return quote(v)
	case map[string]any:
		return "an object"
	case []any:
		return "a list"
	}
	return quote(v)
}

// quotesHint adds advice when a number or true/false was written in quotes.
func quotesHint(want []string, v any) string {
	s, ok := v.(string)
	if !ok {
		return ""
	}
	for _, w := range want {
		_, numErr := strconv.ParseFloat(s, 64)
		if (w == "integer" || w == "number") && numErr == nil || w == "boolean" && (s == "true" || s == "false") {
			return "; remove the quotes"
		}
	}
	return ""
}

func formatPhrase(format string) string {
	if p, ok := formatPhrases[format]; ok {
		return p
	}
	return "a valid " + format
}

// orList joins "a", "b" and "c" as "a, b or c" (or "and").
func orList(items []string, conj string) string {
	switch len(items) {
	case 0:
		return ""
	case 1:
		return items[0]
	}
	return strings.Join(items[:len(items)-1], ", ") + " " + conj + " " + items[len(items)-1]
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

func cmpOr[T any](a, b *T) *T {
	if a != nil {
		return a
	}
	return b
}

func cmpOrString(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// editDistance is the Levenshtein distance of two short strings.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(b)]
}

func anySlice(s []string) []any {
	out := make([]any, len(s))
	for i, v := range s {
		out[i] = v
	}
	return out
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	// Cut at a rune boundary so a message never holds half a character.
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}
