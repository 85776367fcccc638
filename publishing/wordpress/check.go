package wordpress

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
)

// Check finds the site's REST API, reads its index, signs in and reads
// the user: everything IGNY8 must know before it stores a connection. It
// returns what it learnt, or a *CheckError that says in plain words what
// the site owner must fix. The caller's cancellation comes back as the
// context's error.
func (c *Client) Check(ctx context.Context) (*Site, error) {
	d, err := c.discover(ctx)
	if err != nil {
		return nil, err
	}
	site := c.siteFrom(d)
	if !site.HasWPV2 {
		return nil, c.checkError(ProblemRESTDisabled, nil,
			"The REST API at %s does not offer WordPress's content routes (wp/v2): a plugin has removed them. IGNY8 publishes through wp/v2; turn off whatever removes it.", d.root)
	}
	if !site.AppPasswords && d.root.Scheme != "https" && !d.signedIn {
		// WordPress would ignore the password, and it would cross the
		// network in clear: do not send it.
		return nil, c.checkError(ProblemAppPasswordsUnavailable, nil, "%s", c.httpsOnly(d.root))
	}
	wu, err := c.currentUser(ctx, d.root, site)
	if err != nil {
		return nil, err
	}
	if err := c.fillUser(site, wu); err != nil {
		return nil, err
	}
	if !site.AppPasswords {
		site.Notes = append(site.Notes, "The site does not list Application Passwords among its sign-in methods, yet it accepted the credentials (a plugin handles the sign-in). If publishing stops working, check that plugin first.")
	}
	c.remember(d.root)
	return site, nil
}

// discovered is a REST root that answered with the index.
type discovered struct {
	root     *url.URL
	idx      *index
	notes    []string
	signedIn bool // the index answered only when signed in
}

// attempt is one try at reading the index at a root.
type attempt struct {
	root *url.URL
	ans  *answer
	err  error
}

func (c *Client) fetchIndex(ctx context.Context, root *url.URL, auth bool) attempt {
	a, err := c.send(ctx, http.MethodGet, routeURL(root, "/", url.Values{"_fields": {indexFields}}), auth)
	return attempt{root: root, ans: a, err: err}
}

// discover finds the REST root: /wp-json/, then ?rest_route=/ (the
// Discovery page of the REST API Handbook asks clients to handle both),
// then the root the home page's Link header names, then, for a REST API
// that answers only signed-in users, the same again signed in. It
// remembers the root it finds.
func (c *Client) discover(ctx context.Context) (*discovered, error) {
	var tried []attempt
	try := func(root *url.URL, auth bool) (*discovered, error) {
		a := c.fetchIndex(ctx, root, auth)
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		tried = append(tried, a)
		if a.err != nil {
			// The host itself did not answer; the other forms go to the
			// same host, so say so now rather than time out again.
			return nil, c.unreachable(root, a.err)
		}
		idx := parseIndex(a.ans)
		if idx == nil {
			return nil, nil
		}
		d := &discovered{root: withoutParam(a.ans.url, "_fields"), idx: idx, signedIn: auth}
		if d.root.Scheme != c.site.Scheme || !strings.EqualFold(d.root.Host, c.site.Host) {
			d.notes = append(d.notes, fmt.Sprintf("%s redirects to %s; IGNY8 uses the address it redirects to. Saving the site as %s://%s avoids the detour.",
				c.site, d.root.Scheme+"://"+d.root.Host, d.root.Scheme, d.root.Host))
		}
		if formOf(d.root) == FormPlain {
			d.notes = append(d.notes, "The site's REST API answers only at ?rest_route= addresses, not under /wp-json/: the site uses plain permalinks (or something blocks /wp-json/). IGNY8 uses the ?rest_route= form, so nothing needs fixing; choosing any other structure under Settings → Permalinks would make /wp-json/ work too.")
		}
		c.remember(d.root)
		return d, nil
	}
	for _, root := range []*url.URL{prettyRoot(c.site), plainRoot(c.site)} {
		if d, err := try(root, false); d != nil || err != nil {
			return d, err
		}
	}
	if root := c.linkedRoot(ctx); root != nil && !slices.ContainsFunc(tried, func(a attempt) bool { return a.root.String() == root.String() }) {
		if d, err := try(root, false); d != nil || err != nil {
			if d != nil {
				d.notes = append(d.notes, fmt.Sprintf("The REST API answers at %s, the address the site announces in its Link header.", d.root))
			}
			return d, err
		}
	}
	for _, a := range slices.Clone(tried) {
		if a.ans == nil || a.ans.status != http.StatusUnauthorized && a.ans.status != http.StatusForbidden {
			continue
		}
		if _, ok := wpErrorOf(a.ans); !ok {
			continue
		}
		// WordPress answered, but perhaps only to signed-in users. Sign
		// in where it answered, after any redirect.
		answered := withoutParam(a.ans.url, "_fields")
		if answered.Scheme != "https" {
			return nil, c.restDisabled(a, " If it answers signed-in users only: IGNY8 would have to sign in, and WordPress only allows Application Passwords over HTTPS. Switch the site to HTTPS, then connect with its https:// address.")
		}
		d, err := try(answered, true)
		if d != nil {
			d.notes = append(d.notes, "The site's REST API answers only signed-in users; IGNY8 signs in for every request, so this is fine.")
		}
		if d != nil || err != nil {
			return d, err
		}
		b := tried[len(tried)-1]
		if e := c.credentialProblem(b.ans, b.root); e != nil {
			return nil, e
		}
		if _, ok := wpErrorOf(b.ans); ok {
			return nil, c.restDisabled(b, " It said the same when IGNY8 signed in: either the REST API is off for everyone, or the web server drops the Authorization header before WordPress sees it (Tools → Site Health runs a test for that).")
		}
		return nil, c.unexpected(b.ans, b.root, "asked for its REST API, signed in")
	}
	return nil, c.discoveryFailed(tried)
}

