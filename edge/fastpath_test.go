package edge

import (
	"log/slog"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/textproto"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/igny8/igny8/deployer"
)

// answer is what a client sees of a response, less the Date header.
type answer struct {
	Status int
	Header http.Header
	Body   string
}

func serveAnswer(tb testing.TB, h http.Handler, method, target string, header ...string) answer {
	tb.Helper()
	res := do(tb, h, method, target, header...)
	res.Header.Del("Date")
	return answer{res.StatusCode, res.Header, body(tb, res)}
}

// TestFastPathMatchesServeContent sends the same requests to a server
// and to one that sends every file through http.ServeContent, and wants
// the same answers: status, every header, body.
func TestFastPathMatchesServeContent(t *testing.T) {
	t.Parallel()
	fast := setup(t, nil)
	slow := setup(t, nil)
	slow.srv.slowPath = true
	home, data := sum("<h1>home</h1>"), sum("0123456789")
	paths := []string{"/", "/about/", "/data.txt", "/css/site.abc123.css", "/raw", "/blog/post.html", "/blog/nope", "/about"}
	accepts := []string{"", "br", "gzip", "gzip, br", "br;q=0, gzip", "*", "*;q=0", "identity", "GZIP;Q=0.5, BR;q=0.4"}
	inms := []string{
		"", `"` + home + `"`, `W/"` + home + `"`, `"` + home + `-br"`, `"` + home + `-gzip"`, `"` + data + `"`,
		"*", `"x", "` + home + `"`, `"x, "` + home + `"`, `  ,, "` + data + `-gzip"`, `"` + home, `W/`, `"a"b`,
	}
	for _, method := range []string{"GET", "HEAD"} {
		for _, p := range paths {
			for _, ae := range accepts {
				for _, inm := range inms {
					var hdr []string
					if ae != "" {
						hdr = append(hdr, "Accept-Encoding: "+ae)
					}
					if inm != "" {
						hdr = append(hdr, "If-None-Match: "+inm)
					}
					got := serveAnswer(t, fast.srv, method, origin+p, hdr...)
					want := serveAnswer(t, slow.srv, method, origin+p, hdr...)
					if diff := cmp.Diff(want, got); diff != "" {
						t.Errorf("%s %s %q: fast path differs from ServeContent (-want +got):\n%s", method, p, hdr, diff)
					}
				}
			}
		}
	}
}

// TestFastPathMissingBlob wants the fast path's 500 for a blob the store
// lost to be ServeContent's, headers included.
func TestFastPathMissingBlob(t *testing.T) {
	t.Parallel()
	edit := func(m *deployer.Manifest) {
		m.Files["ghost.txt"] = deployer.FileEntry{SHA256: sum("ghost"), Size: 5, ContentType: "text/plain", Encodings: []string{"gzip"}}
	}
	var answers []answer
	for _, slowPath := range []bool{false, true} {
		b := setup(t, nil)
		b.srv.slowPath = slowPath
		b.f.deploy("site1", "d2", basicFiles(), edit)
		b.f.promote("site1", "d2", "d1", b.clock.Now())
		b.srv.Invalidate("site1")
		answers = append(answers, serveAnswer(t, b.srv, "GET", origin+"/ghost.txt", "Accept-Encoding: gzip"))
	}
	if got, want := answers[0].Status, http.StatusInternalServerError; got != want {
		t.Errorf("status = %d, want %d", got, want)
	}
	if diff := cmp.Diff(answers[1], answers[0]); diff != "" {
		t.Errorf("fast path differs from ServeContent (-want +got):\n%s", diff)
	}
}

func TestNoneMatch(t *testing.T) {
	t.Parallel()
	const tag = `"abc"`
	for _, tc := range []struct {
		inm  string
		want bool
	}{
		{`"abc"`, true},
		{`W/"abc"`, true},
		{` "x" , "abc" `, true},
		{`,,"abc"`, true},
		{"*", true},
		{`"x", *`, true},
		{`"abc`, false},
		{`"x, "abc"`, false}, // `"x, "` is one tag; then `abc"` is malformed
		{`"ab c"`, false},
		{`abc`, false},
		{`"x" "abc"`, true}, // a missing comma is forgiven, as by net/http
		{``, false},
		{`W/`, false},
	} {
		if got := noneMatch(tc.inm, tag); got != tc.want {
			t.Errorf("noneMatch(%q) = %v, want %v", tc.inm, got, tc.want)
		}
	}
}

// acceptQRef is the map-based Accept-Encoding parser negotiate replaced,
// kept as its reference.
func acceptQRef(accept string) map[string]float64 {
	q := map[string]float64{}
	for part := range strings.SplitSeq(accept, ",") {
		name, params, _ := strings.Cut(part, ";")
		name = strings.ToLower(strings.TrimSpace(name))
		if name == "" {
			continue
		}
		if name == "x-gzip" {
			name = deployer.EncodingGzip
		}
		v := 1.0
		for p := range strings.SplitSeq(params, ";") {
			k, val, ok := strings.Cut(strings.TrimSpace(p), "=")
			if !ok || !strings.EqualFold(strings.TrimSpace(k), "q") {
				continue
			}
			f, err := strconv.ParseFloat(strings.TrimSpace(val), 64)
			if err != nil || f < 0 || f > 1 {
				f = 0
			}
			v = f
		}
		if _, seen := q[name]; !seen {
			q[name] = v
		}
	}
	return q
}

