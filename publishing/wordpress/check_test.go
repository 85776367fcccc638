package wordpress_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/igny8/igny8"
	"github.com/igny8/igny8/publishing/wordpress"
)

func TestCheckHealthySite(t *testing.T) {
	t.Parallel()
	b := setup(t, &fakeWP{wooCommerce: true}, true)

	site, err := b.client.Check(context.Background())
	if err != nil {
		t.Fatalf("Check: %v", err)
	}
	base := b.srv.URL
	for _, c := range []struct{ name, got, want string }{
		{"URL", site.URL, base},
		{"APIRoot", site.APIRoot, base + "/wp-json/"},
		{"URLForm", string(site.URLForm), string(wordpress.FormPretty)},
		{"Name", site.Name, "Example Garden & Co"},
		{"Description", site.Description, "Grow anything"},
		{"WordPressURL", site.WordPressURL, base},
		{"Home", site.Home, base},
		{"Timezone", site.Timezone, "Asia/Kolkata"},
		{"AppPasswordsAuthorizeURL", site.AppPasswordsAuthorizeURL, base + "/wp-admin/authorize-application.php"},
		{"User.Username", site.User.Username, "eve"},
		{"User.Name", site.User.Name, "Eve Editor"},
		{"client.APIRoot", b.client.APIRoot(), base + "/wp-json/"},
		{"client.URLForm", string(b.client.URLForm()), string(wordpress.FormPretty)},
	} {
		if c.got != c.want {
			t.Errorf("%s = %q, want %q", c.name, c.got, c.want)
		}
	}
	if got, want := site.GMTOffset, 5.5; got != want {
		t.Errorf("GMTOffset = %v, want %v", got, want)
	}
	if !site.HasWPV2 || !site.HasWooCommerce || !site.AppPasswords {
		t.Errorf("HasWPV2, HasWooCommerce, AppPasswords = %v, %v, %v; want all true", site.HasWPV2, site.HasWooCommerce, site.AppPasswords)
	}
	if !slices.Contains(site.Namespaces, "wc/v3") {
		t.Errorf("Namespaces = %v, want wc/v3 among them", site.Namespaces)
	}
	u := site.User
	if got, want := u.ID, int64(7); got != want {
		t.Errorf("User.ID = %d, want %d", got, want)
	}
	if got, want := u.Roles, []string{"editor"}; !reflect.DeepEqual(got, want) {
		t.Errorf("User.Roles = %v, want %v", got, want)
	}
	if !u.CanEditPosts || !u.CanPublishPosts || !u.CanUploadFiles || !u.CanManageCategories || !u.CanEditPages {
		t.Errorf("an editor's Can… flags = %+v, want all true", u)
	}
	if !u.Can("edit_others_posts") || u.Can("manage_options") {
		t.Errorf("Can(edit_others_posts), Can(manage_options) = %v, %v; want true, false", u.Can("edit_others_posts"), u.Can("manage_options"))
	}
	if len(site.Notes) != 0 {
		t.Errorf("Notes = %q, want none for a healthy site", site.Notes)
	}

	// One index read without credentials, one signed-in read of the user.
	seen := b.fake.seen()
	if got, want := len(seen), 2; got != want {
		t.Fatalf("%d requests, want %d: %+v", got, want, seen)
	}
	if r := seen[0]; r.auth || !strings.HasPrefix(r.uri, "/wp-json/?_fields=") {
		t.Errorf("first request = %+v, want the index without credentials", r)
	}
	if r := seen[1]; !r.auth || r.uri != "/wp-json/wp/v2/users/me?context=edit" {
		t.Errorf("second request = %+v, want users/me?context=edit signed in", r)
	}
}

// An author may publish; what the role lacks becomes notes, not errors.
func TestCheckAuthorGetsNotes(t *testing.T) {
	t.Parallel()
	b := setup(t, &fakeWP{users: []fakeUser{authorUser}}, true, func(c *wordpress.Config) { c.Username = "arthur" })

	site, err := b.client.Check(context.Background())
	if err != nil {
		t.Fatalf("Check: %v", err)
	}
	if site.User.CanManageCategories || site.User.CanEditPages || !site.User.CanPublishPosts {
		t.Errorf("author's flags = %+v, want publish but not categories or pages", site.User)
	}
	notes := strings.Join(site.Notes, "\n")
	for _, want := range []string{"manage_categories", "edit_pages"} {
		if !strings.Contains(notes, want) {
			t.Errorf("Notes do not mention %s: %q", want, site.Notes)
		}
	}
	if site.HasWooCommerce {
		t.Error("HasWooCommerce = true for a site without wc/v3")
	}
}

