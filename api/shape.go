package api

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/igny8/igny8"
)

// A request type's field may carry an `expect:"…"` tag: the words that
// say what the field must be when the default ("a string", "a whole
// number", …) would not tell a user enough.

// locate walks a JSON body against t, the Go type decode was given, with
// encoding/json's rules, and returns a problem listing every place where
// the body does not fit, each said in words; nil when it finds none.
func locate(body []byte, t reflect.Type) error {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var doc any
	if dec.Decode(&doc) != nil {
		return nil
	}
	var w shapeWalk
	w.walk(doc, t, "", "")
	if len(w.errs) == 0 {
		return nil
	}
	if len(w.errs) == 1 {
		return w.errs[0]
	}
	errs := make([]error, len(w.errs))
	for i, p := range w.errs {
		errs[i] = p
	}
	return joinProblems(errs...)
}

// maxShapeProblems bounds the problems one body reports.
const maxShapeProblems = 20

type shapeWalk struct{ errs []*Problem }

var (
	unmarshalerType = reflect.TypeFor[json.Unmarshaler]()
)

// walk checks value v (decoded with UseNumber) at pointer ptr against t;
// expect is the field's expect tag.
func (w *shapeWalk) walk(v any, t reflect.Type, ptr, expect string) {
	if v == nil || len(w.errs) >= maxShapeProblems {
		return // null leaves any Go value as it is
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	fits := true
	switch {
	case t == timeType:
		s, ok := v.(string)
		_, err := time.Parse(time.RFC3339, s)
		fits = ok && err == nil
	case t == rawType:
	case reflect.PointerTo(t).Implements(unmarshalerType):
		// A type with its own decoding has its own rules.
	case t.Kind() == reflect.Struct:
		obj, ok := v.(map[string]any)
		if fits = ok; ok {
			w.object(obj, t, ptr)
		}
	case t.Kind() == reflect.Map:
		obj, ok := v.(map[string]any)
		if fits = ok; ok {
			for _, k := range slices.Sorted(maps.Keys(obj)) {
				w.walk(obj[k], t.Elem(), ptr+"/"+escapePointer(k), "")
			}
		}
	case t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.Uint8:
		_, fits = v.(string) // base64
	case t.Kind() == reflect.Slice || t.Kind() == reflect.Array:
		items, ok := v.([]any)
		if fits = ok; ok {
			for i, item := range items {
				w.walk(item, t.Elem(), ptr+"/"+strconv.Itoa(i), "")
			}
		}
	case t.Kind() == reflect.String:
		_, fits = v.(string)
	case t.Kind() == reflect.Bool:
		_, fits = v.(bool)
	case t.Kind() >= reflect.Int && t.Kind() <= reflect.Int64:
		n, ok := v.(json.Number)
		_, err := strconv.ParseInt(string(n), 10, t.Bits())
		fits = ok && err == nil
	case t.Kind() >= reflect.Uint && t.Kind() <= reflect.Uintptr:
		n, ok := v.(json.Number)
		_, err := strconv.ParseUint(string(n), 10, t.Bits())
		fits = ok && err == nil
	case t.Kind() == reflect.Float32 || t.Kind() == reflect.Float64:
		_, fits = v.(json.Number)
	}
	if !fits {
		w.mismatch(ptr, expected(t, expect), got(v, t))
	}
}

// object checks the members of a JSON object against struct type t.
func (w *shapeWalk) object(obj map[string]any, t reflect.Type, ptr string) {
	fields := jsonFields(t)
	for _, k := range slices.Sorted(maps.Keys(obj)) {
		f, ok := fieldNamed(fields, k)
		if !ok {
			w.unknown(ptr, k, fields)
			continue
		}
		w.walk(obj[k], f.typ, ptr+"/"+escapePointer(k), f.expect)
	}
}

func (w *shapeWalk) mismatch(ptr, want, got string) {
	if ptr == "" {
		w.errs = append(w.errs, problem(igny8.EInvalid, fmt.Sprintf("The body must be %s, not %s.", want, got)))
		return
	}
	w.errs = append(w.errs, invalidField(ptr, fmt.Sprintf("%s must be %s, not %s.", ptr, want, got)))
}

func (w *shapeWalk) unknown(ptr, name string, fields []jsonField) {
	names := make([]string, len(fields))
	for i, f := range fields {
		names[i] = f.name
	}
	where := ""
	if ptr != "" {
		where = " in " + ptr
	}
	accepted := "this request takes no fields"
	if len(names) > 0 {
		accepted = "the accepted fields are " + strings.Join(names, ", ")
	}
	w.errs = append(w.errs, invalidField(ptr+"/"+escapePointer(name), fmt.Sprintf("Unknown field %q%s: %s.", name, where, accepted)))
}

// jsonField is a field as encoding/json sees it.
type jsonField struct {
	name, expect string
	typ          reflect.Type
}

// jsonFields lists the JSON fields of struct type t in declaration
// order, with embedded structs' fields in place.
func jsonFields(t reflect.Type) []jsonField {
	var out []jsonField
	for f := range t.Fields() {
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, _, _ := strings.Cut(tag, ",")
		ft := f.Type
		if f.Anonymous && name == "" {
			for ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if ft.Kind() == reflect.Struct {
				out = append(out, jsonFields(ft)...)
				continue
			}
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		out = append(out, jsonField{name: name, expect: f.Tag.Get("expect"), typ: f.Type})
	}
	return out
}

// fieldNamed finds the field a JSON key fills: the exact name first, then
// one that differs only in case, as encoding/json does.
func fieldNamed(fields []jsonField, key string) (jsonField, bool) {
	for _, f := range fields {
		if f.name == key {
			return f, true
		}
	}
	for _, f := range fields {
		if strings.EqualFold(f.name, key) {
			return f, true
		}
	}
	return jsonField{}, false
}

func escapePointer(s string) string {
	return strings.NewReplacer("~", "~0", "/", "~1").Replace(s)
}
