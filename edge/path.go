package edge

import (
	"net/http"
	"net/url"
	"path"
	"strings"
	"unicode/utf8"

	"github.com/igny8/igny8/deployer"
)

// maxPathBytes is the longest escaped request path accepted (414 beyond).
const maxPathBytes = 2048

// cleanPath checks a request's path. It returns the decoded path when it
// is clean; a status of 301 with the cleaned path when it only needs
// normalising ("//a", "/a/./b", "/a/../b"); or a 4xx status for a path
// that no file can have: encoded slashes or backslashes, backslashes, NUL
// or other control bytes, invalid UTF-8, or an overlong path.
//
// The manifest is the only namespace the edge serves from, so even a path
// that got through would only miss; rejecting early keeps the keys that
// reach the manifest (and the logs) canonical.
func cleanPath(u *url.URL) (string, int) {
	raw := u.EscapedPath()
	if len(raw) > maxPathBytes {
		return "", http.StatusRequestURITooLong
	}
	if hasEncodedSlash(raw) {
		return "", http.StatusBadRequest
	}
	p := u.Path
	if p == "" || p[0] != '/' || !utf8.ValidString(p) {
		return "", http.StatusBadRequest
	}
	for _, r := range p {
		if r < 0x20 || r == 0x7f || r == '\\' {
			return "", http.StatusBadRequest
		}
	}
	// path.Clean returns a clean path as it is, without allocating; so
	// does this for a clean path that ends in a slash.
	c := path.Clean(p)
	if strings.HasSuffix(p, "/") && c != "/" {
		if c == p[:len(p)-1] {
			return p, 0
		}
		c += "/"
	}
	if c != p {
		return c, http.StatusMovedPermanently
	}
	return p, 0
}

// hasEncodedSlash reports whether an escaped path holds %2f or %5c, in
// either case.
func hasEncodedSlash(raw string) bool {
	for i := strings.IndexByte(raw, '%'); i >= 0 && i+2 < len(raw); {
		if a, b := raw[i+1], raw[i+2]|0x20; a == '2' && b == 'f' || a == '5' && b == 'c' {
			return true
		}
		j := strings.IndexByte(raw[i+1:], '%')
		if j < 0 {
			break
		}
		i += 1 + j
	}
	return false
}

// target is what a clean path resolves to in a manifest.
type target struct {
	file     string // manifest path to serve, or ""
	redirect string // path to redirect to (301), or ""
}

// resolve maps a clean URL path to a manifest path, applying the URL
// policy. A zero target means no file: the caller answers 404.
func resolve(m *deployer.Manifest, p string) target {
	has := func(k string) bool { _, ok := m.Files[k]; return ok }
	key := strings.TrimPrefix(p, "/")
	pol := m.URLPolicy
	if key == "" || strings.HasSuffix(key, "/") {
		idx := key + "index.html"
		if !has(idx) {
			if base := strings.TrimSuffix(key, "/"); pol.PrettyHTML && key != "" && has(base+".html") {
				return target{redirect: "/" + base}
			}
			return target{}
		}
		if pol.TrailingSlash == "never" && key != "" {
			return target{redirect: "/" + strings.TrimSuffix(key, "/")}
		}
		return target{file: idx}
	}
	if has(key) {
		if base, ok := strings.CutSuffix(key, ".html"); ok && pol.PrettyHTML && path.Base(key) != "index.html" {
			return target{redirect: "/" + base}
		}
		return target{file: key}
	}
	if has(key + "/index.html") {
		if pol.TrailingSlash == "always" {
			return target{redirect: "/" + key + "/"}
		}
		return target{file: key + "/index.html"}
	}
	if pol.PrettyHTML && has(key+".html") {
		return target{file: key + ".html"}
	}
	return target{}
}

// notFoundPage returns the manifest path of the 404 page nearest to the
// clean URL path p: <dir>/404.html walking up to the root, then
// Manifest.NotFound; "" when there is none.
func notFoundPage(m *deployer.Manifest, p string) string {
	dir := strings.TrimPrefix(p, "/")
	if !strings.HasSuffix(dir, "/") {
		dir = path.Dir("/" + dir)[1:]
		if dir != "" {
			dir += "/"
		}
	}
	for {
		if _, ok := m.Files[dir+"404.html"]; ok {
			return dir + "404.html"
		}
		if dir == "" {
			break
		}
		dir = path.Dir("/" + strings.TrimSuffix(dir, "/"))[1:]
		if dir != "" {
			dir += "/"
		}
	}
	if _, ok := m.Files[m.NotFound]; ok && m.NotFound != "" {
		return m.NotFound
	}
	return ""
}

// location escapes a clean path and appends the request's query.
func location(p, rawQuery string) string {
	loc := (&url.URL{Path: p}).EscapedPath()
	if rawQuery != "" {
		loc += "?" + rawQuery
	}
	return loc
}
