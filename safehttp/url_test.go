package safehttp

import (
	"errors"
	"net/netip"
	"net/url"
	"strings"
	"testing"
)

func TestCheckURL(t *testing.T) {
	t.Parallel()
	cases := []struct {
		url     string
		problem string // "" when the URL passes
	}{
		{"https://hooks.example.com/igny8", ""},
		{"http://example.com", ""},
		{"https://hooks.example.com:8443/x?y=1", ""},
		{"https://93.184.216.34/hook", ""},
		{"https://[2606:2800:220:1::1]/hook", ""},
		{"https://[64:ff9b::5db8:d822]/hook", ""}, // NAT64 of a public address
		{"HTTPS://Hooks.Example.COM/", ""},
		{"https://ex_ample.com/", ""},
		{"https://example.com./", ""},
		{"ftp://example.com/", "must start with http:// or https:// (not ftp://)"},
		{"file:///etc/passwd", "must start with http:// or https:// (not file://)"},
		{"javascript:alert(1)", "must be an absolute http or https URL"},
		{"example.com/x", "must be an absolute http or https URL"},
		{"/relative", "must be an absolute http or https URL"},
		{"", "must be an absolute http or https URL"},
		{"http://%31%32%37.0.0.1/", "must be an absolute http or https URL"},
		{"https://user:pw@example.com/", "must not contain a user name or password"},
		{"https://user@example.com/", "must not contain a user name or password"},
		{"https://:@example.com/", "must not contain a user name or password"},
		{"https://hooks.example.com@127.0.0.1/", "must not contain a user name or password"},
		{"https:///path", "must name a host"},
		{"https://example.com:99999/", "invalid port"},
		{"https://example.com:0/", "invalid port"},
		{"http://localhost:8080/", "not localhost (this machine)"},
		{"http://localhost./", "this machine"},
		{"http://api.localhost/", "this machine"},
		{"http://127.0.0.1/", "not 127.0.0.1 (loopback)"},
		{"http://[::1]/", "not ::1 (loopback)"},
		{"http://[::ffff:127.0.0.1]/", "(loopback)"},
		{"http://[::ffff:7f00:1]/", "(loopback)"},
		{"http://[64:ff9b::7f00:1]/", "(loopback)"},
		{"http://[2002:7f00:1::1]/", "(loopback)"},
		{"http://[fc00::1]/", "(private)"},
		{"http://10.0.0.5/", "(private)"},
		{"http://169.254.169.254/latest/meta-data", "not 169.254.169.254 (cloud metadata)"},
		{"http://[fd00:ec2::254]/", "(cloud metadata)"},
		{"http://100.100.100.200/", "(cloud metadata)"},
		{"http://[fe80::1%25eth0]/", "(link-local)"},
		{"http://100.64.1.1/", "(carrier-grade NAT)"},
		{"http://0.0.0.0/", "(unspecified)"},
		{"http://metadata.google.internal/", "(.internal names are internal)"},
		{"http://printer.local/", "(.local names are internal)"},
		{"http://files/", "fully qualified host"},
		{"http://intranet/", "(.intranet names are internal)"},
		{"http://2130706433/", "usual form"},
		{"http://0177.0.0.1/", "usual form"},
		{"http://0x7f.0.0.1/", "usual form"},
		{"http://0x7f.1/", "usual form"},
		{"http://127.1/", "usual form"},
		{"http://127.0.0.1./", "usual form"},
		{"http://exa mple.com/", "spaces"},
		{" https://example.com/", "spaces"},
		{"https://example.com/\n", "spaces"},
		{"https://-bad.example.com/", "valid host"},
		{"https://bücher.example/", "valid host"},
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
		if got, want := ue.Error(), "The URL "+ue.Problem+"."; got != want {
			t.Errorf("message %q, want %q", got, want)
		}
	}
}

