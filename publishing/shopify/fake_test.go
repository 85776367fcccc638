package shopify

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/validator"
)

const testToken = "shpat_0123456789abcdef_SECRET"

// fakeShop is an in-memory Admin API that answers only operations the
// package lists and that validate, with their variables, against the
// real schema; anything else is a GraphQL error and fails the test.
type fakeShop struct {
	t   testing.TB
	srv *httptest.Server

	mu      sync.Mutex
	objs    map[string]*fakeObj // by gid
	next    int
	sent    []string // operation names, in order
	uploads int
	scopes  []string
	version string // the X-Shopify-API-Version answered
	// hook may answer a request instead of the shop (throttles, errors).
	hook func(op string, n int) *fakeReply
	// processing is how many polls a new file stays PROCESSING.
	processing int
	throttle   throttleStatus
	cost       float64
	// now is the shop's clock: each write moves it on a minute and
	// stamps the object's updatedAt.
	now time.Time
}

type fakeObj struct {
	kind, id, handle, marker, blogID string
	title, body, summary             string
	status                           string // files: fileStatus; products: status
	hidden                           bool   // pages, articles: not isPublished
	updated                          time.Time
	polls                            int
	input                            map[string]any // the last input written
}

type fakeReply struct {
	status  int
	header  http.Header
	body    string
	errors  []map[string]any // GraphQL errors with 200
	useCost *queryCost
}

func newFakeShop(t testing.TB) *fakeShop {
	f := &fakeShop{t: t, objs: map[string]*fakeObj{}, version: APIVersion,
		scopes:   []string{"write_products", "read_products", "write_content", "read_content", "write_files", "read_files"},
		throttle: throttleStatus{MaximumAvailable: 2000, CurrentlyAvailable: 1990, RestoreRate: 100}, cost: 10,
		now: time.Date(2026, 7, 1, 10, 0, 0, 0, time.UTC)}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /admin/api/{version}/graphql.json", f.graphql)
	mux.HandleFunc("POST /upload", f.upload)
	f.srv = httptest.NewServer(mux)
	t.Cleanup(f.srv.Close)
	return f
}

// client returns a client of the fake shop whose sleeps are recorded,
// not slept.
func (f *fakeShop) client(t testing.TB, sleeps *[]time.Duration) *Client {
	var mu sync.Mutex
	c, err := New(Config{BaseURL: f.srv.URL, Token: testToken, HTTPClient: f.srv.Client(),
		Sleep: func(ctx context.Context, d time.Duration) error {
			mu.Lock()
			defer mu.Unlock()
			if sleeps != nil {
				*sleeps = append(*sleeps, d)
			}
			return ctx.Err()
		}})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func (f *fakeShop) add(o *fakeObj) *fakeObj {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.next++
	o.id = fmt.Sprintf("gid://shopify/%s/%d", o.kind, f.next)
	o.updated = f.tick()
	f.objs[o.id] = o
	return o
}

// tick moves the shop's clock on and returns the time.
func (f *fakeShop) tick() time.Time {
	f.now = f.now.Add(time.Minute)
	return f.now
}

// edit changes an object as a merchant would in the Shopify admin.
func (f *fakeShop) edit(id string, change func(o *fakeObj)) {
	f.mu.Lock()
	defer f.mu.Unlock()
	change(f.objs[id])
	f.objs[id].updated = f.tick()
}

// remove deletes an object as a merchant would.
func (f *fakeShop) remove(id string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	delete(f.objs, id)
}

func (f *fakeShop) ops() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.sent)
}

func (f *fakeShop) count(kind string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for _, o := range f.objs {
		if o.kind == kind {
			n++
		}
	}
	return n
}

var parsedOps sync.Map // query text → *ast.QueryDocument

