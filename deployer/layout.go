// Package deployer turns a built site into an immutable, content-addressed
// deploy in the site's bucket and makes it live with one compare-and-swap of
// the site's live pointer. Rollback is the same swap to an older deploy.
//
// # Bucket layout
//
//	blobs/sha256/<aa>/<sha256>        file bytes, immutable
//	blobs/sha256/<aa>/<sha256>.br     brotli variant of a compressible file
//	blobs/sha256/<aa>/<sha256>.gz     gzip variant
//	deploys/<deploy-id>.json          the Manifest, written once every blob is stored
//	refs/live                         the LiveRef, changed only by compare-and-swap
//	leases/deploys/<deploy-id>.<n>    a deploy in progress (its n-th try to start):
//	                                  {holder, expires_at}, deleted once its manifest is written
//	leases/gc                         a Prune in progress: {holder, expires_at, renewals},
//	                                  created only if absent or expired, renewed by
//	                                  compare-and-swap, deleted when the Prune ends
//
// The leases keep Prune's deletes and deploys apart on every backend; see
// lease.go for the protocol and why it is safe. Expired leases belong to
// crashed holders: Prune deletes expired deploy leases, and an expired GC
// lease is taken over by the next Prune and ignored by deploys. The edge
// reads none of them.
//
// Host routing lives in its own bucket, RoutesBucket: hosts/<hostname> → site id.
package deployer

import (
	"strconv"
	"strings"
)

// Keys and buckets of the layout.
const (
	BlobPrefix   = "blobs/sha256/"
	DeployPrefix = "deploys/"
	LiveKey      = "refs/live"
	RoutesBucket = "igny8-routes"
	HostPrefix   = "hosts/"

	LeasePrefix       = "leases/"
	DeployLeasePrefix = LeasePrefix + "deploys/"
	GCLeaseKey        = LeasePrefix + "gc"
)

// Encodings a blob may have a precompressed variant in, by preference.
const (
	EncodingBrotli = "br"
	EncodingGzip   = "gzip"
)

// BlobKey returns the key of a blob, or of its variant in an encoding ("" for
// the identity bytes).
func BlobKey(sha256, encoding string) string {
	key := BlobPrefix + sha256[:2] + "/" + sha256
	switch encoding {
	case EncodingBrotli:
		return key + ".br"
	case EncodingGzip:
		return key + ".gz"
	}
	return key
}

// DeployKey returns the key of a deploy's manifest.
func DeployKey(deployID string) string { return DeployPrefix + deployID + ".json" }

// DeployLeaseKey returns the key of the lease a deploy takes on its n-th
// try to start. Every try has its own key, so that Prune deleting a lease it
// read as expired can never delete a newer one.
func DeployLeaseKey(deployID string, n int) string {
	return DeployLeasePrefix + deployID + "." + strconv.Itoa(n)
}

// HostKey returns the routing key of a host name (lowercased, without port).
func HostKey(host string) string {
	host = strings.ToLower(host)
	if i := strings.LastIndexByte(host, ':'); i >= 0 && !strings.Contains(host[i:], "]") {
		host = host[:i]
	}
	return HostPrefix + strings.TrimSuffix(host, ".")
}
