// Package rules parses _redirects and _headers files (Netlify syntax) and
// blueprint redirects into rules, and compiles them into matchers that find
// the rule for a path without scanning every rule.
package rules

// Redirect is one redirect or rewrite rule.
type Redirect struct {
	From   string `json:"from"`             // path pattern: /a, /a/*, /a/:slug
	To     string `json:"to"`               // path or URL, may use :splat and :placeholders
	Status int    `json:"status"`           // 301, 302, 307, 308, 200 (rewrite), 404, 410
	Force  bool   `json:"force,omitempty"`  // "!": applies even when a file exists at From
	Line   int    `json:"line,omitempty"`   // in its source file, for error messages
	Source string `json:"source,omitempty"` // "_redirects" or "blueprint"
}

// HeaderRule sets headers on the paths matching Path.
type HeaderRule struct {
	Path    string      `json:"path"` // path pattern: /a, /a/*, /*.css
	Headers [][2]string `json:"headers"`
	Line    int         `json:"line,omitempty"`
}
