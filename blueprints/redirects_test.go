package blueprints_test

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/igny8/igny8/blueprints"
)

// withRedirects returns the fixture with site.redirects set to rs.
func withRedirects(t *testing.T, rs ...map[string]any) map[string]any {
	t.Helper()
	doc := loadDoc(t)
	list := make([]any, len(rs))
	for i, r := range rs {
		list[i] = r
	}
	obj(doc, "site")["redirects"] = list
	return doc
}

func rule(from, to string, more ...any) map[string]any {
	r := map[string]any{"from": from, "to": to}
	for i := 0; i+1 < len(more); i += 2 {
		r[more[i].(string)] = more[i+1]
	}
	return r
}

func TestRedirectsValid(t *testing.T) {
	doc := withRedirects(t,
		rule("/old", "/blocks/"),
		rule("/news/*", "/blog/:splat", "status", 301),
		rule("/p/:year/:slug", "/blog/:slug?from=:year", "status", 302),
		rule("/app/*", "/index.html", "status", 200),
		rule("/gone", "/404.html", "status", 410),
		rule("/ext/:id", "https://example.com:8443/items/:id", "status", 308),
		rule("/blocks", "/", "force", true),
		rule("/caf%C3%A9", "/blocks/", "status", 307),
		rule("/docs/.igny8/*", "/blocks/"), // only the top-level folder is reserved
	)
	if ps := problemsOf(t, doc); len(ps) > 0 {
		t.Fatalf("valid redirects rejected:\n%v", ps)
	}
	data, _ := json.Marshal(doc)
	bp, err := blueprints.Load(data, blueprints.Options{Assets: os.DirFS(fixture)})
	if err != nil {
		t.Fatal(err)
	}
	got := bp.Site.Redirects
	if len(got) != 9 || got[2].From != "/p/:year/:slug" || got[2].Status != 302 || got[0].Status != 0 || !got[6].Force {
		t.Errorf("decoded redirects = %+v", got)
	}
}

// TestRedirectsInvalid breaks one rule at a time and checks that the
// problem is reported at the field that causes it, with a reason.
func TestRedirectsInvalid(t *testing.T) {
	tests := []struct {
		name    string
		rule    map[string]any
		pointer string
		message string
	}{
		{"missing to", map[string]any{"from": "/a"}, "/site/redirects/1/to", "required"},
		{"unknown field", rule("/a", "/b", "code", 301), "/site/redirects/1/code", "unknown field"},
		{"relative from", rule("a", "/b"), "/site/redirects/1/from", "must be a path starting with /"},
		{"space in from", rule("/a b", "/b"), "/site/redirects/1/from", "without spaces"},
		{"non-ASCII from", rule("/café", "/b"), "/site/redirects/1/from", "URL-encode"},
		{"backslash in to", rule("/a", `/b\c`), "/site/redirects/1/to", "backslashes"},
		{"bad status", rule("/a", "/b", "status", 303), "/site/redirects/1/status", "must be one of 301, 302, 307, 308, 200, 404, 410"},
		{"status as string", rule("/a", "/b", "status", "301"), "/site/redirects/1/status", "must be one of"},
		{"force not boolean", rule("/a", "/b", "force", "yes"), "/site/redirects/1/force", "must be boolean"},
		{"splat mid-path", rule("/a/*/b", "/b"), "/site/redirects/1/from", "only as the whole last segment"},
		{"partial splat", rule("/a/b*", "/b"), "/site/redirects/1/from", "only as the whole last segment"},
		{"bad placeholder", rule("/a/:1x", "/b"), "/site/redirects/1/from", `placeholder ":1x"`},
		{"placeholder twice", rule("/a/:x/:x", "/b/:x"), "/site/redirects/1/from", "placeholder :x twice"},
		{":splat as a name", rule("/a/:splat", "/b/:splat"), "/site/redirects/1/from", "reserved"},
		{"query in from", rule("/a?id=1", "/b"), "/site/redirects/1/from", "must not contain ? or #"},
		{"empty segment", rule("/a//b", "/b"), "/site/redirects/1/from", "empty segment"},
		{"dot segment", rule("/a/../b", "/b"), "/site/redirects/1/from", ". or .. segments"},
		{"encoded dot segment", rule("/a/%2e%2E/b", "/b"), "/site/redirects/1/from", ". or .. segments"},
		{"bad escape", rule("/100%", "/b"), "/site/redirects/1/from", "%XX escape"},
		{"splat without *", rule("/a", "/b/:splat"), "/site/redirects/1/to", `"from" does not end in /*`},
		{"unknown placeholder", rule("/a/:x", "/b/:y"), "/site/redirects/1/to", `"from" has no :y placeholder`},
		{"protocol-relative to", rule("/a", "//evil.example/"), "/site/redirects/1/to", "protocol-relative"},
		{"other scheme", rule("/a", "javascript:alert(1)"), "/site/redirects/1/to", "must be a path starting with / or an http(s) URL"},
		{"dot segment in to", rule("/a/*", "/b/../:splat"), "/site/redirects/1/to", ". or .. segments"},
		{"user in URL", rule("/a", "https://u:p@example.com/"), "/site/redirects/1/to", "user name or password"},
		{"placeholder in host", rule("/a/*", "https://*.example.com/:splat"), "/site/redirects/1/to", "placeholders in the host"},
		{"rewrite to another host", rule("/a", "https://example.com/", "status", 200), "/site/redirects/1/to", "use a path starting with /"},
		{"shadowed by a page", rule("/blocks", "/"), "/site/redirects/1/force", `page "blocks" is at /blocks/`},
		{"reserved path", rule("/.igny8/health", "/"), "/site/redirects/1/from", "is under /.igny8/"},
		{"reserved folder", rule("/.igny8", "/"), "/site/redirects/1/from", "is under /.igny8/"},
		{"reserved, encoded", rule("/%2eigny8/*", "/"), "/site/redirects/1/from", "is under /.igny8/"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ps := problemsOf(t, withRedirects(t, rule("/fine", "/"), tt.rule))
			found := false
			for _, p := range ps {
				if strings.HasPrefix(p.Pointer, "/site/redirects/0") {
					t.Errorf("the valid rule before it has a problem: %v", p)
				}
				if p.Pointer == tt.pointer && strings.Contains(p.Message, tt.message) {
					found = true
					if p.Line == 0 {
						t.Errorf("problem %v has no line", p)
					}
				}
			}
			if !found {
				t.Errorf("want a problem at %s containing %q; got:\n%v", tt.pointer, tt.message, ps)
			}
		})
	}
}

func TestRedirectsLimit(t *testing.T) {
	rs := make([]map[string]any, blueprints.MaxRedirects+1)
	for i := range rs {
		rs[i] = rule(fmt.Sprintf("/r%d", i), "/")
	}
	ps := problemsOf(t, withRedirects(t, rs[:blueprints.MaxRedirects]...))
	if len(ps) > 0 {
		t.Fatalf("%d redirects rejected: %v", blueprints.MaxRedirects, ps[0])
	}
	ps = problemsOf(t, withRedirects(t, rs...))
	if len(ps) != 1 || ps[0].Pointer != "/site/redirects" || !strings.Contains(ps[0].Message, "10,000") {
		t.Errorf("%d redirects: got %v, want one problem at /site/redirects naming the limit", len(rs), ps)
	}
}
