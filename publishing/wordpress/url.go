package wordpress

import (
	"net/url"
	"strings"

	"github.com/igny8/igny8"
)

// URLForm is how a site routes REST requests.
type URLForm string

const (
	// FormPretty puts the route in the path: {site}/wp-json/wp/v2/posts.
	FormPretty URLForm = "pretty"
	// FormPlain puts it in the query, for sites on plain permalinks,
	// where /wp-json/ is not routed: {site}/?rest_route=/wp/v2/posts.
	FormPlain URLForm = "plain"
)

// parseSiteURL checks the address a user gave for their site and returns
// it with a lower-case scheme and host and no trailing slash.
func parseSiteURL(raw string) (*url.URL, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return nil, igny8.Errorf(igny8.EInvalid, "Enter the address of the WordPress site, like https://example.com.")
	}
	u, err := url.Parse(raw)
	if err != nil {
		return nil, igny8.Errorf(igny8.EInvalid, "The site address %q is not a valid URL; enter it like https://example.com.", raw)
	}
	u.Scheme = strings.ToLower(u.Scheme)
	switch {
	case u.Scheme != "http" && u.Scheme != "https" || u.Opaque != "":
		return nil, igny8.Errorf(igny8.EInvalid, "The site address %q must start with https:// (or http://), like https://example.com.", raw)
	case u.Host == "" || u.Hostname() == "":
		return nil, igny8.Errorf(igny8.EInvalid, "The site address %q has no host name; enter it like https://example.com.", raw)
	case u.User != nil:
		return nil, igny8.Errorf(igny8.EInvalid, "The site address must not contain a user name or password; enter those in their own fields.")
	case u.RawQuery != "" || u.ForceQuery:
		return nil, igny8.Errorf(igny8.EInvalid, "The site address %q must not have a query (the part after ?); enter the site's home address, like https://example.com.", raw)
	case u.Fragment != "" || strings.Contains(raw, "#"):
		return nil, igny8.Errorf(igny8.EInvalid, "The site address %q must not have a fragment (the part after #); enter the site's home address, like https://example.com.", raw)
	}
	for _, seg := range strings.Split(u.Path, "/") {
		switch strings.ToLower(seg) {
		case "wp-admin", "wp-json", "wp-login.php":
			return nil, igny8.Errorf(igny8.EInvalid, "The site address %q points inside WordPress (%s); enter the site's home address instead, like %s://%s.", raw, seg, u.Scheme, u.Host)
		}
	}
	u.Host = strings.ToLower(u.Host)
	u.Path = strings.TrimRight(u.Path, "/")
	u.RawPath = ""
	return u, nil
}

// prettyRoot is the REST index of site with pretty permalinks.
func prettyRoot(site *url.URL) *url.URL {
	u := *site
	u.Path = site.Path + "/wp-json/"
	u.RawQuery = ""
	return &u
}

// plainRoot is the REST index of site with plain permalinks.
func plainRoot(site *url.URL) *url.URL {
	u := *site
	u.Path = site.Path + "/"
	u.RawQuery = "rest_route=/"
	return &u
}

// formOf says which form a REST root uses: a root that carries
// rest_route in its query is plain, any other (/wp-json/, a custom
// prefix, /index.php/wp-json/) puts routes in the path.
func formOf(root *url.URL) URLForm {
	if root.Query().Has("rest_route") {
		return FormPlain
	}
	return FormPretty
}

// routeURL is the URL of route ("/wp/v2/posts") under the REST root, with
// query merged into whatever query the root already has. In the plain
// form the route replaces the root's rest_route; a rest_route in query is
// ignored.
func routeURL(root *url.URL, route string, query url.Values) *url.URL {
	u := *root
	q := root.Query()
	for k, vs := range query {
		q[k] = append([]string(nil), vs...)
	}
	route = "/" + strings.TrimLeft(route, "/")
	if formOf(root) == FormPlain {
		q.Set("rest_route", route)
	} else {
		q.Del("rest_route")
		u.Path = strings.TrimSuffix(root.Path, "/") + route
		u.RawPath = ""
	}
	u.RawQuery = encodeQuery(q)
	return &u
}

// withoutParam returns u without the query parameter name.
func withoutParam(u *url.URL, name string) *url.URL {
	v := *u
	q := u.Query()
	q.Del(name)
	v.RawQuery = encodeQuery(q)
	return &v
}

// encodeQuery is q.Encode, except that rest_route comes first and keeps
// its slashes, as WordPress writes it: ?rest_route=/wp/v2/posts&page=2.
func encodeQuery(q url.Values) string {
	if !q.Has("rest_route") {
		return q.Encode()
	}
	rest := url.Values{}
	for k, vs := range q {
		if k != "rest_route" {
			rest[k] = vs
		}
	}
	s := "rest_route=" + strings.ReplaceAll(url.QueryEscape(q.Get("rest_route")), "%2F", "/")
	if r := rest.Encode(); r != "" {
		s += "&" + r
	}
	return s
}