// linkedRoot returns the REST root the home page names in its Link
// header (Link: <https://example.com/wp-json/>; rel="https://api.w.org/"),
// if it is on the site's host (or the host the home page redirected to).
func (c *Client) linkedRoot(ctx context.Context) *url.URL {
	home := *c.site
	if home.Path == "" {
		home.Path = "/"
	}
	a, err := c.send(ctx, http.MethodHead, &home, false)
	if err != nil {
		return nil
	}
	for _, v := range a.header.Values("Link") {
		for _, l := range parseLinks(v) {
			if !slices.Contains(strings.Fields(l.rel), "https://api.w.org/") {
				continue
			}
			u, err := a.url.Parse(l.target)
			if err != nil || u.Scheme != "http" && u.Scheme != "https" || u.User != nil {
				continue
			}
			if strings.EqualFold(u.Host, c.site.Host) || strings.EqualFold(u.Host, a.url.Host) {
				u.Fragment = ""
				return u
			}
		}
	}
	return nil
}

type link struct{ target, rel string }

// parseLinks reads one Link header value: <target>; rel="…", <…>; ….
func parseLinks(v string) []link {
	var links []link
	for {
		start := strings.IndexByte(v, '<')
		if start < 0 {
			return links
		}
		end := strings.IndexByte(v[start:], '>')
		if end < 0 {
			return links
		}
		l := link{target: v[start+1 : start+end]}
		v = v[start+end+1:]
		params := v
		if next := strings.IndexByte(v, '<'); next >= 0 {
			params = v[:next]
		}
		for _, p := range strings.Split(params, ";") {
			name, val, ok := strings.Cut(strings.TrimSpace(p), "=")
			if ok && strings.EqualFold(strings.TrimSpace(name), "rel") {
				l.rel = strings.Trim(strings.TrimSpace(val), `",`)
			}
		}
		links = append(links, l)
	}
}

