package deployer

import (
	"compress/gzip"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"time"

	"github.com/andybalholm/brotli"

	"github.com/igny8/igny8"
	"github.com/igny8/igny8/storage"
)

// Defaults of Config.
const (
	DefaultConcurrency       = 8
	DefaultMaxDeployDuration = time.Hour

	// DefaultFreshenAge is the default of the ignored Config.FreshenAge.
	//
	// Deprecated: see Config.FreshenAge.
	DefaultFreshenAge = time.Hour
)

// ErrLiveChanged means the site's live deploy is not the one the caller
// based its change on, or changed while the swap was made. Errors from
// Promote and Rollback wrap it (and storage.ErrPrecondition when a
// conditional write lost a race).
var ErrLiveChanged = &igny8.Error{Code: igny8.EConflict, Message: "The live deploy changed since it was read."}

// Encoder makes a precompressed variant of compressible files.
type Encoder struct {
	Name string // the manifest's encoding name: EncodingBrotli or EncodingGzip
	New  func(w io.Writer) (io.WriteCloser, error)
}

// BrotliQuality is the brotli quality of BrotliEncoder. Measured on the
// 10,000-file site of make bench-deploy (docs/benchmarks.md, bench:deploy):
// quality 11 makes variants about 8% smaller than quality 5 for about 30
// times the CPU, which made it most of a first deploy's time; 6 gains a
// fraction of a percent over 5, and 7–9 nothing more for several times the
// CPU. Variants are still made once per blob, never per request.
const BrotliQuality = 5

// BrotliEncoder compresses with brotli at BrotliQuality. Its writers are
// reused: making one allocates more than compressing a page does.
func BrotliEncoder() Encoder {
	pool := &sync.Pool{New: func() any { return brotli.NewWriterLevel(nil, BrotliQuality) }}
	return Encoder{Name: EncodingBrotli, New: func(w io.Writer) (io.WriteCloser, error) {
		z := pool.Get().(*brotli.Writer)
		z.Reset(w)
		return &pooledWriter[*brotli.Writer]{z: z, pool: pool}, nil
	}}
}

// GzipEncoder compresses with compress/gzip at its default level, which
// measured as small as its best compression on site files (see
// BrotliQuality). Its writers are reused, like BrotliEncoder's.
func GzipEncoder() Encoder {
	pool := &sync.Pool{New: func() any {
		z, _ := gzip.NewWriterLevel(nil, gzip.DefaultCompression) // a valid level: no error
		return z
	}}
	return Encoder{Name: EncodingGzip, New: func(w io.Writer) (io.WriteCloser, error) {
		z := pool.Get().(*gzip.Writer)
		z.Reset(w)
		return &pooledWriter[*gzip.Writer]{z: z, pool: pool}, nil
	}}
}

// pooledWriter returns its compressor to the pool when closed.
type pooledWriter[W io.WriteCloser] struct {
	z    W
	pool *sync.Pool
	done bool
}

func (p *pooledWriter[W]) Write(b []byte) (int, error) { return p.z.Write(b) }

func (p *pooledWriter[W]) Close() error {
	if p.done {
		return nil
	}
	p.done = true
	err := p.z.Close()
	p.pool.Put(p.z)
	return err
}

// Config tunes a Deployer. The zero value is usable.
type Config struct {
	// Now returns the current time; time.Now when nil.
	Now func() time.Time
	// Logger receives progress and cleanup failures; discarded when nil.
	Logger *slog.Logger
	// Concurrency bounds a deploy's store requests in flight at once; a
	// few more files are hashed and compressed meanwhile.
	Concurrency int
	// Encoders make the precompressed variants, by preference; when nil,
	// brotli and gzip.
	Encoders []Encoder

	// FreshenAge is ignored.
	//
	// Deprecated: deploys no longer rewrite the old blobs they rely on to
	// keep Prune off them; the leases of lease.go do that.
	FreshenAge time.Duration
	// MaxDeployDuration: a deploy that takes longer fails before writing
	// its manifest (its blobs become orphans for Prune), and its lease
	// lapses then even if the deploy hangs on.
	MaxDeployDuration time.Duration
	// GCLease is how long a Prune's lease lasts after its last renewal:
	// how long a killed Prune holds deploys of its site back.
	// DefaultGCLease when zero; it must exceed 2×LeaseMargin.
	GCLease time.Duration
	// LeaseRenew is how often a deploy or a Prune renews its lease while
	// it works. DefaultLeaseRenew when zero; at most a quarter of the
	// shorter lease less LeaseMargin, so that a lease survives a few
	// failed renewals.
	LeaseRenew time.Duration
	// LeasePoll is how often a deploy waiting for a Prune, or a Prune
	// waiting for deploys, looks again. DefaultLeasePoll when zero.
	LeasePoll time.Duration
}

// Deployer stores deploys in site buckets and moves their live pointers.
// It is safe for concurrent use.
type Deployer struct {
	store       storage.Store
	now         func() time.Time
	logger      *slog.Logger
	concurrency int
	encoders    []Encoder
	maxDeploy   time.Duration
	gcLease     time.Duration
	leaseRenew  time.Duration
	leasePoll   time.Duration
	random      io.Reader
}

// New returns a Deployer on store.
func New(store storage.Store, cfg Config) *Deployer {
	d := &Deployer{
		store:       store,
		now:         cfg.Now,
		logger:      cfg.Logger,
		concurrency: cfg.Concurrency,
		encoders:    cfg.Encoders,
		maxDeploy:   cfg.MaxDeployDuration,
		gcLease:     cfg.GCLease,
		leaseRenew:  cfg.LeaseRenew,
		leasePoll:   cfg.LeasePoll,
		random:      rand.Reader,
	}
	if d.now == nil {
		d.now = time.Now
	}
	if d.logger == nil {
		d.logger = slog.New(slog.DiscardHandler)
	}
	if d.concurrency <= 0 {
		d.concurrency = DefaultConcurrency
	}
	if d.encoders == nil {
		d.encoders = []Encoder{BrotliEncoder(), GzipEncoder()}
	}
	if d.maxDeploy <= 0 {
		d.maxDeploy = DefaultMaxDeployDuration
	}
	if d.gcLease <= 2*LeaseMargin {
		d.gcLease = DefaultGCLease
	}
	if d.leaseRenew <= 0 {
		d.leaseRenew = DefaultLeaseRenew
	}
	if most := (min(DeployLeaseTTL, d.gcLease) - LeaseMargin) / 4; d.leaseRenew > most {
		d.leaseRenew = most
	}
	if d.leasePoll <= 0 {
		d.leasePoll = DefaultLeasePoll
	}
	return d
}

// bucket returns the bucket of a site after checking its id.
func bucket(siteID string) (string, error) {
	b := storage.SiteBucket(siteID)
	if siteID == "" || storage.ValidateBucket(b) != nil {
		return "", igny8.Errorf(igny8.EInvalid, "Invalid site id %q.", siteID)
	}
	return b, nil
}

// ensureBucket creates the site's bucket unless it exists.
func (d *Deployer) ensureBucket(ctx context.Context, b string) error {
	err := d.store.CreateBucket(ctx, b)
	if err != nil && !errors.Is(err, storage.ErrBucketExists) {
		return fmt.Errorf("create bucket: %w", err)
	}
	return nil
}
