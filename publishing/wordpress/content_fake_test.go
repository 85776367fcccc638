package wordpress_test

import (
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// contentWP is the content side of a WordPress site's REST API, in
// memory: posts, pages, categories, tags and media, answering as the
// controllers of wp-includes/rest-api/endpoints do (context=edit, the
// trash, term_exists with data.term_id, uploads named by
// Content-Disposition, OPTIONS with the schema and its meta keys).
type contentWP struct {
	mu      sync.Mutex
	base    string
	plain   bool
	nextID  int64
	posts   map[int64]*fakePost
	terms   map[string]map[int64]*fakeTerm // by taxonomy
	media   map[int64]*fakeMedia
	seoMeta []string // meta keys the posts schema registers
	clock   time.Time
	// fail, if set, may answer a request instead (status, WordPress
	// error code); it sees each request before the site does.
	fail func(r *http.Request) (int, string)
	// hideSlug, if set, hides terms from slug look-ups (a concurrent
	// writer created them just after).
	hideSlug bool
	log      []string
}

type fakePost struct {
	ID                      int64
	Kind                    string
	Slug, Status            string
	Title, Content, Excerpt string
	DateGMT, Modified       string
	Categories, Tags        []int64
	Featured                int64
	Meta                    map[string]string
}

type fakeTerm struct {
	ID                      int64
	Name, Slug, Description string
}

type fakeMedia struct {
	ID              int64
	Slug, File, Alt string
	Title, Type     string
	Size            int
}

func newContentWP(t *testing.T, plain bool) (*contentWP, *httptest.Server) {
	f := &contentWP{plain: plain, nextID: 100, posts: map[int64]*fakePost{}, media: map[int64]*fakeMedia{},
		terms: map[string]map[int64]*fakeTerm{"categories": {1: {ID: 1, Name: "Uncategorized", Slug: "uncategorized"}}, "tags": {}},
		clock: time.Date(2025, 3, 1, 10, 0, 0, 0, time.UTC)}
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	f.base = srv.URL
	return f, srv
}

func (f *contentWP) root() string {
	if f.plain {
		return f.base + "/?rest_route=/"
	}
	return f.base + "/wp-json/"
}

func (f *contentWP) tick() string {
	f.clock = f.clock.Add(time.Minute)
	return f.clock.Format("2006-01-02T15:04:05")
}

func (f *contentWP) count(what string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	switch what {
	case "media":
		return len(f.media)
	case "categories", "tags":
		return len(f.terms[what])
	}
	n := 0
	for _, p := range f.posts {
		if p.Kind == what {
			n++
		}
	}
	return n
}

func (f *contentWP) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	route := ""
	if f.plain {
		if r.URL.Path != "/" || !r.URL.Query().Has("rest_route") {
			page(w, 404, "<html>not found</html>")
			return
		}
		route = r.URL.Query().Get("rest_route")
	} else {
		rest, ok := strings.CutPrefix(r.URL.Path, "/wp-json")
		if !ok {
			page(w, 404, "<html>not found</html>")
			return
		}
		route = rest
	}
	if u, p, ok := r.BasicAuth(); !ok || u != "eve" || nonAlnum.ReplaceAllString(p, "") != editorUser.password {
		wpError(w, 401, "incorrect_password", "The provided password is an invalid application password.")
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.log = append(f.log, r.Method+" "+route)
	if f.fail != nil {
		if status, code := f.fail(r); status != 0 {
			w.Header().Set("Retry-After", "1")
			wpError(w, status, code, "Refused by the test.")
			return
		}
	}
	parts := strings.Split(strings.Trim(route, "/"), "/") // wp, v2, base, id
	if len(parts) < 3 || parts[0] != "wp" || parts[1] != "v2" {
		wpError(w, 404, "rest_no_route", "No route was found matching the URL and request method.")
		return
	}
	base := parts[2]
	var id int64
	if len(parts) == 4 {
		id, _ = strconv.ParseInt(parts[3], 10, 64)
	}
	switch base {
	case "posts", "pages":
		f.servePost(w, r, base, id)
	case "categories", "tags":
		f.serveTerm(w, r, base, id)
	case "media":
		f.serveMedia(w, r, id)
	default:
		wpError(w, 404, "rest_no_route", "No route was found matching the URL and request method.")
	}
}

// params merges the query and a JSON body, as WP_REST_Request does.
func params(r *http.Request) map[string]any {
	m := map[string]any{}
	for k, vs := range r.URL.Query() {
		m[k] = vs[0]
	}
	if strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
		var body map[string]any
		_ = json.NewDecoder(r.Body).Decode(&body)
		for k, v := range body {
			m[k] = v
		}
	}
	return m
}