// discoveryFailed explains why no attempt found the index, from the most
// telling answer: WordPress's own refusal, then a server error, a web
// page, a 404, anything else, and last no answer at all.
func (c *Client) discoveryFailed(tried []attempt) error {
	rank := func(a attempt) int {
		switch we, isWP := wpErrorOf(orEmpty(a.ans)); {
		case a.err != nil:
			return 5
		case isWP && we.Code != "rest_no_route" && a.ans.status < 500:
			return 0
		case a.ans.status >= 500:
			return 1
		case isHTML(a.ans) && a.ans.status != http.StatusNotFound:
			return 2
		case a.ans.status == http.StatusNotFound:
			return 3
		}
		return 4
	}
	best := slices.MinFunc(tried, func(a, b attempt) int { return rank(a) - rank(b) })
	pretty, plain := routeURL(prettyRoot(c.site), "/", nil), routeURL(plainRoot(c.site), "/", nil)
	switch rank(best) {
	case 0:
		return c.restDisabled(best, "")
	case 1:
		return c.unexpected(best.ans, best.root, "asked for its REST API")
	case 2:
		return c.checkError(ProblemNotWordPress, best.ans,
			"%s answered with a web page instead of WordPress's REST API (JSON). Either this is not a WordPress site, or something in front of it (a security plugin, a cache, a firewall, a maintenance page) answers in place of the API. Check the address, then let %s and %s through.",
			best.root, pretty, plain)
	case 3:
		return c.checkError(ProblemNotWordPress, best.ans,
			"No WordPress REST API answered at %s or %s (not found). Check that %s is the address of your WordPress site (Settings → General → Site Address), and that no security plugin has turned off the REST API, which IGNY8 publishes through.",
			pretty, plain, c.site)
	case 4:
		return c.checkError(ProblemNotWordPress, best.ans,
			"%s answered (%s), but not with WordPress's REST index. Check that %s is the address of your WordPress site (Settings → General → Site Address).",
			best.root, statusText(best.ans.status), c.site)
	}
	return c.unreachable(best.root, best.err)
}

func orEmpty(a *answer) *answer {
	if a == nil {
		return &answer{header: http.Header{}}
	}
	return a
}

// restDisabled explains WordPress's refusal to serve its REST API.
// more is a sentence to add, or "".
func (c *Client) restDisabled(a attempt, more string) *CheckError {
	we, _ := wpErrorOf(a.ans)
	return c.checkError(ProblemRESTDisabled, a.ans,
		"WordPress at %s answered that its REST API is turned off or restricted: %q (%s, %s). IGNY8 publishes through the REST API: allow it in the plugin or setting that blocks it (security plugins often have a “disable REST API” option).%s",
		a.root, we.Message, we.Code, statusText(a.ans.status), more)
}

// httpsOnly explains why a plain-HTTP site cannot take an Application
// Password.
func (c *Client) httpsOnly(root *url.URL) string {
	return fmt.Sprintf("WordPress only allows Application Passwords over HTTPS; %s is served over plain HTTP, so the site does not offer them and IGNY8 did not send your password over the unencrypted connection. Switch the site to HTTPS (most hosts offer a free certificate), then connect with its https:// address. (On a local development copy, setting WP_ENVIRONMENT_TYPE to 'local' in wp-config.php also turns them on.)",
		root.Scheme+"://"+root.Host)
}

// currentUser signs in and reads /wp/v2/users/me?context=edit.
func (c *Client) currentUser(ctx context.Context, root *url.URL, site *Site) (*wpUser, error) {
	u := routeURL(root, "/wp/v2/users/me", url.Values{"context": {"edit"}})
	a, err := c.send(ctx, http.MethodGet, u, true)
	if err != nil {
		if cerr := ctx.Err(); cerr != nil {
			return nil, cerr
		}
		return nil, c.unreachable(u, err)
	}
	switch {
	case a.status == http.StatusOK:
		var wu wpUser
		if err := json.Unmarshal(jsonBody(a.body), &wu); err != nil || wu.ID <= 0 {
			return nil, c.unexpected(a, u, "asked who the signed-in user is")
		}
		return &wu, nil
	case a.status >= 300 && a.status < 400:
		return nil, c.checkError(ProblemUnexpectedAnswer, a,
			"WordPress redirected IGNY8's signed-in request from %s to %s. IGNY8 does not send your password along redirects: connect with the address the site redirects to, or remove the redirect for the REST API.",
			u, orUnknown(a.header.Get("Location")))
	}
	if e := c.credentialProblem(a, root); e != nil {
		return nil, e
	}
	if a.status == http.StatusUnauthorized {
		return nil, c.notSignedIn(a, root, site)
	}
	if we, ok := wpErrorOf(a); ok && (a.status == http.StatusNotFound || a.status == http.StatusForbidden) {
		// Plugins against user enumeration remove or block /wp/v2/users.
		return nil, c.checkError(ProblemRESTDisabled, a,
			"WordPress would not tell IGNY8 who the signed-in user is: %q (%s, %s). A security plugin that hides the users endpoint (/wp/v2/users, against user enumeration) usually causes this; allow /wp/v2/users/me for signed-in users.",
			we.Message, we.Code, statusText(a.status))
	}
	return nil, c.unexpected(a, u, "asked who the signed-in user is")
}

