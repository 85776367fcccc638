package edge

import (
	"fmt"
	"io"
	"maps"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// numBuckets is the number of request duration histogram buckets.
const numBuckets = 12

// durationBuckets returns the upper bounds, in seconds, of the request
// duration histogram.
func durationBuckets() [numBuckets]float64 {
	return [numBuckets]float64{0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10}
}

// Metrics are the edge's counters, written in the Prometheus text
// exposition format by WriteTo. They are hand-written rather than taken from
// client_golang to keep the module's dependencies as they are.
type Metrics struct {
	mu       sync.Mutex
	byStatus map[int]uint64
	bounds   [numBuckets]float64
	buckets  [numBuckets]uint64
	count    uint64
	sum      float64

	bytes         atomic.Int64
	cacheHits     atomic.Int64
	cacheMisses   atomic.Int64
	diskHits      atomic.Int64
	diskMisses    atomic.Int64
	manifestLoads atomic.Int64
	skewHits      atomic.Int64
	redirects     atomic.Int64
	storeErrors   atomic.Int64

	cacheSize func() (int64, int) // set by the Server
	diskSize  func() (int64, int) // set by the Server with a disk cache
}

func newMetrics() *Metrics { return &Metrics{byStatus: map[int]uint64{}, bounds: durationBuckets()} }

// observe records one finished request.
func (m *Metrics) observe(status int, bytes int64, d time.Duration) {
	m.bytes.Add(bytes)
	sec := d.Seconds()
	m.mu.Lock()
	defer m.mu.Unlock()
	m.byStatus[status]++
	m.count++
	m.sum += sec
	for i, le := range m.bounds {
		if sec <= le {
			m.buckets[i]++
		}
	}
}

// WriteTo writes every metric in the Prometheus text format.
func (m *Metrics) WriteTo(w io.Writer) (int64, error) {
	cw := &countWriter{w: w}
	m.mu.Lock()
	byStatus := maps.Clone(m.byStatus)
	buckets, count, sum := m.buckets, m.count, m.sum
	m.mu.Unlock()

	fmt.Fprintf(cw, "# HELP edge_requests_total Requests served, by status code.\n# TYPE edge_requests_total counter\n")
	for _, code := range slices.Sorted(maps.Keys(byStatus)) {
		fmt.Fprintf(cw, "edge_requests_total{code=\"%d\"} %d\n", code, byStatus[code])
	}
	fmt.Fprintf(cw, "# HELP edge_request_duration_seconds Time to serve a request.\n# TYPE edge_request_duration_seconds histogram\n")
	for i, le := range m.bounds {
		fmt.Fprintf(cw, "edge_request_duration_seconds_bucket{le=\"%g\"} %d\n", le, buckets[i])
	}
	fmt.Fprintf(cw, "edge_request_duration_seconds_bucket{le=\"+Inf\"} %d\n", count)
	fmt.Fprintf(cw, "edge_request_duration_seconds_sum %g\nedge_request_duration_seconds_count %d\n", sum, count)

	counter := func(name, help string, v int64) {
		fmt.Fprintf(cw, "# HELP %s %s\n# TYPE %s counter\n%s %d\n", name, help, name, name, v)
	}
	counter("edge_response_bytes_total", "Body bytes written.", m.bytes.Load())
	counter("edge_blob_cache_hits_total", "Blob reads answered from memory.", m.cacheHits.Load())
	counter("edge_blob_cache_misses_total", "Blob reads the memory cache could not answer.", m.cacheMisses.Load())
	if m.diskSize != nil {
		counter("edge_disk_cache_hits_total", "Blob reads answered from the disk cache.", m.diskHits.Load())
		counter("edge_disk_cache_misses_total", "Blob reads the disk cache could not answer (they went to the store).", m.diskMisses.Load())
	}
	counter("edge_manifest_loads_total", "Deploy manifests read after a live pointer changed.", m.manifestLoads.Load())
	counter("edge_skew_hits_total", "Files served from a replaced deploy within the skew window.", m.skewHits.Load())
	counter("edge_redirect_rules_applied_total", "Requests answered by a _redirects rule.", m.redirects.Load())
	counter("edge_store_errors_total", "Failed object-store reads.", m.storeErrors.Load())
	if m.cacheSize != nil {
		n, items := m.cacheSize()
		fmt.Fprintf(cw, "# HELP edge_blob_cache_bytes Bytes held by the blob cache.\n# TYPE edge_blob_cache_bytes gauge\nedge_blob_cache_bytes %d\n", n)
		fmt.Fprintf(cw, "# HELP edge_blob_cache_items Blobs held by the blob cache.\n# TYPE edge_blob_cache_items gauge\nedge_blob_cache_items %d\n", items)
	}
	if m.diskSize != nil {
		n, items := m.diskSize()
		fmt.Fprintf(cw, "# HELP edge_disk_cache_bytes Bytes held by the disk cache.\n# TYPE edge_disk_cache_bytes gauge\nedge_disk_cache_bytes %d\n", n)
		fmt.Fprintf(cw, "# HELP edge_disk_cache_items Blobs held by the disk cache.\n# TYPE edge_disk_cache_items gauge\nedge_disk_cache_items %d\n", items)
	}
	return cw.n, cw.err
}

// countWriter counts bytes and keeps the first error.
type countWriter struct {
	w   io.Writer
	n   int64
	err error
}

func (c *countWriter) Write(p []byte) (int, error) {
	if c.err != nil {
		return 0, c.err
	}
	n, err := c.w.Write(p)
	c.n += int64(n)
	c.err = err
	return n, err
}
