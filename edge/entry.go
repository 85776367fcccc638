package edge

import (
	"mime"
	"net/http"
	"path"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/igny8/igny8/deployer"
)

// Header values shared by every response that carries them. They are
// assigned to header maps directly (the keys are canonical), so the hot path
// neither formats nor allocates them. Nothing may modify these slices in
// place: Header.Add appends past their length, which copies.
var (
	hdrNosniff        = []string{"nosniff"}
	hdrReferrer       = []string{"strict-origin-when-cross-origin"}
	hdrFrame          = []string{"SAMEORIGIN"}
	hdrPermissions    = []string{"camera=(), microphone=(), geolocation=(), payment=(), usb=()"}
	hdrHSTS           = []string{"max-age=31536000"}
	hdrVaryEncoding   = []string{"Accept-Encoding"}
	hdrVaryLanguage   = []string{"Accept-Language"}
	hdrAcceptRanges   = []string{"bytes"}
	hdrCacheImmutable = []string{cacheImmutable}
	hdrCacheRevalid   = []string{cacheRevalid}
	hdrEncoding       = [numReps][]string{repBrotli: {deployer.EncodingBrotli}, repGzip: {deployer.EncodingGzip}}
)

// Representations of a file: the identity bytes and the precompressed
// variants the deployer stores.
const (
	repIdentity = iota
	repBrotli
	repGzip
	numReps
)

// repIndex returns the representation of an encoding negotiate returned.
func repIndex(enc string) int {
	switch enc {
	case deployer.EncodingBrotli:
		return repBrotli
	case deployer.EncodingGzip:
		return repGzip
	}
	return repIdentity
}

// entry is a manifest file with everything its responses need worked out
// once, when the manifest loads: blob keys, ETags, Content-Type,
// Cache-Control, Last-Modified and the identity's Content-Length.
type entry struct {
	deployer.FileEntry
	name   string   // manifest path
	ctype  []string // Content-Type
	cache  []string // Cache-Control
	length []string // Content-Length of the identity bytes
	// modtime is the deploy's creation time, to the second, and lastMod
	// it as a Last-Modified value; zero and nil when the manifest has no
	// time.
	modtime time.Time
	lastMod []string
	// keys and etags by representation; "" and nil for a variant that is
	// not stored.
	keys  [numReps]string
	etags [numReps][]string
	// raw and raw304 hold the header blocks of the raw path (rawHeader)
	// for paths no _headers rule matches; site and site304 the last
	// blocks built with a site's headers, with those headers.
	raw, raw304   [numReps]atomic.Pointer[[]byte]
	site, site304 [numReps]atomic.Pointer[siteBlock]
}

// siteBlock is a raw header block built with a site's headers.
type siteBlock struct {
	headers [][2]string
	b       []byte
}

// newEntry prepares e, the manifest entry of name in a deploy made at
// created, for serving. e.SHA256 must be valid (loadDeploy checks it).
func newEntry(name string, e deployer.FileEntry, created time.Time) *entry {
	en := &entry{
		FileEntry: e,
		name:      name,
		ctype:     []string{contentType(e, name)},
		cache:     hdrCacheRevalid,
		length:    []string{strconv.FormatInt(e.Size, 10)},
	}
	// As http.ServeContent: no Last-Modified for the zero time or the
	// Unix epoch, and one-second precision.
	if !created.IsZero() && !created.Equal(time.Unix(0, 0)) {
		en.modtime = created.Truncate(time.Second)
		en.lastMod = []string{created.UTC().Format(http.TimeFormat)}
	}
	if e.Immutable {
		en.cache = hdrCacheImmutable
	}
	// Strong ETag of the identity bytes: the same across deploys. An
	// encoded variant is another representation and gets its own strong
	// ETag, so a resumed download can never splice br bytes onto identity.
	en.keys[repIdentity] = deployer.BlobKey(e.SHA256, "")
	en.etags[repIdentity] = []string{`"` + e.SHA256 + `"`}
	for _, enc := range e.Encodings {
		if i := repIndex(enc); i != repIdentity {
			en.keys[i] = deployer.BlobKey(e.SHA256, enc)
			en.etags[i] = []string{`"` + e.SHA256 + "-" + enc + `"`}
		}
	}
	return en
}

// contentType is the entry's type, else one guessed from the name.
func contentType(e deployer.FileEntry, name string) string {
	if e.ContentType != "" {
		return e.ContentType
	}
	if t := mime.TypeByExtension(path.Ext(name)); t != "" {
		return t
	}
	return "application/octet-stream"
}
