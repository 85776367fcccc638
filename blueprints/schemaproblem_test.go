package blueprints_test

import (
	"regexp"
	"strings"
	"testing"
)

// jargon is what a message for site owners must never hold: the schema
// library's name or phrases, Go's name or its type names, and fmt's marks
// of a bad format string.
var jargon = regexp.MustCompile(`jsonschema|\bGo\b|\b(string|int|int64|float64|bool|interface|map|struct|nil)\b|\[\]any|%!|\bgot\b|\bwant\b|\b(minLength|maxLength|minItems|maxItems|minimum|maximum|additionalProperties|oneOf|enum|const|pattern|propertyNames)\b`)

// TestSchemaMessages makes each kind of mistake people make and checks the
// sentence that comes back: it names the field, says what is expected, and
// speaks no programmer's jargon.
func TestSchemaMessages(t *testing.T) {
	tests := []struct {
		name    string
		break_  func(doc map[string]any)
		pointer string
		want    []string // all in the message
	}{
		// wrong type
		{"version number as text", func(d map[string]any) { obj(d, "pages", 1, "blocks", 3)["v"] = "1" },
			"/pages/1/blocks/3/v", []string{"`v` must be a whole number (the block type's version)", `not the text "1"`, "remove the quotes"}},
		{"text as a number", func(d map[string]any) { obj(d, "pages", 1, "blocks", 3, "props")["heading"] = 42 },
			"/pages/1/blocks/3/props/heading", []string{"`heading` must be text of 1 to 200 characters (in quotes)", "not the number 42"}},
		{"list as text", func(d map[string]any) { obj(d, "pages", 3)["tags"] = "news" },
			"/pages/3/tags", []string{"`tags` must be a list of at most 20 entries (in square brackets)", `not the text "news"`}},
		{"object as a list", func(d map[string]any) { obj(d, "pages", 1, "blocks", 3)["props"] = []any{"x"} },
			"/pages/1/blocks/3/props", []string{"`props` must be an object with the block's content", "not a list"}},
		{"true as text", func(d map[string]any) { obj(d, "pages", 1)["draft"] = "true" },
			"/pages/1/draft", []string{"`draft` must be boolean: true or false, without quotes", "remove the quotes"}},
		{"page as text", func(d map[string]any) { d["pages"].([]any)[2] = "blog" },
			"/pages/2", []string{"each entry of `pages` must be a page, an object such as {\"id\": \"about\""}},
		{"blueprint as a list", nil, "", []string{`the blueprint must be an object with "version", "site", "theme" and "pages"`, "not a list"}},
		// missing required property
		{"missing site name", func(d map[string]any) { delete(obj(d, "site"), "name") },
			"/site/name", []string{"required: add `name` (text of 1 to 120 characters)"}},
		{"missing base_url", func(d map[string]any) { delete(obj(d, "site"), "base_url") },
			"/site/base_url", []string{"required: add `base_url` (an absolute https:// or http:// URL such as https://example.com/"}},
		{"missing block prop", func(d map[string]any) { delete(obj(d, "pages", 1, "blocks", 3, "props"), "heading") },
			"/pages/1/blocks/3/props/heading", []string{"required: add `heading` (text of 1 to 200 characters)"}},
		{"select without options", func(d map[string]any) { delete(obj(d, "pages", 1, "blocks", 14, "props", "fields", 2), "options") },
			"/pages/1/blocks/14/props/fields/2/options", []string{`required when "type" is "select": add ` + "`options` (a list of 1 to 50 entries)"}},
		{"image without asset", func(d map[string]any) { delete(obj(d, "pages", 1, "blocks", 8, "props", "image"), "asset") },
			"/pages/1/blocks/8/props/image/asset", []string{"required: add `asset` (an id of lowercase letters"}},
		// unknown property
		{"unknown top-level field", func(d map[string]any) { d["sitename"] = "x" },
			"/sitename", []string{"unknown field `sitename`", "did you mean `site`?", "The fields here are"}},
		{"misspelt prop", func(d map[string]any) { obj(d, "pages", 1, "blocks", 3, "props")["headng"] = "x" },
			"/pages/1/blocks/3/props/headng", []string{"unknown field `headng`; did you mean `heading`?", "`actions`, `heading` and `text`"}},
		{"unrelated prop", func(d map[string]any) { obj(d, "pages", 1, "blocks", 3, "props")["colour"] = "red" },
			"/pages/1/blocks/3/props/colour", []string{"unknown field `colour`; the fields here are", "`actions`, `heading` and `text`"}},
		// enum and const
		{"enum", func(d map[string]any) { obj(d, "theme")["name"] = "dark" },
			"/theme/name", []string{"`name` must be one of \"studio\", \"journal\", not \"dark\""}},
		{"number enum", func(d map[string]any) {
			obj(d, "site")["redirects"] = []any{map[string]any{"from": "/a", "to": "/", "status": 303}}
		}, "/site/redirects/0/status", []string{"`status` must be one of 301, 302, 307, 308, 200, 404, 410, not 303"}},
		{"const", func(d map[string]any) { d["version"] = 2 },
			"/version", []string{"`version` must be 1 (the blueprint format version), not 2"}},
		// pattern
		{"base_url", func(d map[string]any) { obj(d, "site")["base_url"] = "golden.example" },
			"/site/base_url", []string{"`base_url` must be an absolute https:// or http:// URL such as https://example.com/", `not "golden.example"`}},
		{"colour", func(d map[string]any) { obj(d, "theme", "tokens", "colors")["primary"] = "indigo" },
			"/theme/tokens/colors/primary", []string{"`primary` must be a colour written #rrggbb, such as #1e3a8a"}},
		{"page id", func(d map[string]any) { obj(d, "pages", 2)["id"] = "Blog Page" },
			"/pages/2/id", []string{"`id` must be an id of lowercase letters, digits and dashes"}},
		{"asset id", func(d map[string]any) { obj(d, "assets")["Logo"] = obj(d, "assets", "logo") },
			"/assets/Logo", []string{"the name `Logo` is not allowed here: names here must be an id of lowercase letters"}},
		{"link", func(d map[string]any) { obj(d, "navigation", "footer", 1)["href"] = "www.example.com" },
			"/navigation/footer/1/href", []string{"`href` must be a link: page:<page-id>", `not "www.example.com"`}},
		{"date", func(d map[string]any) { obj(d, "pages", 3)["date"] = "5 Jan 2026" },
			"/pages/3/date", []string{"`date` must be a date written YYYY-MM-DD"}},
		{"price", func(d map[string]any) { obj(d, "pages", 8, "product")["price"] = "$12" },
			"/pages/8/product/price", []string{"`price` must be a price with up to two decimals and no currency sign"}},
		{"youtube id", func(d map[string]any) { obj(d, "pages", 1, "blocks", 10, "props")["video_id"] = "https://youtu.be/x" },
			"/pages/1/blocks/10/props/video_id", []string{"`video_id` must be a YouTube video id"}},
		{"twitter", func(d map[string]any) { obj(d, "seo")["twitter"] = "acme" },
			"/seo/twitter", []string{"`twitter` must be an @handle such as @crumbandco"}},
		// lengths, counts and ranges
		{"empty text", func(d map[string]any) { obj(d, "pages", 1, "blocks", 3, "props")["heading"] = "" },
			"/pages/1/blocks/3/props/heading", []string{"`heading` must be text of 1 to 200 characters; it is empty"}},
		{"text too long", func(d map[string]any) { obj(d, "site")["name"] = strings.Repeat("x", 121) },
			"/site/name", []string{"`name` must be text of 1 to 120 characters; it has 121 characters"}},
		{"Markdown too long", func(d map[string]any) { obj(d, "pages", 1, "blocks", 3, "props")["text"] = strings.Repeat("x", 2001) },
			"/pages/1/blocks/3/props/text", []string{"`text` must be Markdown text of at most 2,000 characters; it has 2,001 characters"}},
		{"number too large", func(d map[string]any) { obj(d, "pages", 1, "blocks", 5, "props", "items", 0)["rating"] = 7 },
			"/pages/1/blocks/5/props/items/0/rating", []string{"`rating` must be a whole number from 1 to 5, not 7"}},
		{"number too small", func(d map[string]any) { obj(d, "pages", 1, "blocks", 2, "props")["columns"] = 1 },
			"/pages/1/blocks/2/props/columns", []string{"`columns` must be a whole number from 2 to 4, not 1"}},
		{"fraction for a whole number", func(d map[string]any) { obj(d, "pages", 1, "blocks", 2, "props")["columns"] = 2.5 },
			"/pages/1/blocks/2/props/columns", []string{"`columns` must be a whole number from 2 to 4 (without quotes), not the number 2.5"}},
		{"empty list", func(d map[string]any) { obj(d, "pages", 1, "blocks", 3, "props")["actions"] = []any{} },
			"/pages/1/blocks/3/props/actions", []string{"`actions` must be a list of 1 to 3 entries; it is empty"}},
		{"list too long", func(d map[string]any) {
			items := []any{}
			for range 13 {
				items = append(items, map[string]any{"href": "page:blog"})
			}
			obj(d, "navigation")["main"] = items
		}, "/navigation/main", []string{"`main` must be a list of at most 12 entries; it has 13 entries"}},
		{"repeated value", func(d map[string]any) { obj(d, "pages", 3)["tags"] = []any{"news", "news"} },
			"/pages/3/tags", []string{"`tags` lists \"news\" twice; list each value once"}},
		// alternatives
		{"asset with path and data", func(d map[string]any) { obj(d, "assets", "photo")["data"] = "PHN2Zy8+" },
			"/assets/photo", []string{"`photo` must have either \"path\"", "not both"}},
		{"bad base64", func(d map[string]any) {
			d["assets"].(map[string]any)["dot"] = map[string]any{"data": "PHN2Zy8+!", "type": "image/svg+xml", "alt": ""}
		},
			"/assets/dot/data", []string{"`data` must be the file's bytes in base64", "character 9 is not base64"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var doc any = []any{}
			if tt.break_ != nil {
				d := loadDoc(t)
				tt.break_(d)
				doc = d
			}
			ps := problemsOf(t, doc)
			var got []string
			for _, p := range ps {
				if p.Pointer != tt.pointer {
					continue
				}
				got = append(got, p.Message)
				if jargon.MatchString(p.Message) {
					t.Errorf("message %q holds jargon %q", p.Message, jargon.FindString(p.Message))
				}
			}
			for _, msg := range got {
				ok := true
				for _, w := range tt.want {
					ok = ok && strings.Contains(msg, w)
				}
				if ok {
					return
				}
			}
			t.Errorf("want a problem at %q containing %q; got:\n%v", tt.pointer, tt.want, ps)
		})
	}
}
