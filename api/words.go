package api

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
)

// expected says in words what a value of Go type t must be in JSON;
// expect, a field's expect tag, wins when set. No Go type name ever shows.
func expected(t reflect.Type, expect string) string {
	if expect != "" {
		return expect
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch {
	case t == timeType:
		return "a date and time string such as 2026-12-02T21:55:42Z (RFC 3339)"
	case t == rawType:
		return "any JSON value"
	case t == roleType:
		return "one of the roles owner, admin, editor, viewer (a string)"
	case t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.Uint8:
		return "a base64 string"
	}
	switch t.Kind() {
	case reflect.Struct, reflect.Map:
		return "a JSON object"
	case reflect.Slice, reflect.Array:
		return "a list of " + plural(expected(t.Elem(), ""))
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return "a whole number"
	case reflect.Float32, reflect.Float64:
		return "a number"
	}
	return "a JSON value"
}

// plural turns "a string" into "strings" for "a list of strings".
func plural(words string) string {
	switch words {
	case "true or false":
		return "true/false values"
	case "any JSON value", "a JSON value":
		return "JSON values"
	}
	if rest, ok := strings.CutPrefix(words, "a list of "); ok {
		return "lists of " + rest
	}
	w := strings.TrimPrefix(words, "a ")
	if head, tail, ok := strings.Cut(w, " "); ok && head != "whole" && head != "JSON" && head != "base64" && head != "date" {
		return head + "s " + tail
	}
	if head, tail, ok := strings.Cut(w, " such as"); ok {
		return head + "s such as" + tail
	}
	return w + "s"
}

// got says in words what a decoded JSON value (with UseNumber) is; for a
// Go type t that wants a whole number or a time, it shows the value.
func got(v any, t reflect.Type) string {
	switch v := v.(type) {
	case map[string]any:
		return "a JSON object"
	case []any:
		return "a list"
	case string:
		if t == timeType {
			return fmt.Sprintf("%q", v)
		}
		return "a string"
	case json.Number:
		if k := t.Kind(); k >= reflect.Int && k <= reflect.Uintptr {
			return string(v)
		}
		return "a number"
	case bool:
		return fmt.Sprint(v)
	}
	return "null"
}

// jsonWords says in words what encoding/json calls a JSON value's kind
// ("string", "number", "number 1.5", "bool", "array", "object").
func jsonWords(kind string) string {
	kind, _, _ = strings.Cut(kind, " ") // "number 1.5"
	switch kind {
	case "string":
		return "a string"
	case "number":
		return "a number"
	case "bool":
		return "true or false"
	case "array":
		return "a list"
	case "object":
		return "a JSON object"
	}
	return kind
}
