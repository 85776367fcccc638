package cdn_test

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/igny8/igny8/cdn"
	"github.com/igny8/igny8/deployer"
	"github.com/igny8/igny8/deployer/rules"
)

func manifest(files map[string]string) *deployer.Manifest {
	m := &deployer.Manifest{Files: map[string]deployer.FileEntry{}}
	for p, sum := range files {
		m.Files[p] = deployer.FileEntry{SHA256: sum, ContentType: "text/html; charset=utf-8"}
	}
	return m
}

var base = map[string]string{
	"index.html":             "h1",
	"about/index.html":       "a1",
	"blog/first/index.html":  "f1",
	"css/site.css":           "c1",
	"css/site.0a1b.css":      "i1",
	"caf\u00e9/index.html":   "u1",
	"files/a*b.txt":          "s1",
	"404.html":               "n1",
	"img/logo.svg":           "l1",
	"feeds/blog/index.xml":   "x1",
	"old/index.html":         "o1",
	"docs/guide.html":        "g1",
	"blog/second/index.html": "b1",
}

func TestChangedPaths(t *testing.T) {
	tests := []struct {
		name   string
		change func(old, new *deployer.Manifest)
		want   []string
	}{
		{"nothing", func(_, _ *deployer.Manifest) {}, []string{}},
		{"a page's bytes", func(_, n *deployer.Manifest) { set(n, "blog/first/index.html", "f2") },
			[]string{"/blog/first/", "/blog/first/index.html"}},
		{"the home page", func(_, n *deployer.Manifest) { set(n, "index.html", "h2") },
			[]string{"/", "/index.html"}},
		{"a plain file", func(_, n *deployer.Manifest) { set(n, "css/site.css", "c2") },
			[]string{"/css/site.css"}},
		{"a content type", func(_, n *deployer.Manifest) {
			e := n.Files["img/logo.svg"]
			e.ContentType = "image/svg+xml"
			n.Files["img/logo.svg"] = e
		}, []string{"/img/logo.svg"}},
		{"an added page", func(_, n *deployer.Manifest) { set(n, "new/index.html", "w1") },
			[]string{"/new", "/new/", "/new/index.html"}},
		{"a removed page", func(_, n *deployer.Manifest) { delete(n.Files, "old/index.html") },
			[]string{"/old", "/old/", "/old/index.html"}},
		{"immutable files", func(o, n *deployer.Manifest) {
			delete(n.Files, "css/site.0a1b.css")
			n.Files["css/site.9f8e.css"] = deployer.FileEntry{SHA256: "i2", Immutable: true}
			e := o.Files["css/site.0a1b.css"]
			e.Immutable = true
			o.Files["css/site.0a1b.css"] = e
		}, []string{}},
		{"escaping", func(_, n *deployer.Manifest) { set(n, "caf\u00e9/index.html", "u2"); set(n, "files/a*b.txt", "s2") },
			[]string{"/caf%C3%A9/", "/caf%C3%A9/index.html", "/files/a%2Ab.txt"}},
		{"pretty HTML", func(o, n *deployer.Manifest) {
			o.URLPolicy.PrettyHTML, n.URLPolicy.PrettyHTML = true, true
			set(n, "docs/guide.html", "g2")
		}, []string{"/docs/guide", "/docs/guide.html"}},
		{"the same rules from another file", func(o, n *deployer.Manifest) {
			o.Redirects = []rules.Redirect{{From: "/a", To: "/b", Status: 301, Line: 1, Source: "/tmp/x/_redirects"}}
			n.Redirects = []rules.Redirect{{From: "/a", To: "/b", Status: 301, Source: "bp.json#/site/redirects/0"}}
			set(n, "css/site.css", "c2")
		}, []string{"/css/site.css"}},
		{"a redirect rule", func(o, n *deployer.Manifest) {
			o.Redirects = []rules.Redirect{{From: "/a", To: "/b", Status: 301}}
			n.Redirects = []rules.Redirect{{From: "/a", To: "/b", Status: 302}}
		}, []string{"/*"}},
		{"a header rule", func(_, n *deployer.Manifest) {
			n.Headers = []rules.HeaderRule{{Path: "/*", Headers: [][2]string{{"X-Frame-Options", "DENY"}}}}
		}, []string{"/*"}},
		{"the URL policy", func(_, n *deployer.Manifest) { n.URLPolicy.TrailingSlash = "never" }, []string{"/*"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			old, new := manifest(base), manifest(base)
			tt.change(old, new)
			got := cdn.ChangedPaths(old, new)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("ChangedPaths (-want +got):\n%s", diff)
			}
		})
	}
}

