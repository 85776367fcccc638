package safehttp

import (
	"fmt"
	"net/netip"
)

// blockedRange is a range of addresses a user-supplied URL must never
// reach, with the words that say why.
type blockedRange struct {
	prefix netip.Prefix
	why    string
}

// blocked lists every range that is not plainly the public internet. The
// most specific ranges come first, so the reason given is the most useful
// one (169.254.169.254 is "cloud metadata", not just "link-local").
var blocked = func() []blockedRange {
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
	)
	add("loopback", "127.0.0.0/8", "::1/128")
	add("unspecified", "0.0.0.0/8", "::/128")
	add("private", "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7")
	add("carrier-grade NAT", "100.64.0.0/10")
	add("link-local", "169.254.0.0/16", "fe80::/10")
	add("multicast", "224.0.0.0/4", "ff00::/8")
	add("broadcast", "255.255.255.255/32")
	add("reserved", "240.0.0.0/4", "192.0.0.0/24", "198.18.0.0/15", "192.88.99.0/24", "100::/64", "fec0::/10",
		"2001:10::/28", "2001:20::/28")
	add("documentation", "192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24", "2001:db8::/32", "3fff::/20")
	// IPv6 forms that carry an IPv4 address inside, which could be a
	// private one: refused whole rather than decoded.
	add("IPv4-compatible IPv6", "::/96")
	add("NAT64", "64:ff9b::/96", "64:ff9b:1::/48")
	add("6to4", "2002::/16")
	add("Teredo", "2001::/32")
	return rs
}()

// Blocked reports why addr must not be reached from a user-supplied URL
// ("loopback", "private", "cloud metadata", …), or "" when addr is a
// public address. An IPv4-mapped IPv6 address (::ffff:a.b.c.d) is judged
// by its IPv4 address; a zone (fe80::1%eth0) does not change the verdict.
func Blocked(addr netip.Addr) string {
	if !addr.IsValid() {
		return "invalid"
	}
	addr = addr.Unmap().WithZone("")
	for _, r := range blocked {
		if r.prefix.Contains(addr) {
			return r.why
		}
	}
	return ""
}

// BlockedError is the error for a connection the client refused to make.
type BlockedError struct {
	Host   string     // the host name of the URL, or the address itself
	Addr   netip.Addr // the address it resolved to
	Reason string     // what Blocked said
}

func (e *BlockedError) Error() string {
	if e.Host != "" && e.Host != e.Addr.String() {
		return fmt.Sprintf("safehttp: refusing to connect to %s: it resolves to %s (%s), not a public address", e.Host, e.Addr, e.Reason)
	}
	return fmt.Sprintf("safehttp: refusing to connect to %s (%s), not a public address", e.Addr, e.Reason)
}