// validate checks a request against the package's operations and the
// schema; it returns the reason it is refused, or "".
func (f *fakeShop) validate(query, name string, vars map[string]any) string {
	if !slices.ContainsFunc(operations, func(op operation) bool { return op.query == query && op.name == name }) {
		return "operation " + name + " is not one of the package's operations"
	}
	doc, ok := parsedOps.Load(query)
	if !ok {
		d, errs := gqlparser.LoadQueryWithRules(mustSchema(f.t).Schema, query, nil)
		if len(errs) > 0 {
			return errs.Error()
		}
		parsedOps.Store(query, d)
		doc = d
	}
	if _, err := validator.VariableValues(mustSchema(f.t).Schema, doc.(*ast.QueryDocument).Operations[0], vars); err != nil {
		return "variables: " + err.Error()
	}
	return ""
}

func (f *fakeShop) graphql(w http.ResponseWriter, r *http.Request) {
	if r.Header.Get("X-Shopify-Access-Token") != testToken {
		w.WriteHeader(http.StatusUnauthorized)
		// Shopify does not echo tokens; this fake does, to prove they are
		// kept out of errors anyway.
		fmt.Fprintf(w, `{"errors":"[API] Invalid API key or access token (unrecognized login or wrong password) %s"}`, r.Header.Get("X-Shopify-Access-Token"))
		return
	}
	if r.PathValue("version") != APIVersion {
		w.WriteHeader(http.StatusNotFound)
		return
	}
	var req struct {
		Query         string         `json:"query"`
		OperationName string         `json:"operationName"`
		Variables     map[string]any `json:"variables"`
	}
	body, _ := io.ReadAll(r.Body)
	if err := json.Unmarshal(body, &req); err != nil {
		http.Error(w, "bad json", http.StatusBadRequest)
		return
	}
	if why := f.validate(req.Query, req.OperationName, req.Variables); why != "" {
		f.t.Errorf("fake shop refused %s: %s", req.OperationName, why)
		writeJSON(w, map[string]any{"errors": []map[string]any{{"message": why}}})
		return
	}
	f.mu.Lock()
	f.sent = append(f.sent, req.OperationName)
	n := len(f.sent)
	hook := f.hook
	f.mu.Unlock()
	cost := &queryCost{RequestedQueryCost: f.cost, ThrottleStatus: &f.throttle}
	if hook != nil {
		if rep := hook(req.OperationName, n); rep != nil {
			if rep.useCost != nil {
				cost = rep.useCost
			}
			for k, v := range rep.header {
				w.Header()[k] = v
			}
			if rep.status != 0 {
				w.WriteHeader(rep.status)
				io.WriteString(w, rep.body)
				return
			}
			if rep.errors != nil {
				writeJSON(w, map[string]any{"errors": rep.errors, "extensions": map[string]any{"cost": cost}})
				return
			}
		}
	}
	var data map[string]any
	func() {
		f.mu.Lock()
		defer f.mu.Unlock()
		defer func() {
			if p := recover(); p != nil {
				f.t.Errorf("fake shop: %s panicked: %v", req.OperationName, p)
			}
		}()
		data = f.answer(req.OperationName, req.Variables)
	}()
	doc, _ := parsedOps.Load(req.Query)
	w.Header().Set("X-Shopify-API-Version", f.version)
	writeJSON(w, map[string]any{"data": selected(data, doc.(*ast.QueryDocument).Operations[0].SelectionSet), "extensions": map[string]any{"cost": cost}})
}

// selected is v with only the fields set selects, as GraphQL answers:
// the fake's objects carry every field, and code that reads one it did
// not ask for must fail here as it would against Shopify.
func selected(v any, set ast.SelectionSet) any {
	switch v := v.(type) {
	case map[string]any:
		if v == nil {
			return nil // a null object
		}
		out := map[string]any{}
		var walk func(ast.SelectionSet)
		walk = func(set ast.SelectionSet) {
			for _, sel := range set {
				switch s := sel.(type) {
				case *ast.Field:
					key := s.Alias
					if key == "" {
						key = s.Name
					}
					if fv, ok := v[key]; ok {
						out[key] = selected(fv, s.SelectionSet)
					}
				case *ast.InlineFragment:
					walk(s.SelectionSet)
				case *ast.FragmentSpread:
					walk(s.Definition.SelectionSet)
				}
			}
		}
		walk(set)
		return out
	case []any:
		out := make([]any, len(v))
		for i, e := range v {
			out[i] = selected(e, set)
		}
		return out
	}
	return v
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(v)
}

