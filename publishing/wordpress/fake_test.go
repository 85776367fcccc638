package wordpress_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/mail"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// testPassword is an Application Password as WordPress shows it: 24
// letters and digits in groups of four.
const testPassword = "abcd EFGH ijkl MNOP qrst UVWX"

// fakeUser is a WordPress user with one Application Password.
type fakeUser struct {
	id              int
	login, email    string
	name            string
	password        string // as WordPress compares it: letters and digits only
	roles           []string
	caps            []string // allcaps: the role's capabilities and the role itself
	appPasswordsOff bool     // wp_is_application_passwords_available_for_user says no
}

// Users with WordPress's default roles (wp-admin/includes/schema.php,
// populate_roles), trimmed to the capabilities that matter here.
var (
	editorUser = fakeUser{id: 7, login: "eve", email: "eve@example.com", name: "Eve Editor", password: "abcdEFGHijklMNOPqrstUVWX",
		roles: []string{"editor"}, caps: []string{"edit_posts", "publish_posts", "upload_files", "manage_categories", "edit_pages", "edit_others_posts", "read", "editor"}}
	authorUser = fakeUser{id: 8, login: "arthur", email: "arthur@example.com", name: "Arthur Author", password: "abcdEFGHijklMNOPqrstUVWX",
		roles: []string{"author"}, caps: []string{"edit_posts", "publish_posts", "upload_files", "edit_published_posts", "read", "author"}}
	contributorUser = fakeUser{id: 9, login: "connie", email: "connie@example.com", name: "Connie Contributor", password: "abcdEFGHijklMNOPqrstUVWX",
		roles: []string{"contributor"}, caps: []string{"edit_posts", "delete_posts", "read", "contributor"}}
)

// fakeWP is a WordPress site as its REST API answers, per the sources
// doc.go names. The zero value (plus users) is a healthy site with
// pretty permalinks and Application Passwords on.
type fakeWP struct {
	plain           bool   // plain permalinks: /wp-json/ is not routed
	prefix          string // rest_url_prefix; "" is wp-json
	restDisabled    bool   // a plugin answers every REST request with rest_disabled
	signedInOnly    bool   // a plugin answers anonymous REST requests with rest_not_logged_in
	html            bool   // something answers every request with a web page
	noAppPasswords  bool   // wp_is_application_passwords_available() is false
	stripAuth       bool   // the web server drops the Authorization header
	ignoreRestRoute bool   // ?rest_route= never reaches WordPress (a page cache answers)
	noTotals        bool   // collections answer without X-WP-Total(Pages)
	notFound        bool   // not WordPress: every request is a 404 page
	noneInUse       bool   // no Application Password was ever created (is_in_use is false)
	noWPV2          bool   // a plugin removed the wp/v2 namespace
	redirectMe      string // users/me redirects here, if set
	noUsersRoute    bool   // a plugin against user enumeration removed /wp/v2/users
	wooCommerce     bool
	users           []fakeUser
	posts           int
	meStatus        int  // users/me fails with this status (a fatal error), if set
	echo            bool // hostile: error messages repeat the credentials received

	mu       sync.Mutex
	base     string
	requests []seenRequest
}

type seenRequest struct {
	method string
	uri    string
	auth   bool
	scheme string
}

// start serves f over HTTPS (tls) or plain HTTP.
func (f *fakeWP) start(t *testing.T, tls bool) *httptest.Server {
	t.Helper()
	var srv *httptest.Server
	if tls {
		srv = httptest.NewTLSServer(f)
	} else {
		srv = httptest.NewServer(f)
	}
	t.Cleanup(srv.Close)
	f.mu.Lock()
	f.base = srv.URL
	f.mu.Unlock()
	return srv
}

func (f *fakeWP) seen() []seenRequest {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.requests)
}

func (f *fakeWP) restRoot() string {
	prefix := f.prefix
	if prefix == "" {
		prefix = "wp-json"
	}
	if f.plain {
		return f.base + "/?rest_route=/"
	}
	return f.base + "/" + prefix + "/"
}

