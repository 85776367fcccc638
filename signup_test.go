package igny8

import "testing"

func TestNormalizeEmail(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{" Ada@Example.COM ", "ada@example.com"},
		{"jo.smith+tag@mail.example.org", "jo.smith+tag@mail.example.org"},
		{"root@localhost", "root@localhost"},
		{"", ""},
		{"ada", ""},
		{"@example.com", ""},
		{"ada@", ""},
		{"Ada <ada@example.com>", ""},
		{"ada smith@example.com", ""},
		{"ada@example.com.", ""},
		{"ada@.example.com", ""},
		{`"ada"@example.com`, ""},
		{"a@b@example.com", ""},
		{string(make([]byte, 250)) + "@x.com", ""},
	} {
		got, err := NormalizeEmail(c.in)
		if c.want == "" {
			if err == nil || ErrorCode(err) != EInvalid {
				t.Errorf("NormalizeEmail(%q) = %q, %v; want an invalid error", c.in, got, err)
			}
			continue
		}
		if err != nil || got != c.want {
			t.Errorf("NormalizeEmail(%q) = %q, %v; want %q", c.in, got, err, c.want)
		}
	}
}

func TestSignupModeValid(t *testing.T) {
	for m, want := range map[SignupMode]bool{SignupClosed: true, SignupOpen: true, SignupInvite: true, "": false, "Open": false} {
		if got := m.Valid(); got != want {
			t.Errorf("SignupMode(%q).Valid() = %v, want %v", m, got, want)
		}
	}
}