// What an operator allows passes the up-front check too, on the port
// allowed.
func TestCheckURLAllowed(t *testing.T) {
	t.Parallel()
	cfg := Config{
		AllowPrefixes: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")},
		AllowHosts:    []string{"127.0.0.1:8080", "hooks.internal", "[::1]:9000", "localhost:80"},
	}
	for _, u := range []string{"http://10.1.2.3/", "http://127.0.0.1:8080/hook", "http://hooks.internal/x",
		"https://hooks.internal:8443/", "http://[::1]:9000/", "http://localhost/", "http://LOCALHOST:80/"} {
		if err := cfg.CheckURL(u); err != nil {
			t.Errorf("CheckURL(%q) with the allowances = %v, want nil", u, err)
		}
		if err := CheckURL(u); err == nil {
			t.Errorf("CheckURL(%q) without the allowances passed", u)
		}
	}
	for _, u := range []string{"http://192.168.0.1/", "http://127.0.0.1:8081/", "http://127.0.0.1/", "http://[::1]:9001/",
		"https://localhost/", "http://user@127.0.0.1:8080/"} {
		if err := cfg.CheckURL(u); err == nil {
			t.Errorf("CheckURL(%q) passed: outside the allowances", u)
		}
	}
	if err := New(cfg).CheckURL("http://127.0.0.1:8080/"); err != nil {
		t.Errorf("Client.CheckURL = %v, want the client's allowances", err)
	}
}

func TestValidate(t *testing.T) {
	t.Parallel()
	for _, e := range []string{"hooks.test", "127.0.0.1:8080", "[::1]:9000", "::1", "[::1]", "localhost", "Hooks.Test.:443"} {
		if err := (Config{AllowHosts: []string{e}}).Validate(); err != nil {
			t.Errorf("AllowHosts %q: %v", e, err)
		}
	}
	for _, e := range []string{"", "http://127.0.0.1:8080", "127.0.0.1:0", "127.0.0.1:70000", "host:port", "a/b", "user@host", ":8080", "bad host"} {
		err := (Config{AllowHosts: []string{e}}).Validate()
		if err == nil || !strings.Contains(err.Error(), "AllowHosts entry") {
			t.Errorf("AllowHosts %q: %v, want an error naming the entry", e, err)
		}
	}
	if err := (Config{AllowPrefixes: []netip.Prefix{{}}}).Validate(); err == nil {
		t.Error("a zero AllowPrefixes entry passed")
	}
	defer func() {
		if recover() == nil {
			t.Error("New did not panic on a bad allowance")
		}
	}()
	New(Config{AllowHosts: []string{"http://127.0.0.1:8080/"}})
}

// FuzzCheckURL: CheckURL never panics, and what it accepts is an
// absolute http(s) URL with a host, no credentials, no literal
// non-public address and no numeric name, which the client's own
// request check accepts too.
func FuzzCheckURL(f *testing.F) {
	for _, s := range []string{"https://hooks.example.com/igny8", "http://127.0.0.1/", "http://[::ffff:10.0.0.1]:80/",
		"http://user@example.com", "ftp://x", "http://0x7f.1/", "http://[fe80::1%25en0]/"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		err := CheckURL(raw)
		if err != nil {
			var ue *URLError
			if !errors.As(err, &ue) || ue.Problem == "" {
				t.Fatalf("CheckURL(%q) = %v, want a *URLError with a problem", raw, err)
			}
			return
		}
		u, perr := url.Parse(raw)
		if perr != nil {
			t.Fatalf("CheckURL(%q) passed a URL that does not parse: %v", raw, perr)
		}
		if s := strings.ToLower(u.Scheme); s != "http" && s != "https" {
			t.Fatalf("CheckURL(%q) passed scheme %q", raw, u.Scheme)
		}
		if u.User != nil || u.Hostname() == "" || len(raw) > MaxURLLength {
			t.Fatalf("CheckURL(%q) passed credentials, no host or a long URL", raw)
		}
		host := u.Hostname()
		if ip, err := netip.ParseAddr(host); err == nil {
			if why := Blocked(ip); why != "" {
				t.Fatalf("CheckURL(%q) passed the %s address %s", raw, why, ip)
			}
		} else if numericHost(strings.TrimSuffix(host, ".")) {
			t.Fatalf("CheckURL(%q) passed the numeric name %s", raw, host)
		}
		if p := formProblem(u); p != "" {
			t.Fatalf("CheckURL(%q) passed what a request would refuse: %s", raw, p)
		}
	})
}