func (f *fakeWP) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	f.mu.Lock()
	f.requests = append(f.requests, seenRequest{method: r.Method, uri: r.URL.RequestURI(), auth: r.Header.Get("Authorization") != "", scheme: scheme})
	f.mu.Unlock()
	if f.stripAuth {
		r.Header.Del("Authorization")
	}
	if f.notFound {
		page(w, http.StatusNotFound, "<html><head><title>404 Not Found</title></head><body><center><h1>404 Not Found</h1></center><hr><center>nginx</center></body></html>")
		return
	}
	if f.html {
		page(w, http.StatusOK, "<!doctype html><html><head><title>Coming soon</title></head><body>We are launching soon.</body></html>")
		return
	}
	route, isREST := f.route(r)
	if !isREST {
		if r.URL.Path == "/" {
			// rest_output_link_header, on every front-end page.
			w.Header().Add("Link", `<`+f.restRoot()+`>; rel="https://api.w.org/"`)
			page(w, http.StatusOK, "<!doctype html><html><head><title>Example Garden</title></head><body>Home</body></html>")
			return
		}
		page(w, http.StatusNotFound, "<!doctype html><html><head><title>Page not found</title></head><body>Nothing here.</body></html>")
		return
	}
	// determine_current_user → wp_validate_application_password, then
	// rest_application_password_check_errors on every REST request.
	user, code, msg := f.authenticate(r)
	if code != "" {
		wpError(w, http.StatusUnauthorized, code, msg)
		return
	}
	switch {
	case f.restDisabled:
		wpError(w, http.StatusUnauthorized, "rest_disabled", "The WordPress REST API has been disabled.")
		return
	case f.signedInOnly && user == nil:
		wpError(w, http.StatusUnauthorized, "rest_not_logged_in", "You are not currently logged in.")
		return
	}
	switch route {
	case "/":
		f.serveIndex(w, r)
	case "/wp/v2/users/me":
		if f.noUsersRoute {
			wpError(w, http.StatusNotFound, "rest_no_route", "No route was found matching the URL and request method.")
			return
		}
		f.serveMe(w, r, user)
	case "/wp/v2/posts":
		f.servePosts(w, r)
	default:
		wpError(w, http.StatusNotFound, "rest_no_route", "No route was found matching the URL and request method.")
	}
}

// route returns the REST route of r, as rest_api_loaded finds it: the
// path under the prefix (pretty permalinks only) or ?rest_route=.
func (f *fakeWP) route(r *http.Request) (string, bool) {
	prefix := f.prefix
	if prefix == "" {
		prefix = "wp-json"
	}
	if rest, ok := strings.CutPrefix(r.URL.Path, "/"+prefix); ok && !f.plain && (rest == "" || strings.HasPrefix(rest, "/")) {
		if rest == "" {
			rest = "/"
		}
		return rest, true
	}
	if q := r.URL.Query(); q.Has("rest_route") && !f.ignoreRestRoute && (r.URL.Path == "/" || r.URL.Path == "/index.php") {
		return "/" + strings.TrimLeft(q.Get("rest_route"), "/"), true
	}
	return "", false
}

// authenticate is wp_authenticate_application_password: the user, or
// the error code and message that rest_application_password_check_errors
// answers with.
func (f *fakeWP) authenticate(r *http.Request) (*fakeUser, string, string) {
	login, password, ok := r.BasicAuth()
	if !ok || f.noAppPasswords || f.noneInUse {
		return nil, "", ""
	}
	echo := ""
	if f.echo {
		echo = fmt.Sprintf(" (you sent %s:%s, header %s)", login, password, r.Header.Get("Authorization"))
	}
	i := slices.IndexFunc(f.users, func(u fakeUser) bool { return u.login == login || u.email == login })
	switch {
	case i < 0 && isEmail(login):
		return nil, "invalid_email", "<strong>Error</strong>: Unknown email address. Check again or try your username." + echo
	case i < 0:
		return nil, "invalid_username", "<strong>Error</strong>: Unknown username. Check again or try your email address." + echo
	case f.users[i].appPasswordsOff:
		return nil, "application_passwords_disabled_for_user", "Application passwords are not available for your account. Please contact the site administrator for assistance." + echo
	case nonAlnum.ReplaceAllString(password, "") != f.users[i].password:
		return nil, "incorrect_password", "The provided password is an invalid application password." + echo
	}
	return &f.users[i], "", ""
}

var nonAlnum = regexp.MustCompile(`[^a-zA-Z0-9]`)

func isEmail(s string) bool {
	_, err := mail.ParseAddress(s)
	return err == nil && strings.Contains(s, "@")
}