func TestCheckPlainPermalinks(t *testing.T) {
	t.Parallel()
	b := setup(t, &fakeWP{plain: true}, true)

	site, err := b.client.Check(context.Background())
	if err != nil {
		t.Fatalf("Check: %v", err)
	}
	if got, want := site.URLForm, wordpress.FormPlain; got != want {
		t.Errorf("URLForm = %q, want %q", got, want)
	}
	if got, want := site.APIRoot, b.srv.URL+"/?rest_route=/"; got != want {
		t.Errorf("APIRoot = %q, want %q", got, want)
	}
	if !slices.ContainsFunc(site.Notes, func(n string) bool { return strings.Contains(n, "plain permalinks") }) {
		t.Errorf("Notes = %q, want one about plain permalinks", site.Notes)
	}
	var uris []string
	for _, r := range b.fake.seen() {
		uris = append(uris, r.uri)
	}
	want := []string{
		"/wp-json/?_fields=" + strings.ReplaceAll(indexFieldsEscaped, ",", "%2C"),
		"/?rest_route=/&_fields=" + strings.ReplaceAll(indexFieldsEscaped, ",", "%2C"),
		"/?rest_route=/wp/v2/users/me&context=edit",
	}
	if !reflect.DeepEqual(uris, want) {
		t.Errorf("requests:\n%s\nwant:\n%s", strings.Join(uris, "\n"), strings.Join(want, "\n"))
	}
}

const indexFieldsEscaped = "name,description,url,home,gmt_offset,timezone_string,namespaces,authentication"

