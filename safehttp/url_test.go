package safehttp

import (
	"errors"
	"net/netip"
	"net/url"
	"strings"
	"testing"
)

func TestCheckURL(t *testing.T) {
	cases := []struct {
		url     string
		problem string // "" when the URL passes
	}{
		{"https://hooks.example.com/igny8", ""},
		{"http://example.com", ""},
		{"https://hooks.example.com:8443/x?y=1", ""},
		{"https://93.184.216.34/hook", ""},
		{"https://[2606:2800:220:1::1]/hook", ""},
		{"HTTPS://Hooks.Example.COM/", ""},
		{"ftp://example.com/", "must start with http:// or https://, not ftp:"},
		{"javascript:alert(1)", "must be an absolute http or https URL"},
		{"example.com/x", "must be an absolute http or https URL"},
		{"/relative", "must be an absolute http or https URL"},
		{"", "must be an absolute http or https URL"},
		{"https://user:pw@example.com/", "must not contain a user name or password"},
		{"https://user@example.com/", "must not contain a user name or password"},
		{"https:///path", "must name a host"},
		{"https://example.com:99999/", "invalid port"},
		{"https://example.com:0/", "invalid port"},
		{"http://localhost:8080/", "not localhost (this machine)"},
		{"http://api.localhost/", "this machine"},
		{"http://127.0.0.1/", "not 127.0.0.1 (loopback)"},
		{"http://[::1]/", "not ::1 (loopback)"},
		{"http://[::ffff:127.0.0.1]/", "(loopback)"},
		{"http://10.0.0.5/", "(private)"},
		{"http://169.254.169.254/latest/meta-data", "not 169.254.169.254 (cloud metadata)"},
		{"http://[fd00:ec2::254]/", "(cloud metadata)"},
		{"http://[fe80::1%25eth0]/", "(link-local)"},
		{"http://100.64.1.1/", "(carrier-grade NAT)"},
		{"http://0.0.0.0/", "(unspecified)"},
		{"http://metadata.google.internal/", "(.internal names are internal)"},
		{"http://printer.local/", "(.local names are internal)"},
		{"http://files/", "fully qualified host"},
		{"http://intranet/", "(.intranet names are internal)"},
		{"http://2130706433/", "fully qualified host"},
		{"http://0x7f.1/", "usual form"},
		{"http://127.1/", "usual form"},
		{"http://exa mple.com/", "spaces"},
		{" https://example.com/", "spaces"},
		{"https://example.com/\n", "spaces"},
		{"https://ex_ample.com/", ""},
		{"https://-bad.example.com/", "valid host"},
		{"https://" + strings.Repeat("a", 2000) + ".com/", "longer than 2000"},
	}
	for _, c := range cases {
		err := CheckURL(c.url)
		if c.problem == "" {
			if err != nil {
				t.Errorf("CheckURL(%q) = %v, want nil", c.url, err)
			}
			continue
		}
		var ue *URLError
		if !errors.As(err, &ue) {
			t.Errorf("CheckURL(%q) = %v, want a *URLError", c.url, err)
			continue
		}
		if !strings.Contains(ue.Problem, c.problem) {
			t.Errorf("CheckURL(%q) problem = %q, want it to contain %q", c.url, ue.Problem, c.problem)
		}
	}
}

// What an operator allows passes the up-front check too.
func TestCheckURLAllowed(t *testing.T) {
	cfg := Config{AllowPrefixes: []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}, AllowHosts: []string{"hooks.internal"}}
	for _, u := range []string{"http://127.0.0.1:8080/hook", "http://hooks.internal/x"} {
		if err := cfg.CheckURL(u); err != nil {
			t.Errorf("CheckURL(%q) with the allowances = %v, want nil", u, err)
		}
		if err := CheckURL(u); err == nil {
			t.Errorf("CheckURL(%q) without the allowances passed", u)
		}
	}
	if err := cfg.CheckURL("http://10.0.0.1/"); err == nil {
		t.Error("an address outside the allowed ranges passed")
	}
}

// FuzzCheckURL: CheckURL never panics, and what it accepts is an
// absolute http(s) URL with a host, no credentials, and no literal
// non-public address.
func FuzzCheckURL(f *testing.F) {
	for _, s := range []string{"https://hooks.example.com/igny8", "http://127.0.0.1/", "http://[::ffff:10.0.0.1]:80/",
		"http://user@example.com", "ftp://x", "http://0x7f.1/", "http://[fe80::1%25en0]/"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		err := CheckURL(raw)
		if err == nil {
			u, perr := url.Parse(raw)
			if perr != nil {
				t.Fatalf("CheckURL(%q) passed a URL that does not parse: %v", raw, perr)
			}
			if u.Scheme != "http" && u.Scheme != "https" {
				t.Fatalf("CheckURL(%q) passed scheme %q", raw, u.Scheme)
			}
			if u.User != nil || u.Hostname() == "" || len(raw) > MaxURLLength {
				t.Fatalf("CheckURL(%q) passed credentials, no host or a long URL", raw)
			}
			if ip, err := netip.ParseAddr(u.Hostname()); err == nil && Blocked(ip) != "" {
				t.Fatalf("CheckURL(%q) passed the %s address %s", raw, Blocked(ip), ip)
			}
			return
		}
		var ue *URLError
		if !errors.As(err, &ue) || ue.Problem == "" {
			t.Fatalf("CheckURL(%q) = %v, want a *URLError with a problem", raw, err)
		}
	})
}
