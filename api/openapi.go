package api

import (
	"cmp"
	"encoding/json"
	"net/http"
	"reflect"
	"regexp"
	"strings"
	"time"

	"github.com/igny8/igny8"
)

// metaRoutes describe the API itself.
func (s *server) metaRoutes() []*route {
	return []*route{
		{method: "GET", pattern: "/v1/openapi.json", id: "openapi", tag: "meta", summary: "This API's OpenAPI 3.1 document", status: 200, serve: s.openapi},
	}
}

// openapi serves the OpenAPI 3.1 document, generated from the route table
// so that it cannot drift from what the router serves.
func (s *server) openapi(w http.ResponseWriter, r *http.Request) (int, any, error) {
	return 200, s.document(), nil
}

func (s *server) document() map[string]any {
	s.docOnce.Do(func() { s.doc = s.buildDocument() })
	return s.doc
}

func (s *server) buildDocument() map[string]any {
	g := &schemaGen{components: map[string]any{}}
	paths := map[string]map[string]any{}
	for _, rt := range s.routes {
		op := map[string]any{
			"operationId": rt.id,
			"summary":     rt.summary,
			"tags":        []string{rt.tag},
		}
		var params []any
		for _, m := range pathParam.FindAllStringSubmatch(rt.pattern, -1) {
			typ := map[string]any{"type": "integer", "minimum": 1}
			if m[1] == "pageID" || m[1] == "slug" {
				typ = map[string]any{"type": "string"}
			}
			params = append(params, map[string]any{"name": m[1], "in": "path", "required": true, "schema": typ})
		}
		if rt.list && !rt.whole {
			params = append(params,
				map[string]any{"name": "limit", "in": "query", "schema": map[string]any{"type": "integer", "minimum": 1, "maximum": maxLimit, "default": defaultLimit}},
				map[string]any{"name": "cursor", "in": "query", "description": "next_cursor of the previous page", "schema": map[string]any{"type": "string"}})
		}
		for _, q := range rt.query {
			sch := map[string]any{"type": "string"}
			if len(q.enum) > 0 {
				sch["enum"] = q.enum
			}
			if q.format != "" {
				sch["format"] = q.format
			}
			p := map[string]any{"name": q.name, "in": cmp.Or(q.in, "query"), "description": q.description, "schema": sch}
			if q.required {
				p["required"] = true
			}
			params = append(params, p)
		}
		if rt.method == http.MethodPost && rt.role != "" {
			params = append(params, map[string]any{"name": "Idempotency-Key", "in": "header",
				"description": "Repeat a POST safely: the same key and request get the first answer again, with no second effect.",
				"schema":      map[string]any{"type": "string", "maxLength": 255}})
		}
		if params != nil {
			op["parameters"] = params
		}
		switch {
		case rt.rawIn:
			op["requestBody"] = map[string]any{"required": true, "description": "The file's bytes; Content-Type says its type.",
				"content": map[string]any{"*/*": map[string]any{"schema": map[string]any{"type": "string", "contentMediaType": "application/octet-stream"}}}}
		case rt.in != nil:
			op["requestBody"] = map[string]any{"required": true, "content": map[string]any{
				"application/json": map[string]any{"schema": g.schema(reflect.TypeOf(rt.in))}}}
		}
		resp := map[string]any{"description": http.StatusText(rt.status)}
		if rt.rawOut {
			resp["content"] = map[string]any{"*/*": map[string]any{"schema": map[string]any{"type": "string", "contentMediaType": "application/octet-stream"}}}
		} else if rt.out != nil {
			sch := g.schema(reflect.TypeOf(rt.out))
			if rt.list {
				sch = map[string]any{"type": "object", "required": []string{"items"}, "properties": map[string]any{
					"items":       map[string]any{"type": "array", "items": sch},
					"next_cursor": map[string]any{"type": "string"},
				}}
			}
			resp["content"] = map[string]any{"application/json": map[string]any{"schema": sch}}
		}
		responses := map[string]any{itoa(rt.status): resp, "default": map[string]any{
			"description": "A problem (RFC 9457)",
			"content":     map[string]any{"application/problem+json": map[string]any{"schema": g.schema(reflect.TypeOf(Problem{}))}},
		}}
		op["responses"] = responses
		if rt.role != "" {
			op["security"] = []any{map[string]any{"bearer": []string{}}}
			op["x-igny8-min-role"] = rt.role
			if rt.system {
				op["x-igny8-system-only"] = true
			}
		} else {
			op["security"] = []any{}
		}
		if paths[rt.pattern] == nil {
			paths[rt.pattern] = map[string]any{}
		}
		paths[rt.pattern][strings.ToLower(rt.method)] = op
	}
	version := s.cfg.Version
	if version == "" {
		version = "dev"
	}
	doc := map[string]any{
		"openapi": "3.1.0",
		"info": map[string]any{
			"title":       "IGNY8 Sites API",
			"version":     version,
			"description": "Accounts, sites, blueprints, pages and deploys. Errors are RFC 9457 problems with a stable code; lists are cursor-paginated; POSTs accept an Idempotency-Key.",
		},
		"paths": paths,
		"components": map[string]any{
			"schemas": g.components,
			"securitySchemes": map[string]any{
				"bearer": map[string]any{"type": "http", "scheme": "bearer", "description": "An API token (igny8_…) from POST /v1/login or POST /v1/tokens."},
			},
		},
	}
	// Round-trip through JSON so the cached value is plain data.
	b, _ := json.Marshal(doc)
	var plain map[string]any
	json.Unmarshal(b, &plain)
	return plain
}

