// Package rules parses _redirects and _headers files (Netlify syntax) and
// blueprint redirects into rules, and compiles them into matchers that find
// the rule for a path without scanning every rule.
//
// # Redirects
//
// A _redirects line is "from [name=value…] to [status][!] [conditions]",
// fields separated by any white space. From is a path that may use
// whole-segment placeholders (/a/:year/:slug) and a final splat (/a/*); To
// is a path or an absolute http(s) URL that may use :splat and the
// placeholders of From anywhere (/b/:year-:slug.html). Status is 301
// (default), 302, 307, 308, 200 (rewrite), 404 or 410; a trailing "!" sets
// Force. A status 200 rule whose From ends in /* may leave out To, which
// is then From with :splat (Netlify's "/admin/* 200"). Query conditions
// (id=:id, page=2) and Country= and Language= conditions narrow a rule;
// see Request. Role= and Cookie= conditions, signed rules, proxying (200
// to another host) and domain-level rules are rejected, not ignored, and
// so is a From under ReservedPath.
//
// Matching follows Netlify: the first matching rule in file order wins,
// paths are case-sensitive, and a trailing slash is not significant, so /a
// matches /a/ and the other way round. A splat matches zero or more
// segments (/a/* matches /a, /a/ and /a/b/c); a placeholder matches exactly
// one non-empty segment. Escapes are compared in a canonical form, so
// /caf%c3%a9, /caf%C3%A9 and /café are one path. When the target has no
// query of its own the request's query is kept, before any #fragment.
// Force is reported, not acted on: the caller passes Request.Shadowed when
// a file exists at the path, and then only forced rules apply (Netlify's
// shadowing).
//
// Rules may also be given as Redirect values, such as the redirects of a
// blueprint: [CompileRedirects] checks and compiles them, and
// [MergeRedirects] joins them with a _redirects file's, the file's rules
// first.
//
// # Headers
//
// A _headers file is a list of blocks: a path pattern on its own line, then
// indented "Name: value" lines. Names may repeat. In header paths "*"
// matches any run of characters, "/" included, and ":name" matches one
// segment. Every matching block contributes its headers, in file order,
// with canonical names. A site's header takes the place of the edge's
// header of the same name (Cache-Control, Content-Type, X-Frame-Options,
// ...); see the edge package. Header names that describe the transfer or
// belong to the platform (Content-Length, ETag, Last-Modified, Set-Cookie,
// Location, X-Deploy-Id, ...) are rejected; see [ParseHeaders].
//
// # Validation and limits
//
// Paths and targets must not hold NUL, control characters, backslashes,
// empty segments or . and .. segments (also as %2e), and a % must start a
// valid %XX escape. Files may hold raw UTF-8, which the parsers store
// URL-encoded; rules given as values must be URL-encoded ASCII. Requests that are not clean in the same
// way match nothing, so a substituted :splat can never climb out of a
// directory or turn a target into //other-host.
//
// Parsing and compiling report every problem at once as a
// [*ValidationError] whose [Problem] entries carry a line number and a
// sentence a site owner can act on. Files are capped at [MaxRedirects]
// rules, [MaxHeaderRules] blocks and [MaxLineLength] bytes per line.
package rules

// Limits on rules files. They are far above what real sites use (Netlify
// recommends wildcards past 10,000 redirects) and bound memory and compile
// time for hostile uploads.
const (
	MaxRedirects   = 100_000 // redirect rules per site
	MaxHeaderRules = 10_000  // _headers path blocks per site
	MaxLineLength  = 8 << 10 // bytes per line, both files
	MaxProblems    = 1_000   // problems reported before giving up
)

// Redirect is one redirect or rewrite rule.
type Redirect struct {
	From   string `json:"from"`            // path pattern: /a, /a/*, /a/:slug
	To     string `json:"to"`              // path or URL, may use :splat and :placeholders
	Status int    `json:"status"`          // 301, 302, 307, 308, 200 (rewrite), 404, 410
	Force  bool   `json:"force,omitempty"` // "!": applies even when a file exists at From
	// Query lists the query parameters the request must have, as name
	// and value: a literal, or ":name", a placeholder for any non-empty
	// value. Other parameters are allowed.
	Query [][2]string `json:"query,omitempty"`
	// Country and Language, when set, limit the rule to visitors from
	// one of those countries (ISO 3166 codes) or preferring one of those
	// languages (language tags: en covers en-GB).
	Country  []string `json:"country,omitempty"`
	Language []string `json:"language,omitempty"`
	Line     int      `json:"line,omitempty"`   // in its source file, for error messages
	Source   string   `json:"source,omitempty"` // "_redirects" or "blueprint"
}

// HeaderRule sets headers on the paths matching Path.
type HeaderRule struct {
	Path    string      `json:"path"` // path pattern: /a, /a/*, /*.css
	Headers [][2]string `json:"headers"`
	Line    int         `json:"line,omitempty"`
}