func set(m *deployer.Manifest, path, sum string) {
	e := m.Files[path]
	e.SHA256 = sum
	if e.ContentType == "" {
		e.ContentType = "text/html; charset=utf-8"
	}
	m.Files[path] = e
}

type fakePurger struct {
	got []cdn.Invalidation
	err error
}

func (f *fakePurger) Purge(_ context.Context, inv cdn.Invalidation) error {
	f.got = append(f.got, inv)
	return f.err
}

type manifests map[string]*deployer.Manifest

func (m manifests) ReadManifest(_ context.Context, siteID, deployID string) (*deployer.Manifest, error) {
	if mf, ok := m[siteID+"/"+deployID]; ok {
		return mf, nil
	}
	return nil, errors.New("no manifest " + deployID)
}

func TestHookAfterSwap(t *testing.T) {
	changed := manifest(base)
	set(changed, "about/index.html", "a2")
	ms := manifests{"s/d1": manifest(base), "s/d2": changed}
	ctx := context.Background()

	p := &fakePurger{}
	h := &cdn.Hook{Purger: p, Manifests: ms}
	inv, err := h.AfterSwap(ctx, "s", deployer.LiveRef{DeployID: "d2", Previous: "d1", Generation: 7})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := inv.Reference(), "igny8/s/d2/7"; got != want {
		t.Errorf("Reference = %q, want %q", got, want)
	}
	if len(p.got) != 1 || !slices.Equal(p.got[0].Paths, []string{"/about/", "/about/index.html"}) {
		t.Errorf("purged %+v, want /about/ and /about/index.html once", p.got)
	}

	// Rolling back to d1 is a new swap: a new reference, the same paths.
	inv, err = h.AfterSwap(ctx, "s", deployer.LiveRef{DeployID: "d1", Previous: "d2", Generation: 8})
	if err != nil || inv.Reference() != "igny8/s/d1/8" || len(p.got) != 2 || !slices.Equal(p.got[1].Paths, p.got[0].Paths) {
		t.Errorf("rollback purge: %+v, %v; purged %+v", inv, err, p.got)
	}

	for _, ref := range []deployer.LiveRef{
		{DeployID: "d1", Generation: 1},                 // first promote: nothing was cached
		{DeployID: "d1", Previous: "d1", Generation: 9}, // no change
	} {
		if _, err := h.AfterSwap(ctx, "s", ref); err != nil || len(p.got) != 2 {
			t.Errorf("AfterSwap(%+v) = %v, purged %d times; want no purge", ref, err, len(p.got))
		}
	}
	if _, err := (&cdn.Hook{}).AfterSwap(ctx, "s", deployer.LiveRef{DeployID: "d2", Previous: "d1"}); err != nil {
		t.Errorf("zero Hook: %v", err)
	}

	p.err = errors.New("throttled")
	if _, err := h.AfterSwap(ctx, "s", deployer.LiveRef{DeployID: "d2", Previous: "d1", Generation: 10}); err == nil || !errors.Is(err, p.err) {
		t.Errorf("purger failure: err = %v, want it wrapped", err)
	}
	if _, err := h.AfterSwap(ctx, "s", deployer.LiveRef{DeployID: "d3", Previous: "d1", Generation: 11}); err == nil {
		t.Error("missing manifest: want an error")
	}
}