// credentialProblem explains an answer to a signed-in request in which
// WordPress refused the credentials (wp_authenticate_application_password's
// codes), or returns nil.
func (c *Client) credentialProblem(a *answer, root *url.URL) *CheckError {
	we, _ := wpErrorOf(a)
	said := wordPressSaid(a)
	switch we.Code {
	case "incorrect_password":
		return c.checkError(ProblemWrongPassword, a,
			"WordPress rejected the password for %q: it is not one of that user's Application Passwords.%s Create one under Users → Profile → Application Passwords and paste it exactly; the password you sign in to WordPress with does not work here.",
			c.username, said)
	case "invalid_username", "invalid_email":
		return c.checkError(ProblemUnknownUser, a,
			"WordPress has no user %q.%s Enter the user name (or email address) you sign in to WordPress with.", c.username, said)
	case "application_passwords_disabled":
		if root.Scheme != "https" {
			return c.checkError(ProblemAppPasswordsUnavailable, a, "%s", c.httpsOnly(root))
		}
		return c.checkError(ProblemAppPasswordsUnavailable, a,
			"WordPress says Application Passwords are not available on this site.%s A security plugin or a setting (the wp_is_application_passwords_available filter) has turned them off; turn them back on.", said)
	case "application_passwords_disabled_for_user":
		return c.checkError(ProblemAppPasswordsUnavailable, a,
			"WordPress says Application Passwords are turned off for the user %q.%s Ask the site's administrator to allow them for this user, or connect as another user.", c.username, said)
	}
	return nil
}

// notSignedIn explains a 401 to a signed-in request that carries no
// sign-in error: WordPress treated it as anonymous.
// wp_validate_application_password ignores credentials when Application
// Passwords are unavailable (or none was ever created on the site), and
// never sees them when the server drops the header.
func (c *Client) notSignedIn(a *answer, root *url.URL, site *Site) *CheckError {
	said := wordPressSaid(a)
	switch {
	case !site.AppPasswords && root.Scheme != "https":
		return c.checkError(ProblemAppPasswordsUnavailable, a, "%s", c.httpsOnly(root))
	case !site.AppPasswords:
		return c.checkError(ProblemAppPasswordsUnavailable, a,
			"This site does not offer Application Passwords: WordPress does not list them among its sign-in methods, and it ignored the one IGNY8 sent.%s A security plugin or a setting (the wp_is_application_passwords_available filter) has turned them off; turn them back on, then create one under Users → Profile → Application Passwords.", said)
	case !looksLikeAppPassword(c.password):
		return c.checkError(ProblemWrongPassword, a,
			"WordPress did not accept the password for %q, and it does not look like an Application Password (those are 24 letters and digits, shown in groups of four).%s Create one under Users → Profile → Application Passwords; the password you sign in to WordPress with does not work here.",
			c.username, said)
	}
	return c.checkError(ProblemAuthorizationStripped, a,
		"WordPress did not see the credentials IGNY8 sent: it answered as if nobody had signed in.%s Usually the web server or a proxy drops the Authorization header before it reaches WordPress. On Apache (PHP as CGI or FastCGI) add the line SetEnvIf Authorization \"(.*)\" HTTP_AUTHORIZATION=$1 to .htaccess above the WordPress block, or CGIPassAuth On; behind nginx, a CDN or a firewall, make sure the Authorization header is passed on. Also check that the password is an Application Password (Users → Profile → Application Passwords).",
		said)
}

// wordPressSaid quotes WordPress's error message, " WordPress said: “…”.",
// or is "".
func wordPressSaid(a *answer) string {
	if we, ok := wpErrorOf(a); ok && we.Message != "" {
		s := fmt.Sprintf(" WordPress said: %q", we.Message)
		if !strings.ContainsAny(we.Message[len(we.Message)-1:], ".!?") {
			s += "."
		}
		return s
	}
	return ""
}

