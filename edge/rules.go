package edge

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/igny8/igny8/deployer/rules"
)

// redirect applies the deploy's first redirect rule matching the request,
// as Netlify does: a forced rule always, any other only when no file
// answers the path (t is what the path resolved to). esc is the escaped
// path. It reports whether it answered the request.
//
// 3xx rules redirect; 200 rules rewrite to a file of the same deploy
// without changing the URL; 404 and 410 rules serve their target page
// with that status (plain text when the target has no file). When a rule
// with a Language or Country condition was weighed, the response varies
// on Accept-Language or Config.CountryHeader, whichever rule applied.
func (s *Server) redirect(w http.ResponseWriter, r *http.Request, d *deploy, esc string, t target) bool {
	if d.redirects == nil || d.redirects.Len() == 0 {
		return false
	}
	m, ok := d.redirects.Lookup(s.ruleRequest(r, esc, t.file != "" || t.redirect != ""))
	s.addRuleVary(w.Header(), m.Vary)
	if !ok {
		return false
	}
	s.metrics.redirects.Add(1)
	switch m.Status {
	case http.StatusOK, http.StatusNotFound, http.StatusGone:
		return s.rewrite(w, r, d, m)
	default:
		w.Header().Set("Cache-Control", cacheRevalid)
		http.Redirect(w, r, m.To, m.Status)
		return true
	}
}

// ruleRequest is what the redirect rules see of r.
func (s *Server) ruleRequest(r *http.Request, esc string, shadowed bool) rules.Request {
	req := rules.Request{Path: esc, Query: r.URL.RawQuery, Language: r.Header.Get("Accept-Language"), Shadowed: shadowed}
	if s.cfg.CountryHeader != "" {
		req.Country = r.Header.Get(s.cfg.CountryHeader)
	}
	return req
}

// addRuleVary adds to h's Vary the request headers a lookup depended on.
// Without a CountryHeader no Country condition can match, whatever the
// request says, so nothing varies on it.
func (s *Server) addRuleVary(h http.Header, v rules.Vary) {
	if v&rules.VaryLanguage != 0 {
		addVary(h, hdrVaryLanguage)
	}
	if v&rules.VaryCountry != 0 && s.cfg.CountryHeader != "" {
		addVary(h, []string{http.CanonicalHeaderKey(s.cfg.CountryHeader)})
	}
}

// rewrite serves the file a 200, 404 or 410 rule points at.
func (s *Server) rewrite(w http.ResponseWriter, r *http.Request, d *deploy, m rules.Match) bool {
	u, err := url.Parse(m.To)
	if err != nil || u.IsAbs() || !strings.HasPrefix(u.Path, "/") {
		// Compile refuses absolute targets for these statuses; stay safe.
		plain(w, http.StatusBadGateway, "bad rewrite target")
		return true
	}
	t := resolve(d.m, u.Path)
	if t.file == "" {
		if m.Status == http.StatusOK {
			return false // a rewrite to nothing: the ordinary 404
		}
		plain(w, m.Status, http.StatusText(m.Status))
		return true
	}
	if m.Status == http.StatusOK {
		s.serveFile(w, r, d, d.files[t.file])
		return true
	}
	s.serveStatusPage(w, r, d, t.file, m.Status)
	return true
}