// upload is the staged upload target: Shopify's storage, which must not
// see the token.
func (f *fakeShop) upload(w http.ResponseWriter, r *http.Request) {
	if r.Header.Get("X-Shopify-Access-Token") != "" {
		f.t.Error("the staged upload carried the access token")
	}
	if err := r.ParseMultipartForm(1 << 20); err != nil || r.FormValue("key") != "tmp/abc" || r.MultipartForm.File["file"] == nil {
		f.t.Errorf("staged upload: bad form (%v)", err)
		w.WriteHeader(http.StatusBadRequest)
		return
	}
	f.mu.Lock()
	f.uploads++
	f.mu.Unlock()
	w.WriteHeader(http.StatusCreated)
}

// find returns the object of a kind with a handle (and blog).
func (f *fakeShop) find(kind, handle string) *fakeObj {
	for _, o := range f.objs {
		if o.kind == kind && o.handle == handle {
			return o
		}
	}
	return nil
}

func (o *fakeObj) json() map[string]any {
	if o == nil {
		return nil
	}
	m := map[string]any{"id": o.id, "handle": o.handle, "title": o.title, "body": o.body, "descriptionHtml": o.body,
		"summary": nil, "updatedAt": o.updated.Format(time.RFC3339), "publishedAt": nil, "isPublished": !o.hidden,
		"status": o.status, "onlineStoreUrl": nil}
	if o.summary != "" {
		m["summary"] = o.summary
	}
	if !o.hidden {
		m["publishedAt"] = "2026-06-01T09:00:00Z"
	}
	if o.marker != "" {
		m["marker"] = map[string]any{"value": o.marker}
	} else {
		m["marker"] = nil
	}
	if o.blogID != "" {
		m["blog"] = map[string]any{"id": o.blogID, "handle": "news"}
	}
	return m
}

func nodes(objs ...*fakeObj) map[string]any {
	list := []any{}
	for _, o := range objs {
		if o != nil {
			list = append(list, o.json())
		}
	}
	return map[string]any{"nodes": list}
}

// handleOf reads "handle:\"x\"" back.
func handleOf(q string) string {
	return strings.Trim(strings.TrimPrefix(q, "handle:"), `"`)
}

func markerOf(input map[string]any) string {
	mfs, _ := input["metafields"].([]any)
	for _, m := range mfs {
		m := m.(map[string]any)
		if m["namespace"] == markerNamespace && m["key"] == markerKey {
			return m["value"].(string)
		}
	}
	return ""
}

// write creates or updates an object from a mutation's input.
func (f *fakeShop) write(kind string, o *fakeObj, input map[string]any) *fakeObj {
	if o == nil {
		f.next++
		o = &fakeObj{kind: kind, id: fmt.Sprintf("gid://shopify/%s/%d", kind, f.next)}
		f.objs[o.id] = o
	}
	if h, ok := input["handle"].(string); ok {
		o.handle = h
	}
	if v, ok := input["title"].(string); ok {
		o.title = v
	}
	for _, k := range []string{"body", "descriptionHtml"} {
		if v, ok := input[k].(string); ok {
			// Shopify cleans up the HTML it is sent; so does the fake, so
			// a hash of what was sent would not be a hash of what it holds.
			o.body = strings.TrimSpace(v)
		}
	}
	if v, ok := input["summary"].(string); ok {
		o.summary = v
	}
	if v, ok := input["isPublished"].(bool); ok {
		o.hidden = !v
	}
	if v, ok := input["status"].(string); ok {
		o.status = v
	}
	if b, ok := input["blogId"].(string); ok {
		o.blogID = b
	}
	if m := markerOf(input); m != "" {
		o.marker = m
	}
	o.input = input
	o.updated = f.tick()
	return o
}

