package edge

import (
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/andybalholm/brotli"

	"github.com/igny8/igny8/deployer"
)

// tortureLogger logs only warnings and errors to tb: access logs of
// thousands of requests would drown a failure.
func tortureLogger(tb testing.TB) *slog.Logger {
	return slog.New(slog.NewTextHandler(tbWriter{tb}, &slog.HandlerOptions{Level: slog.LevelWarn}))
}

// tortureSite is the content of one deploy of the torture test: every page
// and asset embeds "deploy=<n>", and every asset's name carries the sha256
// of its own bytes, so the deployer marks it immutable.
type tortureSite struct {
	n      int
	files  []deployer.File
	assets map[string]bool // URL paths of the hashed assets
}

// torturePages are the URL paths the clients load, by page slug.
var torturePages = []struct{ url, file, slug string }{
	{"/", "index.html", "home"},
	{"/about/", "about/index.html", "about"},
	{"/about", "about/index.html", "about"}, // URLPolicy "" serves both
	{"/blog/post/", "blog/post/index.html", "post"},
}

func hexSHA(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

// hashedName returns dir/stem.<sha256 of data>.ext.
func hashedName(dir, stem, ext string, data []byte) string {
	return dir + "/" + stem + "." + hexSHA(data) + "." + ext
}

// bigAsset returns size bytes starting with the deploy marker and filled
// with hex digits (so the marker occurs once), larger than the edge's
// CacheMaxObject in the test, to exercise the streamed, ranged path.
func bigAsset(n, size int) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "deploy=%d\n", n)
	seed := sha256.Sum256([]byte(fmt.Sprintf("photo-%d", n)))
	for b.Len() < size {
		b.WriteString(hex.EncodeToString(seed[:]))
		seed = sha256.Sum256(seed[:])
	}
	return []byte(b.String()[:size])
}

// newTortureSite builds deploy number n.
func newTortureSite(n int) *tortureSite {
	s := &tortureSite{n: n, assets: map[string]bool{}}
	add := func(p string, data []byte) {
		s.files = append(s.files, deployer.File{Path: p, Data: data})
	}
	asset := func(dir, stem, ext string, data []byte) string {
		p := hashedName(dir, stem, ext, data)
		add(p, data)
		s.assets["/"+p] = true
		return "/" + p
	}
	// Padding makes the text assets worth compressing, so br and gzip
	// variants exist and are negotiated.
	pad := strings.Repeat(fmt.Sprintf(".c%d{margin:%dpx}\n", n, n), 40)
	css := asset("css", "site", "css", []byte(fmt.Sprintf("/* deploy=%d */\nbody{color:#%06x}\n%s", n, n*111111, pad)))
	js := asset("js", "app", "js", []byte(fmt.Sprintf("// deploy=%d\nconsole.log(%q);\n%s", n, fmt.Sprintf("app %d", n), strings.Repeat("var x=1;\n", 60))))
	logo := asset("media", "logo", "svg", []byte(fmt.Sprintf(`<svg xmlns="http://www.w3.org/2000/svg"><!-- deploy=%d --><circle r="%d"/></svg>`, n, n)))
	photo := asset("media", "photo", "png", bigAsset(n, 20<<10))
	seenSlug := map[string]bool{}
	for _, p := range torturePages {
		if seenSlug[p.slug] {
			continue
		}
		seenSlug[p.slug] = true
		chunk := asset("js", "page-"+p.slug, "js", []byte(fmt.Sprintf("// deploy=%d\nrender(%q);\n", n, p.slug)))
		html := fmt.Sprintf(`<!doctype html>
<!-- deploy=%d -->
<html><head><title>%s</title>
<link rel="stylesheet" href="%s">
<script src="%s"></script>
</head><body>
<h1>%s of deploy=%d</h1>
<img src="%s" alt="logo"><img src="%s" alt="photo">
<script src="%s"></script>
%s
</body></html>
`, n, p.slug, css, js, p.slug, n, logo, photo, chunk, strings.Repeat("<p>lorem ipsum</p>\n", 30))
		add(p.file, []byte(html))
	}
	add("404.html", []byte(fmt.Sprintf("<!-- deploy=%d -->not found", n)))
	return s
}

