package wordpress

import (
	"bytes"
	"encoding/json"
	"slices"
	"strconv"
)

// Site is what Check learnt about a site and the user it signs in as.
type Site struct {
	// URL is the address the Client was made with.
	URL string `json:"url"`
	// APIRoot is the REST index that answered, such as
	// https://example.com/wp-json/ or https://example.com/?rest_route=/.
	// Pass it back in Config.APIRoot to skip discovery.
	APIRoot string `json:"api_root"`
	// URLForm is APIRoot's form.
	URLForm URLForm `json:"url_form"`

	// Name and Description are the site title and tagline.
	Name        string `json:"name"`
	Description string `json:"description"`
	// WordPressURL is where WordPress lives (the index's "url", Settings
	// → General → WordPress Address); Home is the site's public address
	// (the index's "home", Site Address).
	WordPressURL string `json:"wordpress_url"`
	Home         string `json:"home"`
	// GMTOffset is the site's UTC offset in hours (5.5 for UTC+5:30);
	// Timezone its time zone name ("Europe/Berlin"), "" when the site is
	// set to a bare UTC offset.
	GMTOffset float64 `json:"gmt_offset"`
	Timezone  string  `json:"timezone"`

	// Namespaces are the REST namespaces the site offers ("wp/v2",
	// "wc/v3", …).
	Namespaces []string `json:"namespaces"`
	// HasWPV2 says the core content API (posts, pages, media, terms) is
	// there; HasWooCommerce that WooCommerce's wc/v3 is.
	HasWPV2        bool `json:"has_wp_v2"`
	HasWooCommerce bool `json:"has_woocommerce"`
	// AppPasswords says the index lists Application Passwords among its
	// sign-in methods; AppPasswordsAuthorizeURL is the page where a user
	// approves a new one (wp-admin/authorize-application.php).
	AppPasswords             bool   `json:"app_passwords"`
	AppPasswordsAuthorizeURL string `json:"app_passwords_authorize_url,omitempty"`

	// User is the signed-in user.
	User User `json:"user"`
	// Notes are things the site owner may want to know that do not stop
	// publishing, in plain words: plain permalinks, a redirect, a
	// capability that limits what IGNY8 can do.
	Notes []string `json:"notes,omitempty"`
}

// User is the WordPress user the Client signs in as.
type User struct {
	// ID is the user's ID on the site; Username the login name.
	ID       int64  `json:"id"`
	Username string `json:"username"`
	// Name is the display name.
	Name string `json:"name"`
	// Roles are the user's roles ("editor").
	Roles []string `json:"roles"`
	// Capabilities are the capabilities WordPress grants the user
	// (including one named after each role), sorted.
	Capabilities []string `json:"capabilities"`

	// What IGNY8 needs of a user, from Capabilities.
	CanEditPosts        bool `json:"can_edit_posts"`
	CanPublishPosts     bool `json:"can_publish_posts"`
	CanUploadFiles      bool `json:"can_upload_files"`
	CanManageCategories bool `json:"can_manage_categories"`
	CanEditPages        bool `json:"can_edit_pages"`
}

// Can reports whether the user has the capability.
func (u User) Can(capability string) bool {
	_, found := slices.BinarySearch(u.Capabilities, capability)
	return found
}

// requiredCapabilities are what publishing a post with its images needs,
// with the words that say what each allows. Read only.
var requiredCapabilities = []struct{ name, does string }{
	{"edit_posts", "write posts"},
	{"publish_posts", "publish posts"},
	{"upload_files", "upload images"},
}

// index is the part of the REST index (WP_REST_Server::get_index) IGNY8
// reads.
type index struct {
	Name           string          `json:"name"`
	Description    string          `json:"description"`
	URL            string          `json:"url"`
	Home           string          `json:"home"`
	GMTOffset      json.RawMessage `json:"gmt_offset"`
	TimezoneString string          `json:"timezone_string"`
	Namespaces     []string        `json:"namespaces"`
	// Authentication is [] when empty (a PHP array()), an object
	// otherwise.
	Authentication json.RawMessage `json:"authentication"`
}

// indexFields asks WordPress (4.9.8 and later; older ones ignore it) for
// just these fields: a full index lists every route and can run to
// megabytes.
const indexFields = "name,description,url,home,gmt_offset,timezone_string,namespaces,authentication"

// parseIndex returns the REST index in a, or nil if a is not one.
func parseIndex(a *answer) *index {
	if a.status != 200 {
		return nil
	}
	var idx index
	if err := json.Unmarshal(jsonBody(a.body), &idx); err != nil || idx.Namespaces == nil {
		return nil
	}
	return &idx
}

// appPasswords returns whether the index offers Application Passwords
// and the authorization page it names.
func (idx *index) appPasswords() (bool, string) {
	if !bytes.HasPrefix(bytes.TrimSpace(idx.Authentication), []byte("{")) {
		return false, ""
	}
	var methods map[string]struct {
		Endpoints struct {
			Authorization string `json:"authorization"`
		} `json:"endpoints"`
	}
	if err := json.Unmarshal(idx.Authentication, &methods); err != nil {
		// An unexpected shape: the key may still be there.
		var keys map[string]json.RawMessage
		if json.Unmarshal(idx.Authentication, &keys) == nil {
			_, ok := keys["application-passwords"]
			return ok, ""
		}
		return false, ""
	}
	m, ok := methods["application-passwords"]
	return ok, m.Endpoints.Authorization
}

// gmtOffset reads gmt_offset, a number or a numeric string.
func (idx *index) gmtOffset() float64 {
	var f float64
	if json.Unmarshal(idx.GMTOffset, &f) == nil {
		return f
	}
	var s string
	if json.Unmarshal(idx.GMTOffset, &s) == nil {
		if f, err := strconv.ParseFloat(s, 64); err == nil {
			return f
		}
	}
	return 0
}

// wpUser is the part of /wp/v2/users/me?context=edit IGNY8 reads.
type wpUser struct {
	ID       int64    `json:"id"`
	Username string   `json:"username"`
	Name     string   `json:"name"`
	Roles    []string `json:"roles"`
	// Capabilities is {"edit_posts": true, …}, or [] when empty.
	Capabilities json.RawMessage `json:"capabilities"`
}

// capabilities returns the granted capabilities, sorted, and false if
// the answer has none at all (not even an empty list).
func (u *wpUser) capabilities() ([]string, bool) {
	raw := bytes.TrimSpace(u.Capabilities)
	if len(raw) == 0 || bytes.Equal(raw, []byte("null")) {
		return nil, false
	}
	if raw[0] == '[' {
		return []string{}, true
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, false
	}
	caps := []string{}
	for name, v := range m {
		// WordPress stores true; a plugin may have stored 1 or "1".
		switch string(bytes.TrimSpace(v)) {
		case "true", "1", `"1"`, `"true"`:
			caps = append(caps, name)
		}
	}
	slices.Sort(caps)
	return caps, true
}