// unexpected explains an answer IGNY8 cannot use; what completes "when
// IGNY8 …".
func (c *Client) unexpected(a *answer, u fmt.Stringer, what string) *CheckError {
	detail := ""
	switch we, isWP := wpErrorOf(a); {
	case isWP:
		detail = fmt.Sprintf(": %q (%s)", we.Message, we.Code)
	case isHTML(a):
		detail = " with a web page instead of JSON"
	case isJSONType(a) || len(jsonBody(a.body)) > 0:
		detail = " with something IGNY8 could not read as WordPress's JSON (PHP warnings printed before the answer, or a plugin that changes it, often cause this)"
	}
	return c.checkError(ProblemUnexpectedAnswer, a,
		"WordPress answered %s when IGNY8 %s (GET %s)%s. Try again later; if it keeps happening, the site's error log or its host can tell why.",
		statusText(a.status), what, u, detail)
}

// fillUser puts the signed-in user into site, or explains what the user
// lacks.
func (c *Client) fillUser(site *Site, wu *wpUser) error {
	caps, ok := wu.capabilities()
	if !ok {
		return c.checkError(ProblemUnexpectedAnswer, nil,
			"WordPress did not say what the user %q may do: its answer for the signed-in user has no capabilities. A plugin may be filtering user data out of the REST API.", c.username)
	}
	u := User{ID: wu.ID, Username: wu.Username, Name: wu.Name, Roles: wu.Roles, Capabilities: caps}
	if u.Roles == nil {
		u.Roles = []string{}
	}
	u.CanEditPosts, u.CanPublishPosts, u.CanUploadFiles = u.Can("edit_posts"), u.Can("publish_posts"), u.Can("upload_files")
	u.CanManageCategories, u.CanEditPages = u.Can("manage_categories"), u.Can("edit_pages")
	site.User = u
	var missing, cannot []string
	for _, rc := range requiredCapabilities {
		if !u.Can(rc.name) {
			missing, cannot = append(missing, rc.name), append(cannot, rc.does)
		}
	}
	if len(missing) > 0 {
		roles := "no role"
		if len(u.Roles) > 0 {
			roles = "role: " + strings.Join(u.Roles, ", ")
		}
		e := c.checkError(ProblemMissingCapabilities, nil,
			"The WordPress user %q (%s) cannot %s (missing capabilities: %s). IGNY8 needs a user who can write, publish and upload: give this user the Author, Editor or Administrator role, or connect as another user.",
			orUnknown(u.Username), roles, joinWords(cannot), strings.Join(missing, ", "))
		e.Missing = missing
		return e
	}
	if !u.CanManageCategories {
		site.Notes = append(site.Notes, "The user cannot manage categories (manage_categories), so IGNY8 can use the categories that exist but not create new ones.")
	}
	if !u.CanEditPages {
		site.Notes = append(site.Notes, "The user cannot edit pages (edit_pages), so IGNY8 can publish posts but not pages.")
	}
	return nil
}

// siteFrom turns the index into a Site (without the user).
func (c *Client) siteFrom(d *discovered) *Site {
	s := &Site{
		URL:          c.site.String(),
		APIRoot:      d.root.String(),
		URLForm:      formOf(d.root),
		Name:         plainText(d.idx.Name),
		Description:  plainText(d.idx.Description),
		WordPressURL: d.idx.URL,
		Home:         d.idx.Home,
		GMTOffset:    d.idx.gmtOffset(),
		Timezone:     d.idx.TimezoneString,
		Namespaces:   d.idx.Namespaces,
		Notes:        slices.Clone(d.notes),
	}
	s.HasWPV2 = slices.Contains(s.Namespaces, "wp/v2")
	s.HasWooCommerce = slices.Contains(s.Namespaces, "wc/v3")
	s.AppPasswords, s.AppPasswordsAuthorizeURL = d.idx.appPasswords()
	return s
}

// looksLikeAppPassword reports whether p has the shape of a password
// WordPress generates: 24 letters and digits, spaces aside.
func looksLikeAppPassword(p string) bool {
	n := 0
	for _, r := range p {
		switch {
		case r == ' ':
		case r < 128 && (r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9'):
			n++
		default:
			return false
		}
	}
	return n == 24
}

// joinWords is "a", "a or b", "a, b or c".
func joinWords(ws []string) string {
	if len(ws) <= 1 {
		return strings.Join(ws, "")
	}
	return strings.Join(ws[:len(ws)-1], ", ") + " or " + ws[len(ws)-1]
}

func orUnknown(s string) string {
	if s == "" {
		return "(not given)"
	}
	return s
}