var pathParam = regexp.MustCompile(`\{([A-Za-z]+)\}`)

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}

// schemaGen derives JSON Schemas from Go types by their json tags; named
// struct types become components.
type schemaGen struct {
	components map[string]any
}

var (
	timeType = reflect.TypeOf(time.Time{})
	rawType  = reflect.TypeOf(json.RawMessage(nil))
	roleType = reflect.TypeOf(igny8.Role(""))
	docType  = reflect.TypeOf(blueprintDoc(nil))
)

func (g *schemaGen) schema(t reflect.Type) map[string]any {
	switch t {
	case timeType:
		return map[string]any{"type": "string", "format": "date-time"}
	case rawType:
		return map[string]any{"description": "any JSON value"}
	case roleType:
		return map[string]any{"type": "string", "enum": []string{"owner", "admin", "editor", "viewer"}}
	case docType:
		return map[string]any{"type": "object", "description": "A whole blueprint; see docs/blueprints.md and the blueprint JSON Schema."}
	}
	switch t.Kind() {
	case reflect.Pointer:
		s := g.schema(t.Elem())
		if ty, ok := s["type"].(string); ok {
			c := map[string]any{}
			for k, v := range s {
				c[k] = v
			}
			c["type"] = []string{ty, "null"}
			return c
		}
		return map[string]any{"oneOf": []any{s, map[string]any{"type": "null"}}}
	case reflect.String:
		return map[string]any{"type": "string"}
	case reflect.Bool:
		return map[string]any{"type": "boolean"}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64, reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return map[string]any{"type": "integer"}
	case reflect.Float32, reflect.Float64:
		return map[string]any{"type": "number"}
	case reflect.Slice, reflect.Array:
		return map[string]any{"type": "array", "items": g.schema(t.Elem())}
	case reflect.Map:
		return map[string]any{"type": "object", "additionalProperties": g.schema(t.Elem())}
	case reflect.Struct:
		name := t.Name()
		if name != "" {
			name = strings.ToUpper(name[:1]) + name[1:]
			if _, ok := g.components[name]; !ok {
				g.components[name] = map[string]any{} // breaks cycles
				g.components[name] = g.object(t)
			}
			return map[string]any{"$ref": "#/components/schemas/" + name}
		}
		return g.object(t)
	}
	return map[string]any{}
}

func (g *schemaGen) object(t reflect.Type) map[string]any {
	props := map[string]any{}
	var required []string
	var walk func(t reflect.Type)
	walk = func(t reflect.Type) {
		for i := range t.NumField() {
			f := t.Field(i)
			if !f.IsExported() {
				continue
			}
			tag := f.Tag.Get("json")
			name, opts, _ := strings.Cut(tag, ",")
			if name == "-" {
				continue
			}
			if f.Anonymous && name == "" {
				walk(f.Type)
				continue
			}
			if name == "" {
				name = f.Name
			}
			props[name] = g.schema(f.Type)
			if !strings.Contains(opts, "omitempty") && !strings.Contains(opts, "omitzero") && f.Type.Kind() != reflect.Pointer {
				required = append(required, name)
			}
		}
	}
	walk(t)
	o := map[string]any{"type": "object", "properties": props}
	if len(required) > 0 {
		o["required"] = required
	}
	return o
}
