// Package safehttp is the one HTTP client for URLs that users supply: a
// customer's WordPress site, a Shopify shop, a custom webhook, a feed.
// Every request to such a URL goes through a Client made by New.
//
// # Threat model
//
// IGNY8 runs inside a network it does not want its users to see: the
// cloud provider's metadata service (which hands out credentials), the
// database, Redis, MinIO, admin ports on loopback, other tenants' hosts.
// A user who can make IGNY8 fetch a URL of their choosing (server-side
// request forgery, SSRF) could point it at any of these, directly
// (http://169.254.169.254/), through a name that resolves there
// (internal.attacker.example → 10.0.0.5), through a name that resolves
// to a public address when checked and to a private one when used (DNS
// rebinding), through an address written in a form one parser reads
// differently from another (http://2130706433/, http://0x7f.1/,
// http://[::ffff:127.0.0.1]/), or through a public URL that redirects to
// one of these.
//
// # What protects
//
// The check happens when the client dials, on the addresses it is about
// to connect to. The dialer resolves the host once, refuses the whole
// answer if any address in it is not public, and then connects to those
// same addresses: there is no second lookup to rebind. A socket-level
// hook (net.Dialer's Control) checks the address once more just before
// connect. Every redirect hop is a new dial, so it is checked the same
// way; redirects are also limited in number (5 by default) and must stay
// on http or https. Proxies from the environment are ignored, since a
// proxy would dial on the client's behalf, unchecked.
//
// Refused, with the reason Blocked gives (addr.go has the full list):
// loopback (127.0.0.0/8, ::1), unspecified (0.0.0.0/8, ::), private
// (10/8, 172.16/12, 192.168/16, fc00::/7), carrier-grade NAT
// (100.64.0.0/10), link-local (169.254.0.0/16, fe80::/10), multicast,
// broadcast, reserved and benchmarking ranges (240.0.0.0/4,
// 192.0.0.0/24, 198.18.0.0/15, …), documentation ranges (192.0.2.0/24,
// 2001:db8::/32, …), cloud metadata addresses (169.254.169.254,
// fd00:ec2::254, 100.100.100.200, …), any IPv6 address outside 2000::/3,
// and IPv6 forms that carry a refused IPv4 address: IPv4-mapped
// (::ffff:127.0.0.1), NAT64 (64:ff9b::/96) and 6to4 (2002::/16) are
// judged by the IPv4 address inside; IPv4-compatible (::/96),
// IPv4-translated (::ffff:0:0:0/96), local-use NAT64 and Teredo are
// refused whole.
//
// Every request (and redirect) must also be http or https, carry no user
// name or password, and not write an IP address in a non-standard form
// (2130706433, 0177.0.0.1, 127.1): the C library's resolver reads those
// as addresses, Go's does not, so they are refused before any lookup.
//
// Responses are bounded: dial, TLS handshake, response header and
// whole-request timeouts, and a body size limit (applied after
// decompression) that fails the Read that crosses it with *TooLargeError
// rather than truncating quietly.
//
// CheckURL checks a URL's form without connecting, for an early, readable
// answer when a user saves it; the dialer is what protects.
//
// # Errors
//
// A refused destination is a *BlockedError, whose message is a sentence a
// site owner understands ("The URL https://x.example/ resolves to
// 10.0.0.5, a private address; IGNY8 only connects to public internet
// addresses."). A URL of the wrong form is a *URLError, and a body over
// the limit a *TooLargeError. Find them with errors.As: the client wraps
// them in *url.Error.
//
// # Allowances
//
// Config.AllowHosts (exact "host:port" or "host" entries) and
// Config.AllowPrefixes let the client reach hosts that are not public.
// They are for tests and local development only; user input must never
// set them.
package safehttp
