package builder_test

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/igny8/igny8/themes"
)

// parse returns the document of an HTML output file.
func parse(t *testing.T, doc string) *html.Node {
	t.Helper()
	n, err := html.Parse(strings.NewReader(doc))
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func attr(n *html.Node, key string) (string, bool) {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val, true
		}
	}
	return "", false
}

func findAll(n *html.Node, match func(*html.Node) bool) []*html.Node {
	var out []*html.Node
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && match(n) {
			out = append(out, n)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return out
}

func tag(name string) func(*html.Node) bool {
	return func(n *html.Node) bool { return n.Data == name }
}

func meta(doc *html.Node, key, val string) string {
	for _, m := range findAll(doc, tag("meta")) {
		if v, _ := attr(m, key); v == val {
			c, _ := attr(m, "content")
			return c
		}
	}
	return ""
}

func jsonLDTypes(t *testing.T, doc *html.Node) map[string]map[string]any {
	t.Helper()
	types := map[string]map[string]any{}
	for _, s := range findAll(doc, tag("script")) {
		if typ, _ := attr(s, "type"); typ != "application/ld+json" || s.FirstChild == nil {
			continue
		}
		var ld struct {
			Graph []map[string]any `json:"@graph"`
		}
		if err := json.Unmarshal([]byte(s.FirstChild.Data), &ld); err != nil {
			t.Fatalf("JSON-LD does not parse: %v\n%s", err, s.FirstChild.Data)
		}
		for _, node := range ld.Graph {
			types[node["@type"].(string)] = node
		}
	}
	return types
}

func TestSEO(t *testing.T) {
	for _, theme := range themes.Names() {
		t.Run(theme, func(t *testing.T) {
			out := buildFixture(t, theme)
			post := parse(t, page(t, out, "blog/first/index.html"))
			titles := findAll(post, tag("title"))
			if len(titles) != 1 || titles[0].FirstChild == nil || titles[0].FirstChild.Data != "First post · Acme Golden" {
				t.Errorf("post <title> wrong: %v", titles)
			}
			var canonical string
			for _, l := range findAll(post, tag("link")) {
				if rel, _ := attr(l, "rel"); rel == "canonical" {
					canonical, _ = attr(l, "href")
				}
			}
			if canonical != "https://golden.example/blog/first/" {
				t.Errorf("canonical = %q", canonical)
			}
			for key, want := range map[string]string{"og:type": "article", "og:url": "https://golden.example/blog/first/", "og:title": "First post", "og:site_name": "Acme Golden"} {
				if got := meta(post, "property", key); got != want {
					t.Errorf("%s = %q, want %q", key, got, want)
				}
			}
			if img := meta(post, "property", "og:image"); !strings.HasPrefix(img, "https://golden.example/media/photo.") {
				t.Errorf("og:image = %q, want the post's cover as an absolute URL", img)
			}
			if got := meta(post, "name", "twitter:card"); got == "" {
				t.Error("no twitter:card")
			}
			if got := meta(post, "name", "description"); got != "The first." {
				t.Errorf("description = %q", got)
			}
			ld := jsonLDTypes(t, post)
			for _, typ := range []string{"Organization", "WebSite", "WebPage", "BreadcrumbList", "BlogPosting"} {
				if ld[typ] == nil {
					t.Errorf("post JSON-LD lacks %s (has %v)", typ, keys(ld))
				}
			}
			if got := ld["BlogPosting"]["datePublished"]; got != "2026-01-05" {
				t.Errorf("datePublished = %v", got)
			}
			if ld := jsonLDTypes(t, parse(t, page(t, out, "blocks/index.html"))); ld["FAQPage"] == nil {
				t.Error("the page with a faq block has no FAQPage JSON-LD")
			} else if q := ld["FAQPage"]["mainEntity"].([]any)[0].(map[string]any); q["acceptedAnswer"].(map[string]any)["text"] != "No, see pricing." {
				t.Errorf("FAQ answer as plain text = %v", q["acceptedAnswer"])
			}
			blocksLD := jsonLDTypes(t, parse(t, page(t, out, "blocks/index.html")))
			wantRel := []any{"https://golden.example/blog/second/", "https://golden.example/shop/widget/", "https://golden.example/services/care/"}
			if got := blocksLD["WebPage"]["relatedLink"]; !reflect.DeepEqual(got, wantRel) {
				t.Errorf("WebPage relatedLink = %v, want the related block's pages %v", got, wantRel)
			}
			prod := jsonLDTypes(t, parse(t, page(t, out, "shop/widget/index.html")))["Product"]
			if prod == nil || prod["offers"].(map[string]any)["price"] != "19.00" {
				t.Errorf("Product JSON-LD = %v", prod)
			}

			privacy := parse(t, page(t, out, "privacy/index.html"))
			if got := meta(privacy, "name", "robots"); !strings.Contains(got, "noindex") {
				t.Errorf("noindex page robots meta = %q", got)
			}
			sitemap := page(t, out, "sitemap.xml")
			if strings.Contains(sitemap, "/privacy/") {
				t.Error("sitemap lists a noindex page")
			}
			for _, want := range []string{"<loc>https://golden.example/</loc>", "<loc>https://golden.example/blog/first/</loc>", "<lastmod>2026-02-12"} {
				if !strings.Contains(sitemap, want) {
					t.Errorf("sitemap lacks %s", want)
				}
			}
			if robots := page(t, out, "robots.txt"); !strings.Contains(robots, "Sitemap: https://golden.example/sitemap.xml") {
				t.Errorf("robots.txt = %q", robots)
			}
			rss := page(t, out, "blog/index.xml")
			if strings.Count(rss, "<item>") != 3 || strings.Contains(rss, "Widget") || strings.Contains(rss, "Draft") {
				t.Errorf("RSS should list exactly the 3 published posts:\n%s", rss)
			}
		})
	}
}

var hashedName = regexp.MustCompile(`\.([0-9a-f]{64})\.[a-z0-9]+$`)

// TestAssetsAreSafe checks what a visitor's browser loads: only same-site
// files, stylesheets with SRI whose names carry their own hash, no raw
// HTML from Markdown, and embeds that load nothing until clicked.
func TestAssetsAreSafe(t *testing.T) {
	for _, theme := range themes.Names() {
		t.Run(theme, func(t *testing.T) {
			out := buildFixture(t, theme)
			for _, f := range out.Files {
				if !strings.HasSuffix(f.Path, ".html") {
					continue
				}
				doc := parse(t, string(f.Data))
				for _, n := range findAll(doc, func(n *html.Node) bool {
					return n.Data == "img" || n.Data == "script" || n.Data == "link" || n.Data == "source"
				}) {
					for _, k := range []string{"src", "href", "srcset"} {
						v, ok := attr(n, k)
						if !ok || (n.Data == "link" && !isResourceLink(n)) {
							continue
						}
						if strings.HasPrefix(v, "http") || strings.HasPrefix(v, "//") {
							t.Errorf("%s: <%s %s=%q> loads from another host", f.Path, n.Data, k, v)
						}
					}
				}
				for _, n := range findAll(doc, tag("iframe")) {
					if _, ok := attr(n, "srcdoc"); !ok {
						t.Errorf("%s: iframe without srcdoc loads its src at once", f.Path)
					}
				}
				for _, n := range findAll(doc, tag("img")) {
					if _, ok := attr(n, "alt"); !ok {
						t.Errorf("%s: <img> without alt", f.Path)
					}
				}
				for _, l := range findAll(doc, tag("link")) {
					if rel, _ := attr(l, "rel"); rel != "stylesheet" {
						continue
					}
					href, _ := attr(l, "href")
					integrity, _ := attr(l, "integrity")
					css := out.File(strings.TrimPrefix(href, "/"))
					if css == nil {
						t.Fatalf("%s: stylesheet %s is not in the output", f.Path, href)
					}
					m := hashedName.FindStringSubmatch(href)
					if m == nil || m[1] != css.SHA256 {
						t.Errorf("%s: stylesheet name %s does not carry its sha256 %s", f.Path, href, css.SHA256)
					}
					sum := sha256.Sum256(css.Data)
					if want := "sha256-" + base64.StdEncoding.EncodeToString(sum[:]); integrity != want {
						t.Errorf("%s: integrity %q, want %q", f.Path, integrity, want)
					}
				}
			}
			blocks := page(t, out, "blocks/index.html")
			for _, bad := range []string{"<script>alert", "onclick", "raw html is dropped"} {
				if strings.Contains(blocks, bad) {
					t.Errorf("raw HTML from Markdown reached the page: %q", bad)
				}
			}
			prose := findAll(parse(t, blocks), func(n *html.Node) bool { v, _ := attr(n, "id"); return v == "prose" })
			if len(prose) != 1 || !strings.Contains(strings.ReplaceAll(text(prose[0]), "\u2060", ""), "{{< youtube abc123 >}} and {{% nope %}}") {
				t.Error("shortcode syntax in Markdown was not kept as text")
			}
			links := findAll(parse(t, blocks), func(n *html.Node) bool { v, _ := attr(n, "href"); return n.Data == "a" && v == "/shop/widget/" })
			if len(links) == 0 {
				t.Error("page: link in Markdown not resolved to /shop/widget/")
			}
			h1 := findAll(parse(t, page(t, out, "index.html")), tag("h1"))
			if len(h1) != 1 || text(h1[0]) != "Hello <world>" {
				t.Errorf("home <h1> = %v, want the migrated v1 hero heading, escaped", h1)
			}
			for _, f := range out.Files {
				if strings.HasPrefix(f.Path, "media/") || strings.HasSuffix(f.Path, ".woff2") {
					if m := hashedName.FindStringSubmatch(f.Path); m == nil || m[1] != f.SHA256 {
						t.Errorf("%s: name does not carry its content hash", f.Path)
					}
				}
			}
		})
	}
}

// text returns the text content of a node.
func text(n *html.Node) string {
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return strings.TrimSpace(b.String())
}

func isResourceLink(n *html.Node) bool {
	rel, _ := attr(n, "rel")
	return rel == "stylesheet" || rel == "preload" || rel == "icon" || rel == "modulepreload"
}

func keys(m map[string]map[string]any) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}