func ids(v any) []int64 {
	var out []int64
	list, _ := v.([]any)
	for _, x := range list {
		n, _ := x.(float64)
		out = append(out, int64(n))
	}
	return out
}

func (f *contentWP) postJSON(p *fakePost) map[string]any {
	m := map[string]any{"id": p.ID, "slug": p.Slug, "status": p.Status, "type": strings.TrimSuffix(p.Kind, "s"),
		"link": fmt.Sprintf("%s/?p=%d", f.base, p.ID), "date_gmt": p.DateGMT, "modified_gmt": p.Modified,
		"title":          map[string]string{"raw": p.Title, "rendered": p.Title},
		"content":        map[string]any{"raw": p.Content, "rendered": p.Content, "protected": false},
		"featured_media": p.Featured, "meta": p.Meta}
	if len(p.Meta) == 0 {
		m["meta"] = []any{} // a PHP array()
	}
	if p.Kind == "posts" {
		m["excerpt"] = map[string]any{"raw": p.Excerpt, "rendered": p.Excerpt, "protected": false}
		m["categories"], m["tags"] = p.Categories, p.Tags
	}
	return m
}

func (f *contentWP) servePost(w http.ResponseWriter, r *http.Request, kind string, id int64) {
	if r.Method == http.MethodOptions {
		meta := map[string]any{}
		for _, k := range f.seoMeta {
			meta[k] = map[string]string{"type": "string"}
		}
		writeJSON(w, 200, map[string]any{"namespace": "wp/v2", "methods": []string{"GET", "POST"},
			"schema": map[string]any{"title": strings.TrimSuffix(kind, "s"), "properties": map[string]any{"meta": map[string]any{"type": "object", "properties": meta}}}})
		return
	}
	q := r.URL.Query()
	if id == 0 && r.Method == http.MethodGet {
		statuses := strings.Split(q.Get("status"), ",")
		if q.Get("status") == "" {
			statuses = []string{"publish"}
		}
		var after time.Time
		if v := q.Get("modified_after"); v != "" {
			after, _ = time.Parse(time.RFC3339, v)
		}
		list := []map[string]any{}
		keys := make([]int64, 0, len(f.posts))
		for k := range f.posts {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			p := f.posts[k]
			mod, _ := time.Parse("2006-01-02T15:04:05", p.Modified)
			if p.Kind != kind || !slices.Contains(statuses, p.Status) || q.Has("slug") && p.Slug != q.Get("slug") || !after.IsZero() && !mod.After(after) {
				continue
			}
			list = append(list, f.postJSON(p))
		}
		w.Header().Set("X-WP-Total", strconv.Itoa(len(list)))
		w.Header().Set("X-WP-TotalPages", "1")
		writeJSON(w, 200, list)
		return
	}
	p := f.posts[id]
	if id != 0 && (p == nil || p.Kind != kind) {
		wpError(w, 404, "rest_post_invalid_id", "Invalid post ID.")
		return
	}
	switch r.Method {
	case http.MethodGet:
		writeJSON(w, 200, f.postJSON(p))
	case http.MethodDelete:
		p.Status, p.Modified = "trash", f.tick()
		writeJSON(w, 200, f.postJSON(p))
	case http.MethodPost, http.MethodPut:
		in := params(r)
		if p == nil {
			f.nextID++
			p = &fakePost{ID: f.nextID, Kind: kind, Status: "draft", Meta: map[string]string{}}
			f.posts[p.ID] = p
		}
		if s, ok := in["status"].(string); ok {
			if !slices.Contains([]string{"publish", "future", "draft", "pending", "private"}, s) {
				wpError(w, 400, "rest_invalid_param", "Invalid parameter(s): status")
				return
			}
			p.Status = s
		}
		for k, dst := range map[string]*string{"title": &p.Title, "content": &p.Content, "excerpt": &p.Excerpt, "slug": &p.Slug, "date_gmt": &p.DateGMT} {
			if s, ok := in[k].(string); ok {
				*dst = s
			}
		}
		if v, ok := in["categories"]; ok {
			p.Categories = ids(v)
		}
		if v, ok := in["tags"]; ok {
			p.Tags = ids(v)
		}
		if v, ok := in["featured_media"].(float64); ok {
			p.Featured = int64(v)
		}
		if m, ok := in["meta"].(map[string]any); ok {
			for k, v := range m {
				if !slices.Contains(f.seoMeta, k) {
					continue // unregistered meta is ignored
				}
				p.Meta[k], _ = v.(string)
			}
		}
		p.Modified = f.tick()
		status := 200
		if id == 0 {
			status = 201
		}
		writeJSON(w, status, f.postJSON(p))
	default:
		wpError(w, 404, "rest_no_route", "No route was found matching the URL and request method.")
	}
}

