package safehttp

import (
	"net/netip"
	"testing"
)

func TestBlocked(t *testing.T) {
	cases := []struct{ addr, want string }{
		{"93.184.216.34", ""},
		{"8.8.8.8", ""},
		{"2606:2800:220:1::1", ""},
		{"127.0.0.1", "loopback"},
		{"127.255.0.9", "loopback"},
		{"::1", "loopback"},
		{"10.1.2.3", "private"},
		{"172.16.0.1", "private"},
		{"172.31.255.255", "private"},
		{"192.168.1.1", "private"},
		{"fd12:3456::1", "private"},
		{"100.64.0.1", "carrier-grade NAT"},
		{"100.127.255.254", "carrier-grade NAT"},
		{"169.254.1.1", "link-local"},
		{"fe80::1", "link-local"},
		{"fe80::1%eth0", "link-local"},
		{"169.254.169.254", "cloud metadata"},
		{"fd00:ec2::254", "cloud metadata"},
		{"168.63.129.16", "cloud metadata"},
		{"100.100.100.200", "cloud metadata"},
		{"0.0.0.0", "unspecified"},
		{"0.1.2.3", "unspecified"},
		{"::", "unspecified"},
		{"224.0.0.1", "multicast"},
		{"ff02::1", "multicast"},
		{"255.255.255.255", "broadcast"},
		{"240.0.0.1", "reserved"},
		{"198.18.0.1", "reserved"},
		{"192.0.2.1", "documentation"},
		{"2001:db8::1", "documentation"},
		// IPv4 inside IPv6: judged by the IPv4 address, or refused whole.
		{"::ffff:127.0.0.1", "loopback"},
		{"::ffff:10.0.0.1", "private"},
		{"::ffff:169.254.169.254", "cloud metadata"},
		{"::ffff:8.8.8.8", ""},
		{"::127.0.0.1", "IPv4-compatible IPv6"},
		{"64:ff9b::a00:1", "NAT64"},
		{"2002:7f00:1::1", "6to4"},
		{"2001:0:4136:e378:8000:63bf:3fff:fdd2", "Teredo"},
	}
	for _, c := range cases {
		if got := Blocked(netip.MustParseAddr(c.addr)); got != c.want {
			t.Errorf("Blocked(%s) = %q, want %q", c.addr, got, c.want)
		}
	}
	if got, want := Blocked(netip.Addr{}), "invalid"; got != want {
		t.Errorf("Blocked(zero) = %q, want %q", got, want)
	}
}
