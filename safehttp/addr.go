package safehttp

import (
	"net/netip"
	"strings"
)

// blockedRange is a range of addresses a user-supplied URL must never
// reach, with the word that says why.
type blockedRange struct {
	prefix netip.Prefix
	why    string
}

// blockedRanges lists the ranges refused outright. The most specific come
// first, so the reason given is the most useful one (169.254.169.254 is
// "cloud metadata", not just "link-local"). It is built once and never
// changed.
var blockedRanges = func() []blockedRange {
	var rs []blockedRange
	add := func(why string, prefixes ...string) {
		for _, p := range prefixes {
			rs = append(rs, blockedRange{netip.MustParsePrefix(p), why})
		}
	}
	add("cloud metadata",
		"169.254.169.254/32", // AWS, GCP, Azure, OpenStack, DigitalOcean, …
		"169.254.170.2/32",   // AWS ECS task metadata
		"168.63.129.16/32",   // Azure wire server (a public address)
		"100.100.100.200/32", // Alibaba Cloud
		"192.0.0.192/32",     // Oracle Cloud
		"fd00:ec2::254/128",  // AWS over IPv6
		"fd20:ce::254/128",   // Google Cloud over IPv6
	)
	add("loopback", "127.0.0.0/8", "::1/128")
	add("unspecified", "0.0.0.0/8", "::/128")
	add("private", "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7")
	add("carrier-grade NAT", "100.64.0.0/10")
	add("link-local", "169.254.0.0/16", "fe80::/10")
	add("multicast", "224.0.0.0/4", "ff00::/8")
	add("broadcast", "255.255.255.255/32")
	add("reserved", "240.0.0.0/4", "192.0.0.0/24", "198.18.0.0/15", "192.88.99.0/24",
		"100::/64", "fec0::/10", "2001:2::/48", "2001:10::/28", "2001:20::/28", "5f00::/16")
	add("documentation", "192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24", "2001:db8::/32", "3fff::/20")
	// IPv6 forms that carry an IPv4 address but have no public use:
	// refused whole rather than decoded.
	add("IPv4-compatible IPv6", "::/96")
	add("IPv4-translated IPv6", "::ffff:0:0:0/96")
	add("local-use NAT64", "64:ff9b:1::/48")
	add("Teredo", "2001::/32")
	return rs
}()

var (
	// nat64 and sixToFour carry an IPv4 address, judged on its own: a
	// NAT64 gateway or 6to4 relay would forward to it.
	nat64     = netip.MustParsePrefix("64:ff9b::/96")
	sixToFour = netip.MustParsePrefix("2002::/16")
	// globalUnicast is the only IPv6 space allocated for the public
	// internet; anything outside it (and not listed above) is reserved.
	globalUnicast = netip.MustParsePrefix("2000::/3")
)

// Blocked reports why addr must not be reached from a user-supplied URL
// ("loopback", "private", "cloud metadata", …), or "" when addr is a
// public address. An IPv6 address that wraps an IPv4 address (IPv4-mapped
// ::ffff:a.b.c.d, NAT64 64:ff9b::/96, 6to4 2002::/16) is judged by the
// IPv4 address inside; a zone (fe80::1%eth0) does not change the verdict.
func Blocked(addr netip.Addr) string {
	if !addr.IsValid() {
		return "invalid"
	}
	addr = addr.WithZone("").Unmap()
	for _, r := range blockedRanges {
		if r.prefix.Contains(addr) {
			return r.why
		}
	}
	if v4, ok := wrappedIPv4(addr); ok {
		return Blocked(v4)
	}
	if addr.Is6() && !globalUnicast.Contains(addr) {
		return "reserved"
	}
	return ""
}

// wrappedIPv4 returns the IPv4 address inside an IPv4-mapped, NAT64 or
// 6to4 address.
func wrappedIPv4(addr netip.Addr) (netip.Addr, bool) {
	if addr.Is4In6() {
		return addr.Unmap(), true
	}
	b := addr.As16()
	switch {
	case nat64.Contains(addr):
		return netip.AddrFrom4([4]byte(b[12:16])), true
	case sixToFour.Contains(addr):
		return netip.AddrFrom4([4]byte(b[2:6])), true
	}
	return netip.Addr{}, false
}

// BlockedError is the error for a connection the client refused to make
// because the address is not public. Its message is a sentence a site
// owner understands; the fields are for code.
type BlockedError struct {
	// URL is the scheme and host of the request refused, such as
	// "https://shop.example/", when the refusal came from a request. The
	// path and query are left out: they may hold secrets.
	URL string
	// Via is the scheme and host of the URL that redirected to URL, when
	// a redirect led here.
	Via string
	// Host is the host dialled: a name, or the address itself.
	Host string
	// Addr is the address refused.
	Addr netip.Addr
	// Reason is what Blocked says about Addr: "loopback", "private", ….
	Reason string
}

// Error says which URL or host led to which address, and why IGNY8 will
// not connect to it.
func (e *BlockedError) Error() string {
	addr := e.Addr.String()
	if v4, ok := wrappedIPv4(e.Addr.WithZone("")); ok {
		addr += ", which wraps " + v4.String()
	}
	verb := "resolves to"
	if _, err := netip.ParseAddr(e.Host); err == nil || e.Host == "" {
		verb = "points at"
	}
	var subject string
	switch {
	case e.URL != "" && e.Via != "":
		subject = "The URL " + e.Via + " redirects to " + e.URL + ", which " + verb + " " + addr
	case e.URL != "":
		subject = "The URL " + e.URL + " " + verb + " " + addr
	case verb == "resolves to":
		subject = "The host " + e.Host + " resolves to " + addr
	default:
		if strings.Contains(addr, ",") {
			addr += ","
		}
		return "The address " + addr + " is " + describe(e.Reason) + "; IGNY8 only connects to public internet addresses."
	}
	return subject + ", " + describe(e.Reason) + "; IGNY8 only connects to public internet addresses."
}

// describe turns a reason into a noun phrase: "loopback" → "a loopback
// address".
func describe(reason string) string {
	switch reason {
	case "":
		return "an address"
	case "broadcast":
		return "the broadcast address"
	case "documentation":
		return "an address reserved for documentation"
	case "Teredo":
		return "a Teredo tunnel address"
	}
	article := "a"
	if strings.ContainsRune("aeiouAEIOU", rune(reason[0])) {
		article = "an"
	}
	return article + " " + reason + " address"
}