var (
	markerRE   = regexp.MustCompile(`deploy=(\d+)`)
	assetRefRE = regexp.MustCompile(`(?:href|src)="(/[^"]+)"`)
	hashRE     = regexp.MustCompile(`\.([0-9a-f]{64})\.[a-z]+$`)
)

// marker returns the single deploy number body carries, or an error when it
// carries none or several different ones.
func marker(body []byte) (int, error) {
	ms := markerRE.FindAllSubmatch(body, -1)
	if len(ms) == 0 {
		return 0, fmt.Errorf("no deploy marker")
	}
	n := 0
	for i, m := range ms {
		var v int
		fmt.Sscanf(string(m[1]), "%d", &v)
		if i == 0 {
			n = v
		} else if v != n {
			return 0, fmt.Errorf("markers of two deploys: %d and %d", n, v)
		}
	}
	return n, nil
}

// decodeBody reads a response body, undoing its Content-Encoding.
func decodeBody(r io.Reader, encoding string) ([]byte, error) {
	switch encoding {
	case "":
		return io.ReadAll(r)
	case "br":
		return io.ReadAll(brotli.NewReader(r))
	case "gzip":
		zr, err := gzip.NewReader(r)
		if err != nil {
			return nil, err
		}
		defer zr.Close()
		return io.ReadAll(zr)
	}
	return nil, fmt.Errorf("unexpected Content-Encoding %q", encoding)
}

// tortureLog collects failures from many goroutines, keeping the first few
// messages of each kind.
type tortureLog struct {
	mu     sync.Mutex
	counts map[string]int
	first  map[string][]string
}

func newTortureLog() *tortureLog {
	return &tortureLog{counts: map[string]int{}, first: map[string][]string{}}
}

func (l *tortureLog) add(kind, format string, args ...any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.counts[kind]++
	if len(l.first[kind]) < 5 {
		l.first[kind] = append(l.first[kind], time.Now().UTC().Format("15:04:05.000000")+" "+fmt.Sprintf(format, args...))
	}
}

func (l *tortureLog) count(kind string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.counts[kind]
}

func (l *tortureLog) report(tb testing.TB) {
	tb.Helper()
	l.mu.Lock()
	defer l.mu.Unlock()
	for kind, n := range l.counts {
		tb.Errorf("%s: %d times; first: \n  %s", kind, n, strings.Join(l.first[kind], "\n  "))
	}
}

// swapState is the driver's progress as the clients see it: the number of
// swaps made and the deploy the last one made live, and when a client
// first saw each swap's deploy on a page it requested after the swap.
type swapState struct {
	mu      sync.Mutex
	epoch   int
	target  string
	at      time.Time
	reached map[int]time.Duration // epoch → propagation delay
	changed chan struct{}         // closed and replaced at each swap
}

func newSwapState(live string) *swapState {
	return &swapState{target: live, at: time.Now(), reached: map[int]time.Duration{}, changed: make(chan struct{})}
}

func (s *swapState) get() (int, string, <-chan struct{}) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.epoch, s.target, s.changed
}

func (s *swapState) swapped(live string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.epoch++
	s.target, s.at = live, time.Now()
	close(s.changed)
	s.changed = make(chan struct{})
	return s.epoch
}

// saw records that a page requested at epoch came from deployID.
func (s *swapState) saw(epoch int, deployID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if epoch == s.epoch && deployID == s.target {
		if _, ok := s.reached[epoch]; !ok {
			s.reached[epoch] = time.Since(s.at)
		}
	}
}

func (s *swapState) delay(epoch int) (time.Duration, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	d, ok := s.reached[epoch]
	return d, ok
}
