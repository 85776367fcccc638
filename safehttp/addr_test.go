package safehttp

import (
	"encoding/binary"
	"net/netip"
	"testing"
)

func TestBlocked(t *testing.T) {
	t.Parallel()
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
		{"172.32.0.1", ""},
		{"192.168.1.1", "private"},
		{"fd12:3456::1", "private"},
		{"100.64.0.1", "carrier-grade NAT"},
		{"100.127.255.254", "carrier-grade NAT"},
		{"100.128.0.1", ""},
		{"169.254.1.1", "link-local"},
		{"fe80::1", "link-local"},
		{"fe80::1%eth0", "link-local"},
		{"169.254.169.254", "cloud metadata"},
		{"169.254.170.2", "cloud metadata"},
		{"fd00:ec2::254", "cloud metadata"},
		{"fd20:ce::254", "cloud metadata"},
		{"168.63.129.16", "cloud metadata"},
		{"100.100.100.200", "cloud metadata"},
		{"192.0.0.192", "cloud metadata"},
		{"0.0.0.0", "unspecified"},
		{"0.1.2.3", "unspecified"},
		{"::", "unspecified"},
		{"224.0.0.1", "multicast"},
		{"239.255.255.250", "multicast"},
		{"ff02::1", "multicast"},
		{"255.255.255.255", "broadcast"},
		{"240.0.0.1", "reserved"},
		{"192.0.0.8", "reserved"},
		{"198.18.0.1", "reserved"},
		{"198.19.255.255", "reserved"},
		{"192.88.99.1", "reserved"},
		{"192.0.2.1", "documentation"},
		{"198.51.100.7", "documentation"},
		{"203.0.113.7", "documentation"},
		{"2001:db8::1", "documentation"},
		{"3fff::1", "documentation"},
		{"100::1", "reserved"},
		{"fec0::1", "reserved"},
		{"2001:2::1", "reserved"},
		{"5f00::1", "reserved"},
		{"4000::1", "reserved"}, // outside 2000::/3
		{"::2:1", "IPv4-compatible IPv6"},
		// IPv4 inside IPv6: judged by the IPv4 address, or refused whole.
		{"::ffff:127.0.0.1", "loopback"},
		{"::ffff:10.0.0.1", "private"},
		{"::ffff:169.254.169.254", "cloud metadata"},
		{"::ffff:8.8.8.8", ""},
		{"::127.0.0.1", "IPv4-compatible IPv6"},
		{"::8.8.8.8", "IPv4-compatible IPv6"},
		{"::ffff:0:7f00:1", "IPv4-translated IPv6"},
		{"::ffff:0:808:808", "IPv4-translated IPv6"},
		{"64:ff9b::7f00:1", "loopback"},
		{"64:ff9b::a00:1", "private"},
		{"64:ff9b::a9fe:a9fe", "cloud metadata"},
		{"64:ff9b::808:808", ""}, // DNS64 for 8.8.8.8: a public host behind NAT64
		{"64:ff9b:1::a00:1", "local-use NAT64"},
		{"2002:7f00:1::1", "loopback"},
		{"2002:c0a8:101::1", "private"},
		{"2002:808:808::1", ""},
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

// Every IPv6 form that wraps an IPv4 address gets the IPv4 address's
// verdict, at the edges of every refused range and for public ones.
func TestBlockedWrapped(t *testing.T) {
	t.Parallel()
	var v4s []netip.Addr
	for _, r := range blockedRanges {
		if r.prefix.Addr().Is4() {
			first := r.prefix.Masked().Addr()
			n := binary.BigEndian.Uint32(first.AsSlice()) | uint32(1<<(32-r.prefix.Bits())-1)
			last := netip.AddrFrom4([4]byte(binary.BigEndian.AppendUint32(nil, n)))
			if !r.prefix.Contains(last) || r.prefix.Contains(last.Next()) {
				t.Fatalf("last address of %s: %s", r.prefix, last)
			}
			v4s = append(v4s, first, last)
		}
	}
	v4s = append(v4s, netip.MustParseAddr("8.8.8.8"), netip.MustParseAddr("93.184.216.34"), netip.MustParseAddr("172.32.0.1"))
	for _, v4 := range v4s {
		b := v4.As4()
		mapped := netip.AddrFrom16([16]byte{10: 0xff, 11: 0xff, 12: b[0], 13: b[1], 14: b[2], 15: b[3]})
		nat64 := netip.AddrFrom16([16]byte{0: 0x00, 1: 0x64, 2: 0xff, 3: 0x9b, 12: b[0], 13: b[1], 14: b[2], 15: b[3]})
		sixToFour := netip.AddrFrom16([16]byte{0: 0x20, 1: 0x02, 2: b[0], 3: b[1], 4: b[2], 5: b[3], 15: 1})
		want := Blocked(v4)
		for _, wrapped := range []netip.Addr{mapped, nat64, sixToFour} {
			if got := Blocked(wrapped); got != want {
				t.Errorf("Blocked(%s) = %q, want %q like %s", wrapped, got, want, v4)
			}
		}
	}
}

func TestBlockedErrorMessage(t *testing.T) {
	t.Parallel()
	ip := netip.MustParseAddr
	cases := []struct {
		err  BlockedError
		want string
	}{
		{BlockedError{URL: "https://x.example/", Host: "x.example", Addr: ip("10.0.0.5"), Reason: "private"},
			"The URL https://x.example/ resolves to 10.0.0.5, a private address; IGNY8 only connects to public internet addresses."},
		{BlockedError{URL: "http://127.0.0.1:8080/", Host: "127.0.0.1", Addr: ip("127.0.0.1"), Reason: "loopback"},
			"The URL http://127.0.0.1:8080/ points at 127.0.0.1, a loopback address; IGNY8 only connects to public internet addresses."},
		{BlockedError{URL: "http://[::ffff:7f00:1]/", Host: "::ffff:7f00:1", Addr: ip("::ffff:127.0.0.1"), Reason: "loopback"},
			"The URL http://[::ffff:7f00:1]/ points at ::ffff:127.0.0.1, which wraps 127.0.0.1, a loopback address; IGNY8 only connects to public internet addresses."},
		{BlockedError{URL: "http://10.0.0.5/", Via: "https://shop.example/", Host: "10.0.0.5", Addr: ip("10.0.0.5"), Reason: "private"},
			"The URL https://shop.example/ redirects to http://10.0.0.5/, which points at 10.0.0.5, a private address; IGNY8 only connects to public internet addresses."},
		{BlockedError{URL: "http://meta.example/", Via: "https://shop.example/", Host: "meta.example", Addr: ip("169.254.169.254"), Reason: "cloud metadata"},
			"The URL https://shop.example/ redirects to http://meta.example/, which resolves to 169.254.169.254, a cloud metadata address; IGNY8 only connects to public internet addresses."},
		{BlockedError{Host: "x.example", Addr: ip("0.0.0.0"), Reason: "unspecified"},
			"The host x.example resolves to 0.0.0.0, an unspecified address; IGNY8 only connects to public internet addresses."},
		{BlockedError{Addr: ip("255.255.255.255"), Reason: "broadcast"},
			"The address 255.255.255.255 is the broadcast address; IGNY8 only connects to public internet addresses."},
		{BlockedError{Addr: ip("64:ff9b::a9fe:a9fe"), Reason: "cloud metadata"},
			"The address 64:ff9b::a9fe:a9fe, which wraps 169.254.169.254, is a cloud metadata address; IGNY8 only connects to public internet addresses."},
		{BlockedError{Host: "x.example", Addr: ip("192.0.2.1"), Reason: "documentation"},
			"The host x.example resolves to 192.0.2.1, an address reserved for documentation; IGNY8 only connects to public internet addresses."},
	}
	for _, c := range cases {
		if got := c.err.Error(); got != c.want {
			t.Errorf("message:\n got %s\nwant %s", got, c.want)
		}
	}
}
