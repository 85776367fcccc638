package safehttp

import (
	"fmt"
	"net/netip"
	"net/url"
	"strings"
)

// MaxURLLength bounds the URLs CheckURL accepts.
const MaxURLLength = 2000

// URLError says what is wrong with a URL, in words a user understands:
// Problem completes the sentence "The URL …", as in "The webhook URL
// must not contain a user name or password".
type URLError struct {
	URL     string // the URL as given (it may hold secrets: do not log it)
	Problem string
}

// Error is the sentence "The URL <Problem>."
func (e *URLError) Error() string { return "The URL " + e.Problem + "." }

// CheckURL checks a user-supplied URL before it is stored or used,
// without connecting: an absolute http or https URL, no user name or
// password, a host that is a fully qualified name or a public IP address,
// and not a name that is internal by definition (localhost, *.internal,
// *.local, …). Where a name leads is checked when the client dials; this
// check is for an early, clear answer. The error is a *URLError.
func CheckURL(raw string) error { return Config{}.CheckURL(raw) }

// CheckURL is the package's CheckURL, except that the hosts and address
// ranges cfg allows pass.
func (cfg Config) CheckURL(raw string) error {
	bad := func(format string, args ...any) error {
		return &URLError{URL: raw, Problem: fmt.Sprintf(format, args...)}
	}
	if len(raw) > MaxURLLength {
		return bad("is longer than %d characters", MaxURLLength)
	}
	if strings.TrimSpace(raw) != raw || strings.ContainsAny(raw, " \t\r\n") {
		return bad("must not contain spaces or line breaks")
	}
	u, err := url.Parse(raw)
	if err != nil || u.Scheme == "" || u.Opaque != "" {
		return bad("must be an absolute http or https URL, such as https://hooks.example.com/igny8")
	}
	if problem := formProblem(u); problem != "" {
		return &URLError{URL: raw, Problem: problem}
	}
	if p := u.Port(); p != "" && (len(p) > 5 || p == "0" || portNumber(p) > 65535) {
		return bad("has an invalid port %s", p)
	}
	host := strings.ToLower(u.Hostname())
	if cfg.allowsHost(host, portOf(u)) {
		return nil
	}
	if ip, err := netip.ParseAddr(host); err == nil {
		if why := Blocked(ip); why != "" && !cfg.allowsAddr(ip) {
			return bad("must name a public address, not %s (%s)", ip, why)
		}
		return nil
	}
	name := strings.TrimSuffix(host, ".")
	switch {
	case name == "localhost" || strings.HasSuffix(name, ".localhost"):
		return bad("must name a public host, not %s (this machine)", host)
	case internalSuffix(name) != "":
		return bad("must name a public host, not %s (%s names are internal)", host, internalSuffix(name))
	case !strings.Contains(name, "."):
		return bad("must name a fully qualified host such as hooks.example.com, not %s", host)
	case !validHostname(name):
		return bad("must name a valid host, not %q", host)
	}
	return nil
}

// formProblem is the part of CheckURL the client also applies to every
// request and redirect it sends: http or https, no credentials, a host,
// and no IP address in a form resolvers disagree on. It returns "" for a
// URL of the right form.
func formProblem(u *url.URL) string {
	if s := strings.ToLower(u.Scheme); s != "http" && s != "https" {
		return fmt.Sprintf("must start with http:// or https:// (not %s://)", u.Scheme)
	}
	if u.User != nil {
		return "must not contain a user name or password (user:password@); send credentials another way"
	}
	host := strings.ToLower(u.Hostname())
	if host == "" {
		return "must name a host, such as https://hooks.example.com/igny8"
	}
	if _, err := netip.ParseAddr(host); err != nil && numericHost(strings.TrimSuffix(host, ".")) {
		// 2130706433, 0177.0.0.1, 0x7f.1 and 127.1 are not names: the C
		// library's resolver reads them as 127.0.0.1, Go's as nothing.
		return fmt.Sprintf("must write an IP address in the usual form (such as 203.0.113.7), not %s", host)
	}
	return ""
}

// portOf returns u's port, or the scheme's default.
func portOf(u *url.URL) string {
	if p := u.Port(); p != "" {
		return p
	}
	if strings.EqualFold(u.Scheme, "https") {
		return "443"
	}
	return "80"
}

// internalSuffix returns the reserved suffix of a name that is internal
// by definition, or "".
func internalSuffix(name string) string {
	for _, s := range []string{".internal", ".local", ".home.arpa", ".lan", ".intranet", ".corp", ".localdomain"} {
		if strings.HasSuffix(name, s) || name == s[1:] {
			return s
		}
	}
	return ""
}

// numericHost reports a name whose last label starts with a digit, such
// as 2130706433, 0x7f.1 or 10.0.0.010: no top-level domain does, and
// some resolvers read these as IPv4 addresses.
func numericHost(name string) bool {
	last := name[strings.LastIndexByte(name, '.')+1:]
	return last != "" && last[0] >= '0' && last[0] <= '9'
}

// validHostname checks the letters-digits-hyphens form of DNS names
// (with underscores, which some hosts use).
func validHostname(name string) bool {
	if len(name) > 253 {
		return false
	}
	for label := range strings.SplitSeq(name, ".") {
		if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		for _, c := range label {
			if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
				return false
			}
		}
	}
	return true
}

func portNumber(p string) int {
	n := 0
	for _, c := range p {
		if c < '0' || c > '9' {
			return 1 << 20
		}
		n = n*10 + int(c-'0')
	}
	return n
}
