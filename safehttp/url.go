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
// Problem completes the sentence "The URL …".
type URLError struct {
	URL     string
	Problem string
}

func (e *URLError) Error() string { return "the URL " + e.Problem }

// CheckURL checks a user-supplied URL before it is stored or used: an
// absolute http or https URL, no user name or password, a host that is a
// fully qualified name or a public IP address, and not a name that is
// internal by definition (localhost, *.internal, *.local, …). Where the
// name leads is checked when the client dials; this check is for an
// early, clear answer. The error is a *URLError.
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
	if s := strings.ToLower(u.Scheme); s != "http" && s != "https" {
		return bad("must start with http:// or https://, not %s:", u.Scheme)
	}
	if u.User != nil {
		return bad("must not contain a user name or password (user:password@); send credentials another way")
	}
	host := strings.ToLower(u.Hostname())
	if host == "" {
		return bad("must name a host, such as https://hooks.example.com/igny8")
	}
	if p := u.Port(); p != "" && (len(p) > 5 || p == "0" || portNumber(p) > 65535) {
		return bad("has an invalid port %s", p)
	}
	if ip, err := netip.ParseAddr(host); err == nil {
		if why := Blocked(ip); why != "" && !cfg.allowsAddr(ip) {
			return bad("must name a public address, not %s (%s)", ip, why)
		}
		return nil
	}
	if cfg.allowsHost(host) {
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
	case numericHost(name):
		return bad("must write an IP address in the usual form (such as 203.0.113.7), not %s", host)
	case !validHostname(name):
		return bad("must name a valid host, not %q", host)
	}
	return nil
}

func (cfg Config) allowsAddr(ip netip.Addr) bool {
	for _, p := range cfg.AllowPrefixes {
		if p.Contains(ip.Unmap().WithZone("")) {
			return true
		}
	}
	return false
}

func (cfg Config) allowsHost(host string) bool {
	return (&dialer{cfg: cfg}).allowedHost(host)
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

// numericHost reports a name made only of digits, dots and hex
// notation, such as 2130706433 or 0x7f.1: forms some resolvers read as
// IPv4 addresses.
func numericHost(name string) bool {
	last := name[strings.LastIndexByte(name, '.')+1:]
	if last == "" {
		return false
	}
	for _, c := range last {
		if (c < '0' || c > '9') && c != 'x' && c != 'X' && !(c >= 'a' && c <= 'f') {
			return false
		}
	}
	return last[0] >= '0' && last[0] <= '9'
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
