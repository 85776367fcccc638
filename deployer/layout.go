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
//	                                  {holder, expires_at, renewals}, renewed by
//	                                  compare-and-swap, deleted once its manifest is written
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
// Each lease carries its expiry, and its holder renews it while it works: a
// heartbeat every Config.LeaseRenew (5 s) rewrites it, by a compare-and-swap
// on its generation, to expire one TTL later (DeployLeaseTTL, 30 s, for a
// deploy; Config.GCLease, 30 s, for a Prune). A holder killed with kill -9
// renews nothing, so its lease expires within one TTL.
//
// A holder acts under its lease (a deploy writes its manifest, a Prune
// deletes) only while it holds it: while the lease is valid, by the
// holder's clock, for more than LeaseMargin. A renewal counts only if its
// answer comes back while the lease it replaces is still held; a lease that
// is not held once is lost for good (its holder neither renews it nor acts
// under it again); and a deploy's lease is lost MaxDeployDuration after it
// was taken. So a holder held its lease without a break from when it took
// it to its latest check, and:
//
//	(L) whenever a holder holds its lease, a reader reading it then finds it
//	    valid.
//
// (The stored expiry is at least the one the holder last heard of, and the
// reader's clock is within LeaseMargin of the holder's.) Hence a reader that
// finds a lease expired (its Now at or past the expiry) knows that its
// holder will never act under it again. A deploy checks its lease before it
// writes its manifest and again once the write has answered: the write
// landed in between, so by (L) no Prune had found the lease expired by
// then; if the second check fails, the deploy deletes the manifest and
// fails. A Prune checks its lease before each delete, and LeaseMargin also
// covers the time one delete takes to land.
//
// The protocol:
//
//	deploy:  put its lease (D1); read leases/gc (D2): valid → delete its lease,
//	         poll until the GC lease is gone or expired, start over; else
//	         read the base, check and upload blobs, write the manifest, and
//	         delete its lease.
//	Prune:   list the deploy leases: any valid → poll, holding nothing, up
//	         to Retention.Wait, else give up; then create leases/gc, or take
//	         over an expired one (P1); list the deploy leases again (P2),
//	         deleting expired ones: any valid → delete leases/gc and go back
//	         to polling; else read the manifests, delete deploys, sweep, and
//	         delete leases/gc.
//
// Why every interleaving is safe: a deploy's checks (blob existence, base
// manifest) are only trusted if no blob it relies on is deleted before its
// manifest exists. Take a deploy D and a Prune P that goes on past P2. D
// does D1 then D2; P does P1 then P2. The store is linearizable (S3 and
// MinIO are strongly consistent for reads and lists after writes; so are fs
// and memory), so either D2 comes before P1, or after it.
//
//   - D2 before P1: then D1 < D2 < P1 < P2, so P2 lists D's lease, unless
//     D already deleted it after writing its manifest (P then reads that
//     manifest and keeps every blob it names), or a Prune deleted it as
//     expired. P goes on only if it finds the lease expired (or deleted as
//     such): by (L), D no longer held it then, nor ever after. So D's
//     manifest landed before P2 (P reads it after P2, and keeps its
//     blobs), or D never writes it, or D's second check fails and D
//     deletes it again: the blobs of the last two are orphans.
//   - D2 after P1: D2 finds P's lease, unless P already deleted it, which P
//     does after its last delete: then D checks nothing before P is done.
//     If D finds it valid, D has checked nothing yet; it withdraws its
//     lease and starts over later. If D finds it expired, then by (L) P
//     will not delete again.
//
// A Prune that finds valid deploy leases at P2 and withdraws has deleted
// nothing but expired deploy leases, whose holders never act again: it is
// as if it had not run.
//
// A delta deploy reads its base manifest after D2, so by the same argument
// the base either exists with every blob it names, or is gone (the deploy
// fails with not_found): a deploy trusts its base and checks none of its
// blobs. The only assumptions are the store's consistency and clocks that
// agree to well within LeaseMargin (which also covers the latency of one
// delete).
//
// Waiting: deploys never wait on each other, and wait for a Prune only while
// it holds the GC lease, which it takes once no deploy is in progress. A
// Prune that cannot run (deploys in progress, or the lease of a killed one
// not yet expired) waits without the GC lease, so it holds no deploy back;
// on a site that is never idle it gives up after Retention.Wait and runs
// again later.
//
// Crashes: a killed deploy's lease expires DeployLeaseTTL after its last
// renewal (Prune deletes expired deploy leases); a killed Prune's lease
// expires Config.GCLease after its last renewal, and holds deploys back
// until then.
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