// Each failure WordPress can give has its own problem code and a message
// that says what to do.
func TestCheckProblems(t *testing.T) {
	t.Parallel()
	otherPassword := editorUser
	otherPassword.password = "zzzzYYYYxxxxWWWWvvvvUUUU"
	turnedOff := editorUser
	turnedOff.appPasswordsOff = true
	for _, tc := range []struct {
		name       string
		fake       *fakeWP
		tls        bool
		username   string
		password   string
		problem    string
		status     int
		code       string
		says       []string
		noPassSent bool // the password must not have been sent at all
	}{
		{name: "REST API disabled by a plugin", fake: &fakeWP{restDisabled: true}, tls: true,
			problem: wordpress.ProblemRESTDisabled, status: 401, code: "rest_disabled",
			says: []string{"The WordPress REST API has been disabled.", "turned off or restricted", "drops the Authorization header"}},
		{name: "REST API disabled on a plain-HTTP site", fake: &fakeWP{restDisabled: true},
			problem: wordpress.ProblemRESTDisabled, status: 401, code: "rest_disabled",
			says: []string{"The WordPress REST API has been disabled.", "HTTPS"}, noPassSent: true},
		{name: "not WordPress: 404 on both forms", fake: &fakeWP{notFound: true}, tls: true,
			problem: wordpress.ProblemNotWordPress, status: 404,
			says: []string{"No WordPress REST API answered", "/wp-json/", "?rest_route=/", "Settings → General"}, noPassSent: true},
		{name: "a web page instead of JSON", fake: &fakeWP{html: true}, tls: true,
			problem: wordpress.ProblemNotWordPress, status: 200,
			says: []string{"answered with a web page instead of WordPress's REST API"}, noPassSent: true},
		{name: "no wp/v2", fake: &fakeWP{noWPV2: true}, tls: true,
			problem: wordpress.ProblemRESTDisabled, says: []string{"wp/v2"}, noPassSent: true},
		{name: "Application Passwords not offered over plain HTTP", fake: &fakeWP{noAppPasswords: true},
			problem: wordpress.ProblemAppPasswordsUnavailable,
			says:    []string{"WordPress only allows Application Passwords over HTTPS", "did not send your password", "WP_ENVIRONMENT_TYPE"}, noPassSent: true},
		{name: "Application Passwords turned off on an HTTPS site", fake: &fakeWP{noAppPasswords: true}, tls: true,
			problem: wordpress.ProblemAppPasswordsUnavailable, status: 401, code: "rest_not_logged_in",
			says: []string{"does not offer Application Passwords", "wp_is_application_passwords_available"}},
		{name: "Application Passwords turned off for the user", fake: &fakeWP{users: []fakeUser{turnedOff}}, tls: true,
			problem: wordpress.ProblemAppPasswordsUnavailable, status: 401, code: "application_passwords_disabled_for_user",
			says: []string{`turned off for the user "eve"`}},
		{name: "Authorization header stripped", fake: &fakeWP{stripAuth: true}, tls: true,
			problem: wordpress.ProblemAuthorizationStripped, status: 401, code: "rest_not_logged_in",
			says: []string{"did not see the credentials", `SetEnvIf Authorization "(.*)" HTTP_AUTHORIZATION=$1`, "CGIPassAuth On", "You are not currently logged in."}},
		{name: "wrong password", fake: &fakeWP{users: []fakeUser{otherPassword}}, tls: true,
			problem: wordpress.ProblemWrongPassword, status: 401, code: "incorrect_password",
			says: []string{`rejected the password for "eve"`, "invalid application password", "Users → Profile → Application Passwords"}},
		{name: "login password on a site with no Application Passwords yet", fake: &fakeWP{noneInUse: true}, tls: true,
			password: "my-Login-Passw0rd!", problem: wordpress.ProblemWrongPassword, status: 401, code: "rest_not_logged_in",
			says: []string{"does not look like an Application Password", "24 letters and digits"}},
		{name: "unknown user name", fake: &fakeWP{}, tls: true, username: "nobody",
			problem: wordpress.ProblemUnknownUser, status: 401, code: "invalid_username",
			says: []string{`no user "nobody"`, "Error: Unknown username."}},
		{name: "unknown email address", fake: &fakeWP{}, tls: true, username: "nobody@example.com",
			problem: wordpress.ProblemUnknownUser, status: 401, code: "invalid_email",
			says: []string{`no user "nobody@example.com"`, "Unknown email address"}},
		{name: "contributor cannot publish", fake: &fakeWP{users: []fakeUser{contributorUser}}, tls: true, username: "connie",
			problem: wordpress.ProblemMissingCapabilities,
			says:    []string{`"connie" (role: contributor) cannot publish posts or upload images`, "missing capabilities: publish_posts, upload_files"}},
		{name: "fatal error on users/me", fake: &fakeWP{meStatus: 500}, tls: true,
			problem: wordpress.ProblemUnexpectedAnswer, status: 500, code: "internal_server_error",
			says: []string{"500 Internal Server Error", "There has been a critical error on this website."}},
		{name: "users endpoint hidden by a plugin", fake: &fakeWP{noUsersRoute: true}, tls: true,
			problem: wordpress.ProblemRESTDisabled, status: 404, code: "rest_no_route",
			says: []string{"would not tell IGNY8 who the signed-in user is", "/wp/v2/users/me"}},
		{name: "signed-in request redirected", fake: &fakeWP{redirectMe: "https://elsewhere.example/login"}, tls: true,
			problem: wordpress.ProblemUnexpectedAnswer, status: 301,
			says: []string{"redirected IGNY8's signed-in request", "https://elsewhere.example/login"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, tc.fake, tc.tls, func(c *wordpress.Config) {
				if tc.username != "" {
					c.Username = tc.username
				}
				if tc.password != "" {
					c.Password = tc.password
				}
			})
			site, err := b.client.Check(context.Background())
			if site != nil {
				t.Errorf("Check returned a site (%+v) with its error", site)
			}
			ce := checkErr(t, err)
			if ce.Problem != tc.problem {
				t.Errorf("Problem = %q, want %q; message: %s", ce.Problem, tc.problem, ce.Message)
			}
			if tc.status != 0 && ce.Status != tc.status {
				t.Errorf("Status = %d, want %d", ce.Status, tc.status)
			}
			if ce.Code != tc.code {
				t.Errorf("Code = %q, want %q", ce.Code, tc.code)
			}
			for _, want := range tc.says {
				if !strings.Contains(ce.Message, want) {
					t.Errorf("the message does not say %q:\n%s", want, ce.Message)
				}
			}
			if strings.Contains(ce.Message, "<strong>") || strings.Contains(ce.Message, "<p>") {
				t.Errorf("the message carries WordPress's markup: %s", ce.Message)
			}
			assertNoSecret(t, "the error", err.Error())
			if tc.noPassSent {
				for _, r := range b.fake.seen() {
					if r.auth {
						t.Errorf("the password was sent: %+v", r)
					}
				}
			}
		})
	}
}

func TestCheckMissingCapabilitiesListsThem(t *testing.T) {
	t.Parallel()
	b := setup(t, &fakeWP{users: []fakeUser{contributorUser}}, true, func(c *wordpress.Config) { c.Username = "connie" })
	_, err := b.client.Check(context.Background())
	ce := checkErr(t, err)
	if got, want := ce.Missing, []string{"publish_posts", "upload_files"}; !reflect.DeepEqual(got, want) {
		t.Errorf("Missing = %v, want %v", got, want)
	}
}

// The API layer sees a CheckError as invalid input, with the message.
func TestCheckErrorIsInvalidInput(t *testing.T) {
	t.Parallel()
	b := setup(t, &fakeWP{stripAuth: true}, true)
	_, err := b.client.Check(context.Background())
	ce := checkErr(t, err)
	if got, want := igny8.ErrorCode(err), igny8.EInvalid; got != want {
		t.Errorf("igny8.ErrorCode = %q, want %q", got, want)
	}
	if got, want := igny8.ErrorMessage(err), ce.Message; got != want {
		t.Errorf("igny8.ErrorMessage = %q, want the CheckError's message %q", got, want)
	}
}

