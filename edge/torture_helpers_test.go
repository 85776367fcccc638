package edge

import (
	"compress/gzip"
	"crypto/sha256"
	"encoding/base64"
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
// and asset embeds "deploy=<n>", and every asset's name carries a hash of
// its own bytes: the whole sha256 (Hugo's fingerprints and the builder's
// media), which the deployer marks immutable, or a short one, as Vite
// (index-BxR4kq2Z.js) and webpack (main.8f573f658b.css) write them,
// which it does not.
type tortureSite struct {
	n      int
	files  []deployer.File
	assets map[string]string // URL path → hashFull or hashShort
}

// Kinds of hashed names.
const (
	hashFull  = "sha256"
	hashShort = "short"
)

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

// viteName returns dir/stem-<8 base64url characters of data's sha256>.ext,
// shaped as Vite names its chunks and assets.
func viteName(dir, stem, ext string, data []byte) string {
	return dir + "/" + stem + "-" + viteHash(data) + "." + ext
}

func viteHash(data []byte) string {
	h := sha256.Sum256(data)
	return base64.RawURLEncoding.EncodeToString(h[:])[:8]
}

// webpackName returns dir/stem.<10 hex digits of data's sha256>.ext, shaped
// as webpack's [contenthash:10].
func webpackName(dir, stem, ext string, data []byte) string {
	return dir + "/" + stem + "." + hexSHA(data)[:10] + "." + ext
}

var (
	fullHashRE    = regexp.MustCompile(`\.([0-9a-f]{64})\.[a-z0-9]+$`)
	webpackHashRE = regexp.MustCompile(`\.([0-9a-f]{10})\.[a-z0-9]+$`)
	viteHashRE    = regexp.MustCompile(`-([A-Za-z0-9_-]{8})\.[a-z0-9]+$`)
)

// nameMatches reports whether the hash in an asset's name is the hash of
// body its naming style uses.
func nameMatches(name string, body []byte) bool {
	if m := fullHashRE.FindStringSubmatch(name); m != nil {
		return m[1] == hexSHA(body)
	}
	if m := webpackHashRE.FindStringSubmatch(name); m != nil {
		return m[1] == hexSHA(body)[:10]
	}
	if m := viteHashRE.FindStringSubmatch(name); m != nil {
		return m[1] == viteHash(body)
	}
	return false
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
	s := &tortureSite{n: n, assets: map[string]string{}}
	add := func(p string, data []byte) {
		s.files = append(s.files, deployer.File{Path: p, Data: data})
	}
	asset := func(p, kind string, data []byte) string {
		add(p, data)
		s.assets["/"+p] = kind
		return "/" + p
	}
	full := func(dir, stem, ext string, data []byte) string {
		return asset(hashedName(dir, stem, ext, data), hashFull, data)
	}
	// Padding makes the text assets worth compressing, so br and gzip
	// variants exist and are negotiated.
	pad := strings.Repeat(fmt.Sprintf(".c%d{margin:%dpx}\n", n, n), 40)
	css := full("css", "site", "css", []byte(fmt.Sprintf("/* deploy=%d */\nbody{color:#%06x}\n%s", n, n*111111, pad)))
	js := full("js", "app", "js", []byte(fmt.Sprintf("// deploy=%d\nconsole.log(%q);\n%s", n, fmt.Sprintf("app %d", n), strings.Repeat("var x=1;\n", 60))))
	logo := full("media", "logo", "svg", []byte(fmt.Sprintf(`<svg xmlns="http://www.w3.org/2000/svg"><!-- deploy=%d --><circle r="%d"/></svg>`, n, n)))
	photo := full("media", "photo", "png", bigAsset(n, 20<<10))
	// A Vite build's entry script and stylesheet, and a webpack build's
	// stylesheet.
	viteJSData := []byte(fmt.Sprintf("// deploy=%d\nimport{h}from'./vendor';h(%d);\n%s", n, n, strings.Repeat("let y=2;\n", 60)))
	viteJS := asset(viteName("assets", "index", "js", viteJSData), hashShort, viteJSData)
	viteCSSData := []byte(fmt.Sprintf("/* deploy=%d */\n#app{padding:%dpx}\n%s", n, n, pad))
	viteCSS := asset(viteName("assets", "index", "css", viteCSSData), hashShort, viteCSSData)
	packData := []byte(fmt.Sprintf("/* deploy=%d */\nmain{margin:%dpx}\n%s", n, n, pad))
	pack := asset(webpackName("static/css", "main", "css", packData), hashShort, packData)
	seenSlug := map[string]bool{}
	for _, p := range torturePages {
		if seenSlug[p.slug] {
			continue
		}
		seenSlug[p.slug] = true
		chunk := full("js", "page-"+p.slug, "js", []byte(fmt.Sprintf("// deploy=%d\nrender(%q);\n", n, p.slug)))
		html := fmt.Sprintf(`<!doctype html>
<!-- deploy=%d -->
<html><head><title>%s</title>
<link rel="stylesheet" href="%s">
<link rel="stylesheet" href="%s">
<link rel="stylesheet" href="%s">
<script src="%s"></script>
<script type="module" src="%s"></script>
</head><body>
<h1>%s of deploy=%d</h1>
<img src="%s" alt="logo"><img src="%s" alt="photo">
<script src="%s"></script>
%s
</body></html>
`, n, p.slug, css, viteCSS, pack, js, viteJS, p.slug, n, logo, photo, chunk, strings.Repeat("<p>lorem ipsum</p>\n", 30))
		add(p.file, []byte(html))
	}
	add("404.html", []byte(fmt.Sprintf("<!-- deploy=%d -->not found", n)))
	return s
}

// tortureAssetsPerPage is how many assets each page references.
const tortureAssetsPerPage = 8

var (
	markerRE   = regexp.MustCompile(`deploy=(\d+)`)
	assetRefRE = regexp.MustCompile(`(?:href|src)="(/[^"]+)"`)
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