func negotiateRef(accept string, stored []string) string {
	if accept == "" || len(stored) == 0 {
		return ""
	}
	q := acceptQRef(accept)
	best, bestQ := "", 0.0
	for _, enc := range []string{deployer.EncodingBrotli, deployer.EncodingGzip} {
		if !slices.Contains(stored, enc) {
			continue
		}
		v, ok := q[enc]
		if !ok {
			v, ok = q["*"]
		}
		if ok && v > bestQ {
			best, bestQ = enc, v
		}
	}
	return best
}

// FuzzNegotiate checks the allocation-free negotiate against the
// reference parser.
func FuzzNegotiate(f *testing.F) {
	for _, s := range []string{
		"gzip, deflate, br, zstd", "br;q=0, gzip", "*;q=0", "x-gzip;q=0.3, gzip", "BR ; Q = 0.9 ; q=0.1",
		"gzip;q=1.1", "br;q=-0", ", ,;", "*, br;q=0", "gzip;q=abc",
	} {
		f.Add(s)
	}
	stores := [][]string{{"br", "gzip"}, {"gzip"}, {"br"}}
	f.Fuzz(func(t *testing.T, accept string) {
		for _, st := range stores {
			if got, want := negotiate(accept, st), negotiateRef(accept, st); got != want {
				t.Errorf("negotiate(%q, %q) = %q, want %q", accept, st, got, want)
			}
		}
	})
}

// FuzzHostName checks that hostName is deployer.HostKey without its
// prefix, as the routes bucket needs.
func FuzzHostName(f *testing.F) {
	for _, s := range []string{"A.Example.COM", "a.example.com:8081", "a.example.com.", "[::1]:80", "[::1]", "", ":", "x.:1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, host string) {
		if got, want := deployer.HostPrefix+hostName(host), deployer.HostKey(host); got != want {
			t.Errorf("hostName(%q) = %q, want the key %q", host, got, want)
		}
	})
}

// FuzzHasEncodedSlash checks the scan against a plain search.
func FuzzHasEncodedSlash(f *testing.F) {
	for _, s := range []string{"/a%2fb", "/a%5C", "/%%2F", "/a%2", "/%", "/a%20b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		lower := strings.ToLower(raw)
		want := strings.Contains(lower, "%2f") || strings.Contains(lower, "%5c")
		if got := hasEncodedSlash(raw); got != want {
			t.Errorf("hasEncodedSlash(%q) = %v, want %v", raw, got, want)
		}
	})
}

// TestSharedHeaderKeysCanonical: header values are assigned to the map
// directly, so their keys must be in canonical form already or Get would
// miss them and duplicates could go out.
func TestSharedHeaderKeysCanonical(t *testing.T) {
	t.Parallel()
	b := setup(t, nil)
	res := do(t, b.srv, "GET", origin+"/", "Accept-Encoding: br")
	if res.StatusCode != 200 {
		t.Fatalf("status %d", res.StatusCode)
	}
	for _, k := range slices.Sorted(maps.Keys(res.Header)) {
		if c := textproto.CanonicalMIMEHeaderKey(k); c != k {
			t.Errorf("header key %q is not canonical (%q)", k, c)
		}
	}
	for _, k := range []string{"Etag", "X-Deploy-Id", "Surrogate-Key", "Vary", "Content-Encoding", "Accept-Ranges", "X-Frame-Options"} {
		if res.Header.Get(k) == "" {
			t.Errorf("no %s header", k)
		}
	}
}

// TestSharedHeaderValuesUntouched: a _headers rule that adds to a header
// the edge also sets must not write into the shared values.
func TestSharedHeaderValuesUntouched(t *testing.T) {
	t.Parallel()
	b := setup(t, nil)
	h := http.Header{}
	h["Vary"] = hdrVaryEncoding
	h.Add("Vary", "Cookie")
	if got, want := hdrVaryEncoding, []string{"Accept-Encoding"}; !slices.Equal(got, want) {
		t.Fatalf("shared Vary became %q", got)
	}
	res := do(t, b.srv, "GET", origin+"/")
	if got, want := res.Header.Values("Vary"), []string{"Accept-Encoding"}; !slices.Equal(got, want) {
		t.Errorf("Vary = %q, want %q", got, want)
	}
}

func BenchmarkServeWarmPage(b *testing.B) {
	bd := setup(b, nil)
	bd.srv.log = slog.New(slog.DiscardHandler)
	r := httptest.NewRequest("GET", origin+"/", nil)
	r.Header.Set("Accept-Encoding", "gzip, deflate, br")
	b.ReportAllocs()
	for b.Loop() {
		w := httptest.NewRecorder()
		bd.srv.ServeHTTP(w, r)
		if w.Code != 200 {
			b.Fatalf("status %d", w.Code)
		}
	}
}