func TestCheckSignedInOnlyREST(t *testing.T) {
	t.Parallel()
	b := setup(t, &fakeWP{signedInOnly: true}, true)

	site, err := b.client.Check(context.Background())
	if err != nil {
		t.Fatalf("Check: %v", err)
	}
	if !slices.ContainsFunc(site.Notes, func(n string) bool { return strings.Contains(n, "only signed-in users") }) {
		t.Errorf("Notes = %q, want one about a REST API for signed-in users only", site.Notes)
	}
	if got, want := site.User.ID, int64(7); got != want {
		t.Errorf("User.ID = %d, want %d", got, want)
	}
}

// A site that moved its REST API (rest_url_prefix) and whose
// ?rest_route= never reaches WordPress is found through the Link header
// of its home page.
func TestCheckFollowsLinkHeader(t *testing.T) {
	t.Parallel()
	b := setup(t, &fakeWP{prefix: "api", ignoreRestRoute: true}, true)

	site, err := b.client.Check(context.Background())
	if err != nil {
		t.Fatalf("Check: %v", err)
	}
	if got, want := site.APIRoot, b.srv.URL+"/api/"; got != want {
		t.Errorf("APIRoot = %q, want %q", got, want)
	}
	if got, want := site.URLForm, wordpress.FormPretty; got != want {
		t.Errorf("URLForm = %q, want %q", got, want)
	}
	if !slices.ContainsFunc(site.Notes, func(n string) bool { return strings.Contains(n, "Link header") }) {
		t.Errorf("Notes = %q, want one about the Link header", site.Notes)
	}
	seen := b.fake.seen()
	if last := seen[len(seen)-1]; last.uri != "/api/wp/v2/users/me?context=edit" || !last.auth {
		t.Errorf("last request = %+v, want users/me under /api/, signed in", last)
	}
}

// A plain-HTTP address that redirects to HTTPS: the index is found
// there, and the password goes only there.
func TestCheckFollowsRedirectToHTTPS(t *testing.T) {
	t.Parallel()
	fake := &fakeWP{users: []fakeUser{editorUser}}
	tlsSrv := fake.start(t, true)
	var mu sync.Mutex
	var plainAuth []string
	redirector := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "" {
			mu.Lock()
			plainAuth = append(plainAuth, r.URL.RequestURI())
			mu.Unlock()
		}
		http.Redirect(w, r, tlsSrv.URL+r.URL.RequestURI(), http.StatusMovedPermanently)
	}))
	t.Cleanup(redirector.Close)
	client, err := wordpress.New(wordpress.Config{SiteURL: redirector.URL, Username: "eve", Password: testPassword, HTTPClient: tlsSrv.Client()})
	if err != nil {
		t.Fatal(err)
	}

	site, err := client.Check(context.Background())
	if err != nil {
		t.Fatalf("Check: %v", err)
	}
	if got, want := site.APIRoot, tlsSrv.URL+"/wp-json/"; got != want {
		t.Errorf("APIRoot = %q, want %q", got, want)
	}
	if !slices.ContainsFunc(site.Notes, func(n string) bool { return strings.Contains(n, "redirects to") }) {
		t.Errorf("Notes = %q, want one about the redirect", site.Notes)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(plainAuth) > 0 {
		t.Errorf("the password went to the plain-HTTP address: %v", plainAuth)
	}
}

func TestCheckUnreachable(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.NotFoundHandler())
	addr := srv.URL
	srv.Close()
	client, err := wordpress.New(wordpress.Config{SiteURL: addr, Username: "eve", Password: testPassword, HTTPClient: srv.Client()})
	if err != nil {
		t.Fatal(err)
	}

	_, err = client.Check(context.Background())
	ce := checkErr(t, err)
	if got, want := ce.Problem, wordpress.ProblemUnreachable; got != want {
		t.Errorf("Problem = %q, want %q (%s)", got, want, ce.Message)
	}
	if ce.Err == nil {
		t.Error("Err is nil; want the transport error")
	}
	for _, want := range []string{"could not reach", "nothing accepted the connection"} {
		if !strings.Contains(ce.Message, want) {
			t.Errorf("the message does not say %q: %s", want, ce.Message)
		}
	}
	assertNoSecret(t, "the error", err.Error())
}

func TestCheckStopsWhenCancelled(t *testing.T) {
	t.Parallel()
	b := setup(t, &fakeWP{}, true)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := b.client.Check(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("Check on a cancelled context = %v, want context.Canceled", err)
	}
}
