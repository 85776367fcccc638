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
// The edge reads none of the leases.
//
// # Leases
//
// Leases keep Prune's deletes and deploys apart, on every backend, with the
// two kinds of lease object above:
//
//   - a deploy lease, leases/deploys/<deploy-id>.<n>, held by a deploy from
//     before it looks at any blob (or reads its base manifest) until its
//     manifest is written;
//   - the GC lease, leases/gc, held by one Prune from before it reads the
//     manifests until it has deleted its last object.
//
// Each lease carries its expiry. A deploy's lease lasts MaxDeployDuration
// plus LeaseMargin, and the deploy gives up rather than write its manifest
// once MaxDeployDuration has passed since it took the lease. The GC lease
// lasts Config.GCLease; Prune renews it (a compare-and-swap on its
// generation, so a Prune whose lease was taken over notices) and does
// nothing destructive (delete or renew) unless the lease is still valid for
// more than LeaseMargin. So a lease that a reader finds expired (Now at or
// past its expiry) belongs to a holder that crashed, or that will not act
// under it again.
//
// The protocol:
//
//	deploy:  put its lease (D1); read leases/gc (D2): valid → delete its lease,
//	         poll until the GC lease is gone or expired, start over; else
//	         read the base, check and upload blobs, write the manifest, and
//	         delete its lease.
//	Prune:   create leases/gc, or take over an expired one (P1); list the
//	         deploy leases (P2): any valid → wait for them to end, up to
//	         Retention.Wait, else give up; then read the manifests, delete
//	         deploys, sweep, and delete leases/gc.
//
// Why every interleaving is safe: a deploy's checks (blob existence, base
// manifest) are only trusted if no blob it relies on is deleted before its
// manifest exists. Take a deploy D and a Prune P. D does D1 then D2; P does
// P1 then P2. The store is linearizable (S3 and MinIO are strongly
// consistent for reads and lists after writes; so are fs and memory), so
// either D2 comes before P1, or after it.
//
//   - D2 before P1: then D1 < D2 < P1 < P2, so P2 lists D's lease. P reads
//     no manifest and deletes nothing until D's lease is gone, and D deletes
//     it only after writing its manifest; P then reads that manifest and
//     keeps every blob it names. (If D's lease expires first, D never writes
//     its manifest: its blobs are orphans.)
//   - D2 after P1: D2 finds P's lease, unless P already deleted it, which P
//     does after its last delete: then D checks nothing before P is done.
//     If D finds it valid, D has checked nothing yet; it withdraws its
//     lease and starts over later. If D finds it expired, P will not delete
//     again.
//
// A delta deploy reads its base manifest after D2, so by the same argument
// the base either exists with every blob it names, or is gone (the deploy
// fails with not_found): a deploy trusts its base and checks none of its
// blobs. The only assumptions are the store's consistency and clocks that
// agree to well within LeaseMargin (which also covers the latency of one
// request). Deploys never wait on each other, and a Prune that waits holds
// new deploys back until it ends, so Prune is not starved by a busy site.
//
// Crashes: a crashed deploy's lease expires after MaxDeployDuration (Prune
// deletes expired deploy leases); a crashed Prune's lease expires after
// Config.GCLease, and holds deploys back until then.
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
