package blueprints_test

import (
	"strings"
	"testing"
)

// TestMarkdownURLs puts links and images in a richtext block's Markdown
// and checks which are refused, with the prop's pointer and a sentence
// naming the link and what is allowed. Unsafe URLs are what goldmark and
// Hugo would silently empty or turn into "#ZgotmplZ".
func TestMarkdownURLs(t *testing.T) {
	const at = "/pages/1/blocks/1/props/markdown"
	const linkRule = "links may go to http:, https:, mailto: and tel: URLs, page:<page-id> and asset:<asset-id> references, #anchors and relative paths"
	const imageRule = "images may come from asset:<asset-id> references, http: and https: URLs and relative paths"
	tests := []struct {
		name, md string
		want     []string // in one problem's message; none for an allowed link
	}{
		{"https", "[a](https://example.com/)", nil},
		{"http", "[a](http://example.com/x?y=1#z)", nil},
		{"mailto", "[a](mailto:hello@example.com)", nil},
		{"tel", "[a](tel:+15550100)", nil},
		{"page", "[a](page:blocks#faq)", nil},
		{"asset image", "![a](asset:photo)", nil},
		{"remote image", "![a](https://example.com/a.png)", nil},
		{"relative path", "[a](/blog/) [b](../x/) [c](x.html) [d](?q=1) [e](//example.com/)", nil},
		{"anchor", "[a](#faq)", nil},
		{"email autolink", "<hello@example.com>", nil},
		{"https autolink", "<https://example.com/>", nil},
		{"javascript in code", "`[a](javascript:alert(1))` and\n\n    [b](javascript:alert(1))", nil},
		{"raw HTML is dropped anyway", `<a href="javascript:alert(1)">a</a>`, nil},

		{"javascript", "[Win a prize](javascript:alert(1))", []string{`link "Win a prize" goes to "javascript:alert(1)", which is not allowed: ` + linkRule}},
		{"mixed case", "[a](JaVaScRiPt:alert(1))", []string{`"JaVaScRiPt:alert(1)", which is not allowed`}},
		{"leading space", "[a](<  javascript:alert(1)>)", []string{`"  javascript:alert(1)", which is not allowed`}},
		{"control character", "[a](<\x01javascript:alert(1)>)", []string{`"\x01javascript:alert(1)", which holds invisible control characters`}},
		{"numeric reference", "[a](&#106;avascript:alert(1))", []string{`"&#106;avascript:alert(1)" (that is, "javascript:alert(1)"), which is not allowed`}},
		{"hex reference", "[a](&#x6A;avascript:alert(1))", []string{`(that is, "javascript:alert(1)")`}},
		{"named reference", "[a](javascript&colon;alert(1))", []string{`(that is, "javascript:alert(1)")`}},
		{"tab reference", "[a](java&#9;script:alert(1))", []string{`(that is, "java\tscript:alert(1)"), which holds invisible control characters`}},
		{"backslash escape", `[a](javascript\:alert(1))`, []string{`(that is, "javascript:alert(1)"), which is not allowed`}},
		{"vbscript", "[a](vbscript:msgbox(1))", []string{`"vbscript:msgbox(1)", which is not allowed`}},
		{"data link", "[a](data:text/html;base64,PHNjcmlwdD4=)", []string{`"data:text/html;base64,PHNjcmlwdD4=", which is not allowed`}},
		{"file", "[a](file:///etc/passwd)", []string{`"file:///etc/passwd", which is not allowed`}},
		{"unknown scheme", "[a](ftp://example.com/)", []string{`"ftp://example.com/", which is not allowed`}},
		{"reference-style", "[a][x]\n\n[x]: javascript:alert(1)", []string{`link "a" goes to "javascript:alert(1)", which is not allowed`}},
		{"autolink", "<javascript:alert(1)>", []string{`link "javascript:alert(1)" goes to "javascript:alert(1)", which is not allowed`}},
		{"image", "![a cat](javascript:alert(1))", []string{`image "a cat" goes to "javascript:alert(1)", which is not allowed: ` + imageRule}},
		{"data image", "![dot](data:image/png;base64,iVBORw0KGgo=)", []string{`image "dot" goes to "data:image/png;base64,iVBORw0KGgo=", which is not allowed`, `put an inline image under /assets (with "data")`}},
		{"page image", "![a](page:blocks)", []string{`image "a" goes to "page:blocks", which is not allowed`}},
		{"mailto image", "![a](mailto:a@example.com)", []string{`which is not allowed: ` + imageRule}},
		{"link inside a table", "| a |\n|---|\n| [x](javascript:alert(1)) |", []string{`link "x" goes to "javascript:alert(1)"`}},
		{"link inside a footnote", "Text[^1].\n\n[^1]: See [x](javascript:alert(1)).", []string{`link "x" goes to "javascript:alert(1)"`}},
		{"page id in capitals", "[a](page:Blocks)", []string{`link "a" goes to "page:Blocks": a page link is page:<page-id>`}},
		{"asset id with a space", "![a](<asset:my photo>)", []string{`image "a" goes to "asset:my photo": an asset reference is asset:<asset-id>`}},
		{"reference-style page link", "[a][x]\n\n[x]: page:blocks", []string{`link "a" goes to "page:blocks" in a reference-style link, which is not resolved; write page: references inline, as [a](page:blocks)`}},
		{"page autolink", "<page:blocks>", []string{`goes to "page:blocks" in an autolink, which is not resolved`}},
		{"escaped page link", `[a](page\:blocks)`, []string{`(that is, "page:blocks") with escapes or character references, which is not resolved`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := loadDoc(t)
			obj(doc, "pages", 1, "blocks", 1, "props")["markdown"] = tt.md
			ps := problemsOf(t, doc)
			if tt.want == nil {
				if len(ps) > 0 {
					t.Errorf("%q: want no problem, got:\n%v", tt.md, ps)
				}
				return
			}
			for _, p := range ps {
				if jargon.MatchString(p.Message) {
					t.Errorf("message %q holds jargon %q", p.Message, jargon.FindString(p.Message))
				}
			}
			if len(ps) != 1 || ps[0].Pointer != at {
				t.Fatalf("%q: want one problem at %s, got:\n%v", tt.md, at, ps)
			}
			for _, w := range tt.want {
				if !strings.Contains(ps[0].Message, w) {
					t.Errorf("%q: message\n%s\nlacks %q", tt.md, ps[0].Message, w)
				}
			}
		})
	}
}