// serveIndex is WP_REST_Server::get_index, with its _fields filter.
func (f *fakeWP) serveIndex(w http.ResponseWriter, r *http.Request) {
	namespaces := []string{"oembed/1.0", "wp/v2", "wp-site-health/v1", "wp-block-editor/v1"}
	if f.noWPV2 {
		namespaces = slices.DeleteFunc(namespaces, func(ns string) bool { return ns == "wp/v2" })
	}
	if f.wooCommerce {
		namespaces = append(namespaces, "wc/v1", "wc/v2", "wc/v3", "wc/store/v1")
	}
	// "authentication" starts as array(): [] in JSON until a method is
	// added.
	var auth any = []any{}
	if !f.noAppPasswords {
		auth = map[string]any{"application-passwords": map[string]any{
			"endpoints": map[string]any{"authorization": f.base + "/wp-admin/authorize-application.php"}}}
	}
	idx := map[string]any{
		"name":            "Example Garden &amp; Co",
		"description":     "Grow <em>anything</em>",
		"url":             f.base,
		"home":            f.base,
		"gmt_offset":      "5.5", // get_option gives a string
		"timezone_string": "Asia/Kolkata",
		"page_for_posts":  0,
		"page_on_front":   0,
		"show_on_front":   "posts",
		"namespaces":      namespaces,
		"authentication":  auth,
		"routes":          map[string]any{"/": map[string]any{"namespace": "", "methods": []string{"GET"}}},
		"site_logo":       0,
	}
	if fields := r.URL.Query().Get("_fields"); fields != "" {
		keep := strings.Split(fields, ",")
		for k := range idx {
			if !slices.Contains(keep, k) {
				delete(idx, k)
			}
		}
	}
	writeJSON(w, http.StatusOK, idx)
}

// serveMe is WP_REST_Users_Controller::get_current_item with
// context=edit.
func (f *fakeWP) serveMe(w http.ResponseWriter, r *http.Request, u *fakeUser) {
	if u == nil {
		wpError(w, http.StatusUnauthorized, "rest_not_logged_in", "You are not currently logged in.")
		return
	}
	if f.redirectMe != "" {
		http.Redirect(w, r, f.redirectMe, http.StatusMovedPermanently)
		return
	}
	if f.meStatus != 0 {
		wpError(w, f.meStatus, "internal_server_error", "<p>There has been a critical error on this website.</p><p><a href=\"https://wordpress.org/documentation/article/faq-troubleshooting/\">Learn more about troubleshooting WordPress.</a></p>")
		return
	}
	me := map[string]any{"id": u.id, "name": u.name, "url": "", "description": "", "link": f.base + "/author/" + u.login + "/",
		"slug": u.login, "avatar_urls": map[string]string{"24": "https://secure.gravatar.com/avatar/x?s=24"}}
	if r.URL.Query().Get("context") == "edit" {
		caps := map[string]bool{}
		for _, c := range u.caps {
			caps[c] = true
		}
		me["username"] = u.login
		me["email"] = u.email
		me["first_name"], me["last_name"], me["nickname"] = "", "", u.login
		me["roles"] = u.roles
		me["registered_date"] = "2024-01-02T03:04:05+00:00"
		me["capabilities"] = caps
		me["extra_capabilities"] = map[string]bool{u.roles[0]: true}
		me["locale"] = "en_US"
	}
	writeJSON(w, http.StatusOK, me)
}

// servePosts is WP_REST_Posts_Controller::get_items: per_page 1 to 100
// (10 by default), X-WP-Total and X-WP-TotalPages, and a 400 past the
// last page.
func (f *fakeWP) servePosts(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	perPage, page := 10, 1
	if v := q.Get("per_page"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 100 {
			wpError(w, http.StatusBadRequest, "rest_invalid_param", "Invalid parameter(s): per_page")
			return
		}
		perPage = n
	}
	if v := q.Get("page"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			wpError(w, http.StatusBadRequest, "rest_invalid_param", "Invalid parameter(s): page")
			return
		}
		page = n
	}
	pages := (f.posts + perPage - 1) / perPage
	if page > pages && f.posts > 0 {
		wpError(w, http.StatusBadRequest, "rest_post_invalid_page_number", "The page number requested is larger than the number of pages available.")
		return
	}
	items := []map[string]any{}
	for id := (page-1)*perPage + 1; id <= min(page*perPage, f.posts); id++ {
		items = append(items, map[string]any{"id": id, "status": "publish", "title": map[string]string{"rendered": fmt.Sprintf("Post %d", id)}})
	}
	if !f.noTotals {
		w.Header().Set("X-WP-Total", strconv.Itoa(f.posts))
		w.Header().Set("X-WP-TotalPages", strconv.Itoa(pages))
	}
	writeJSON(w, http.StatusOK, items)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// wpError is WP_REST_Server::error_to_response.
func wpError(w http.ResponseWriter, status int, code, message string) {
	writeJSON(w, status, map[string]any{"code": code, "message": message, "data": map[string]int{"status": status}})
}

func page(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "text/html; charset=UTF-8")
	w.WriteHeader(status)
	_, _ = fmt.Fprint(w, body)
}