func payload(key string, o *fakeObj, extra ...string) map[string]any {
	return map[string]any{key: o.json(), "userErrors": []any{}}
}

func (f *fakeShop) byID(kind string, vars map[string]any) *fakeObj {
	o := f.objs[vars["id"].(string)]
	if o == nil || o.kind != kind {
		return nil
	}
	return o
}

// answer is the data of a valid operation.
func (f *fakeShop) answer(op string, vars map[string]any) map[string]any {
	str := func(k string) string { s, _ := vars[k].(string); return s }
	obj := func(k string) map[string]any { m, _ := vars[k].(map[string]any); return m }
	switch op {
	case opShop.name:
		var scopes []any
		for _, s := range f.scopes {
			scopes = append(scopes, map[string]any{"handle": s})
		}
		return map[string]any{
			"shop":                   map[string]any{"name": "Acme", "myshopifyDomain": "acme.myshopify.com", "primaryDomain": map[string]any{"host": "www.acme.test", "url": "https://www.acme.test"}},
			"currentAppInstallation": map[string]any{"accessScopes": scopes},
			"publicApiVersions":      []any{map[string]any{"handle": "2025-10", "supported": true}, map[string]any{"handle": APIVersion, "supported": true}},
		}
	case opProductByHandle.name:
		return map[string]any{"productByIdentifier": f.find("Product", str("handle")).json()}
	case opProductByID.name:
		return map[string]any{"product": f.byID("Product", vars).json()}
	case opProductSet.name:
		id := obj("identifier")
		var o *fakeObj
		if h, ok := id["handle"].(string); ok {
			o = f.find("Product", h)
		} else if o = f.objs[id["id"].(string)]; o == nil {
			return map[string]any{"productSet": map[string]any{"product": nil, "userErrors": []any{map[string]any{"field": []string{"identifier", "id"}, "message": "Product does not exist", "code": "PRODUCT_DOES_NOT_EXIST"}}}}
		}
		if title, _ := obj("input")["title"].(string); title == "" {
			return map[string]any{"productSet": map[string]any{"product": nil, "userErrors": []any{map[string]any{"field": []string{"input", "title"}, "message": "Title can't be blank", "code": "BLANK"}}}}
		}
		return map[string]any{"productSet": payload("product", f.write("Product", o, obj("input")))}
	case opPageByHandle.name:
		return map[string]any{"pages": nodes(f.find("Page", handleOf(str("query"))))}
	case opPageByID.name:
		return map[string]any{"page": f.byID("Page", vars).json()}
	case opPageCreate.name:
		return map[string]any{"pageCreate": payload("page", f.write("Page", nil, obj("page")))}
	case opPageUpdate.name:
		return map[string]any{"pageUpdate": payload("page", f.write("Page", f.byID("Page", vars), obj("page")))}
	case opBlogByHandle.name:
		return map[string]any{"blogs": nodes(f.find("Blog", handleOf(str("query"))))}
	case opBlogCreate.name:
		return map[string]any{"blogCreate": payload("blog", f.write("Blog", nil, obj("blog")))}
	case opArticleByHandle.name:
		return map[string]any{"articles": nodes(f.find("Article", handleOf(str("query"))))}
	case opArticleByID.name:
		return map[string]any{"article": f.byID("Article", vars).json()}
	case opArticleCreate.name:
		return map[string]any{"articleCreate": payload("article", f.write("Article", nil, obj("article")))}
	case opArticleUpdate.name:
		return map[string]any{"articleUpdate": payload("article", f.write("Article", f.byID("Article", vars), obj("article")))}
	case opCollectionByHandle.name:
		return map[string]any{"collectionByIdentifier": f.find("Collection", str("handle")).json()}
	case opCollectionByID.name:
		return map[string]any{"collection": f.byID("Collection", vars).json()}
	case opCollectionCreate.name:
		return map[string]any{"collectionCreate": payload("collection", f.write("Collection", nil, obj("collection")))}
	case opCollectionUpdate.name:
		in := obj("collection")
		return map[string]any{"collectionUpdate": payload("collection", f.write("Collection", f.objs[in["id"].(string)], in))}
	case opFilesByName.name:
		var list []any
		for _, o := range f.objs {
			if o.kind == "MediaImage" && "filename:\""+o.handle+"\"" == str("query") {
				list = append(list, f.fileJSON(o))
			}
		}
		return map[string]any{"files": map[string]any{"nodes": list}}
	case opStagedUploadsCreate.name:
		return map[string]any{"stagedUploadsCreate": map[string]any{"stagedTargets": []any{map[string]any{
			"url": f.srv.URL + "/upload", "resourceUrl": "https://shopify-staged-uploads.storage.googleapis.com/tmp/abc",
			"parameters": []any{map[string]any{"name": "key", "value": "tmp/abc"}, map[string]any{"name": "policy", "value": "p"}}}}, "userErrors": []any{}}}
	case opFileCreate.name:
		in := vars["files"].([]any)[0].(map[string]any)
		f.next++
		o := &fakeObj{kind: "MediaImage", id: fmt.Sprintf("gid://shopify/MediaImage/%d", f.next), handle: in["filename"].(string), status: "UPLOADED"}
		f.objs[o.id] = o
		return map[string]any{"fileCreate": map[string]any{"files": []any{map[string]any{"id": o.id, "fileStatus": "UPLOADED", "alt": in["alt"]}}, "userErrors": []any{}}}
	case opFileByID.name:
		o := f.objs[str("id")]
		if o == nil {
			return map[string]any{"node": nil}
		}
		o.polls++
		if o.polls > f.processing {
			o.status = "READY"
		} else {
			o.status = "PROCESSING"
		}
		return map[string]any{"node": f.fileJSON(o)}
	case opPagesUpdated.name, opArticlesUpdated.name, opProductsUpdated.name:
		kind := map[string]string{opPagesUpdated.name: "Page", opArticlesUpdated.name: "Article", opProductsUpdated.name: "Product"}[op]
		var since time.Time
		if q, ok := vars["query"].(string); ok {
			var err error
			ts, found := strings.CutPrefix(q, "updated_at:>")
			if since, err = time.Parse(time.RFC3339, strings.Trim(ts, "'")); !found || err != nil || !strings.HasPrefix(ts, "'") || !strings.HasSuffix(ts, "'") {
				f.t.Errorf("fake shop: %s: query %q is not updated_at:>'RFC 3339 time'", op, q)
			}
		}
		var all []*fakeObj
		for _, o := range f.objs {
			if o.kind == kind && o.updated.After(since) {
				all = append(all, o)
			}
		}
		slices.SortFunc(all, func(a, b *fakeObj) int { return cmp.Or(a.updated.Compare(b.updated), strings.Compare(a.id, b.id)) })
		start := 0
		if after, ok := vars["after"].(string); ok {
			fmt.Sscan(after, &start)
		}
		end := min(start+2, len(all)) // pages of two, to exercise the cursor
		conn := nodes(all[start:end]...)
		conn["pageInfo"] = map[string]any{"hasNextPage": end < len(all), "endCursor": fmt.Sprint(end)}
		key := map[string]string{"Page": "pages", "Article": "articles", "Product": "products"}[kind]
		return map[string]any{key: conn}
	}
	f.t.Errorf("fake shop: no answer for %s", op)
	return nil
}

func (f *fakeShop) fileJSON(o *fakeObj) map[string]any {
	m := map[string]any{"id": o.id, "fileStatus": o.status, "alt": "", "fileErrors": []any{}, "image": nil}
	if o.status == "READY" {
		m["image"] = map[string]any{"url": "https://cdn.shopify.test/files/" + o.handle, "altText": "alt"}
	}
	return m
}
