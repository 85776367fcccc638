package domains

import (
	"strings"
	"testing"

	"github.com/igny8/igny8"
)

func TestPolicyCheck(t *testing.T) {
	p := Policy{SitesDomain: "sites.example", Reserved: []string{"api.example.com"}}
	tests := []struct {
		in, want string // want "" means refused
		why      string // words the refusal must use
	}{
		{"www.shop.example", "www.shop.example", ""},
		{"  WWW.Shop.Example. ", "www.shop.example", ""},
		{"Bäckerei.example", "xn--bckerei-5wa.example", ""},
		{"xn--bckerei-5wa.example", "xn--bckerei-5wa.example", ""},
		{"shop.example.com", "shop.example.com", ""},
		{"sites.example", "", "sites domain"},
		{"x.sites.example", "", "sites domain"},
		{"a.b.sites.example", "", "sites domain"},
		{"notsites.example", "notsites.example", ""},
		{"api.example.com", "", "platform's own"},
		{"v1.api.example.com", "", "platform's own"},
		{"", "", "empty"},
		{"localhost", "", "two labels"},
		{"https://shop.example/", "", "scheme"},
		{"shop.example/path", "", "path"},
		{"shop.example:8080", "", "port"},
		{"*.shop.example", "", "wildcard"},
		{"10.0.0.1", "", "IP address"},
		{"a..b.example", "", "DNS name"},
		{"-a.example", "", "DNS name"},
		{strings.Repeat("a", 64) + ".example", "", "DNS name"},
		{"sp ace.example", "", "DNS name"},
	}
	for _, tt := range tests {
		got, err := p.Check(tt.in)
		switch {
		case tt.want != "" && (err != nil || got != tt.want):
			t.Errorf("Check(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		case tt.want == "" && err == nil:
			t.Errorf("Check(%q) = %q, want refused", tt.in, got)
		case tt.want == "" && (igny8.ErrorCode(err) != igny8.EInvalid || !strings.Contains(igny8.ErrorMessage(err), tt.why)):
			t.Errorf("Check(%q): %v; want an invalid error saying %q", tt.in, err, tt.why)
		}
	}
}