func (f *contentWP) termJSON(tax string, t *fakeTerm) map[string]any {
	return map[string]any{"id": t.ID, "name": t.Name, "slug": t.Slug, "description": t.Description, "taxonomy": strings.TrimSuffix(tax, "s"),
		"link": f.base + "/" + strings.TrimSuffix(tax, "s") + "/" + t.Slug + "/"}
}

func (f *contentWP) serveTerm(w http.ResponseWriter, r *http.Request, tax string, id int64) {
	terms := f.terms[tax]
	switch {
	case r.Method == http.MethodGet && id == 0:
		list := []map[string]any{}
		for _, t := range terms {
			if r.URL.Query().Has("slug") && (f.hideSlug || t.Slug != r.URL.Query().Get("slug")) {
				continue
			}
			list = append(list, f.termJSON(tax, t))
		}
		w.Header().Set("X-WP-Total", strconv.Itoa(len(list)))
		w.Header().Set("X-WP-TotalPages", "1")
		writeJSON(w, 200, list)
	case r.Method == http.MethodGet:
		if t := terms[id]; t != nil {
			writeJSON(w, 200, f.termJSON(tax, t))
			return
		}
		wpError(w, 404, "rest_term_invalid", "Term does not exist.")
	case r.Method == http.MethodPost:
		in := params(r)
		t := terms[id]
		if id != 0 && t == nil {
			wpError(w, 404, "rest_term_invalid", "Term does not exist.")
			return
		}
		if t == nil {
			name, _ := in["name"].(string)
			for _, other := range terms {
				if strings.EqualFold(other.Name, name) {
					// wp_insert_term's term_exists, as the terms
					// controller reports it.
					writeJSON(w, 400, map[string]any{"code": "term_exists", "message": "A term with the name provided already exists with this parent.",
						"data": map[string]any{"status": 400, "term_id": other.ID}})
					return
				}
			}
			f.nextID++
			t = &fakeTerm{ID: f.nextID, Name: name, Slug: strings.ToLower(strings.ReplaceAll(name, " ", "-"))}
			terms[t.ID] = t
		}
		for k, dst := range map[string]*string{"name": &t.Name, "slug": &t.Slug, "description": &t.Description} {
			if s, ok := in[k].(string); ok {
				*dst = s
			}
		}
		writeJSON(w, 201, f.termJSON(tax, t))
	}
}

func (f *contentWP) mediaJSON(m *fakeMedia) map[string]any {
	return map[string]any{"id": m.ID, "slug": m.Slug, "alt_text": m.Alt, "mime_type": m.Type, "media_type": "image",
		"title": map[string]string{"raw": m.Title}, "source_url": f.base + "/wp-content/uploads/2025/03/" + m.File}
}

func (f *contentWP) serveMedia(w http.ResponseWriter, r *http.Request, id int64) {
	switch {
	case r.Method == http.MethodGet && id == 0:
		list := []map[string]any{}
		for _, m := range f.media {
			if m.Slug == r.URL.Query().Get("slug") {
				list = append(list, f.mediaJSON(m))
			}
		}
		writeJSON(w, 200, list)
	case r.Method == http.MethodGet:
		if m := f.media[id]; m != nil {
			writeJSON(w, 200, f.mediaJSON(m))
			return
		}
		wpError(w, 404, "rest_post_invalid_id", "Invalid post ID.")
	case r.Method == http.MethodPost && id == 0:
		_, p, err := mime.ParseMediaType(r.Header.Get("Content-Disposition"))
		if err != nil || p["filename"] == "" {
			wpError(w, 400, "rest_upload_no_content_disposition", "No Content-Disposition supplied.")
			return
		}
		data, _ := io.ReadAll(r.Body)
		q := r.URL.Query()
		f.nextID++
		m := &fakeMedia{ID: f.nextID, File: p["filename"], Slug: q.Get("slug"), Alt: q.Get("alt_text"), Title: q.Get("title"), Type: r.Header.Get("Content-Type"), Size: len(data)}
		f.media[m.ID] = m
		writeJSON(w, 201, f.mediaJSON(m))
	case r.Method == http.MethodPost:
		m := f.media[id]
		if m == nil {
			wpError(w, 404, "rest_post_invalid_id", "Invalid post ID.")
			return
		}
		if s, ok := params(r)["alt_text"].(string); ok {
			m.Alt = s
		}
		writeJSON(w, 200, f.mediaJSON(m))
	}
}