// TestMarkdownPropsFromSchemas checks that every Markdown prop is checked,
// however deep, and that plain-text props (not rendered as Markdown) are not.
func TestMarkdownPropsFromSchemas(t *testing.T) {
	const bad = "[x](javascript:alert(1))"
	tests := []struct {
		name    string
		set     func(doc map[string]any)
		pointer string // "" for no problem
	}{
		{"hero text", func(d map[string]any) { obj(d, "pages", 1, "blocks", 0, "props")["text"] = bad }, "/pages/1/blocks/0/props/text"},
		{"features intro", func(d map[string]any) { obj(d, "pages", 1, "blocks", 2, "props")["intro"] = bad }, "/pages/1/blocks/2/props/intro"},
		{"feature text", func(d map[string]any) { obj(d, "pages", 1, "blocks", 2, "props", "items", 1)["text"] = bad }, "/pages/1/blocks/2/props/items/1/text"},
		{"cta text", func(d map[string]any) { obj(d, "pages", 1, "blocks", 3, "props")["text"] = bad }, "/pages/1/blocks/3/props/text"},
		{"faq answer", func(d map[string]any) { obj(d, "pages", 1, "blocks", 4, "props", "items", 1)["answer"] = bad }, "/pages/1/blocks/4/props/items/1/answer"},
		{"pricing intro", func(d map[string]any) { obj(d, "pages", 1, "blocks", 6, "props")["intro"] = bad }, "/pages/1/blocks/6/props/intro"},
		{"team bio", func(d map[string]any) { obj(d, "pages", 1, "blocks", 13, "props", "members", 0)["bio"] = bad }, "/pages/1/blocks/13/props/members/0/bio"},
		{"contact text", func(d map[string]any) { obj(d, "pages", 1, "blocks", 14, "props")["text"] = bad }, "/pages/1/blocks/14/props/text"},
		{"nested block", func(d map[string]any) { obj(d, "pages", 1, "blocks", 15, "children", 0, "props")["markdown"] = bad }, "/pages/1/blocks/15/children/0/props/markdown"},
		{"migrated v1 hero", func(d map[string]any) { obj(d, "pages", 0, "blocks", 0, "props")["subtitle"] = bad }, "/pages/0/blocks/0/props/text"},
		{"plain-text heading", func(d map[string]any) { obj(d, "pages", 1, "blocks", 3, "props")["heading"] = bad }, ""},
		{"plain-text caption", func(d map[string]any) { obj(d, "pages", 1, "blocks", 8, "props")["caption"] = bad }, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := loadDoc(t)
			tt.set(doc)
			ps := problemsOf(t, doc)
			switch {
			case tt.pointer == "" && len(ps) > 0:
				t.Errorf("want no problem, got:\n%v", ps)
			case tt.pointer != "" && (len(ps) != 1 || ps[0].Pointer != tt.pointer || !strings.Contains(ps[0].Message, "javascript:alert(1)")):
				t.Errorf("want one problem at %s naming the URL, got:\n%v", tt.pointer, ps)
			}
		})
	}
}
