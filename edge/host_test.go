package edge

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/igny8/igny8/deployer"
	"github.com/igny8/igny8/storage/fs"
)

// errorLog records the messages logged at Error level or above.
type errorLog struct {
	mu   sync.Mutex
	msgs []string
}

func (l *errorLog) Enabled(_ context.Context, lv slog.Level) bool { return lv >= slog.LevelWarn }
func (l *errorLog) WithAttrs([]slog.Attr) slog.Handler            { return l }
func (l *errorLog) WithGroup(string) slog.Handler                 { return l }
func (l *errorLog) Handle(_ context.Context, r slog.Record) error {
	var b strings.Builder
	b.WriteString(r.Message)
	r.Attrs(func(a slog.Attr) bool { b.WriteString(" " + a.String()); return true })
	l.mu.Lock()
	l.msgs = append(l.msgs, b.String())
	l.mu.Unlock()
	return nil
}

func (l *errorLog) all() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.msgs...)
}

// TestHostOfAnyLength sends Host headers of every length from 1 to 1,100
// (past the store's 1,024-byte keys), then of lengths in steps up to
// MaxHeaderBytes, as one label, as many labels and as a preview host, to an
// edge over a folder store (whose keys are file names of at most 255
// bytes): every answer is a 4xx, nothing is logged as a warning or an
// error, and the store is never asked about a name that could not be a
// host.
func TestHostOfAnyLength(t *testing.T) {
	t.Parallel()
	store, err := fs.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if err := store.CreateBucket(t.Context(), deployer.RoutesBucket); err != nil {
		t.Fatal(err)
	}
	log := &errorLog{}
	srv := New(Config{Store: store, SitesDomain: "sites.test", Logger: slog.New(log), PollInterval: time.Hour})
	const preview = "20261124t120000z-0a1b2c3d--"
	hosts := func(n int) []string {
		labels := strings.Repeat("a.", n/2) + strings.Repeat("b", n%2+1)
		return []string{strings.Repeat("a", n), labels[:n], preview + strings.Repeat("s", n) + ".sites.test", strings.Repeat("A", n) + ":8081"}
	}
	for n := 1; n <= MaxHeaderBytes; n = hostLengthAfter(n) {
		for _, host := range hosts(n) {
			r := httptest.NewRequest(http.MethodGet, "/", nil)
			r.Host = host
			w := httptest.NewRecorder()
			srv.ServeHTTP(w, r)
			if w.Code < 400 || w.Code > 499 {
				t.Fatalf("Host of %d bytes (%.40q…): status %d, want a 4xx", len(host), host, w.Code)
			}
			if len(hostName(host)) > maxHostName && w.Code != http.StatusBadRequest {
				t.Fatalf("Host of %d bytes: status %d, want 400", len(host), w.Code)
			}
		}
	}
	if msgs := log.all(); len(msgs) > 0 {
		t.Errorf("logged %d warnings or errors, want none; the first: %s", len(msgs), msgs[0])
	}
	if n := srv.Metrics().storeErrors.Load(); n != 0 {
		t.Errorf("%d store errors, want 0", n)
	}
}

// TestHostOfAnyLengthOverTCP does the same over loopback TCP, where the
// raw path sees the request first and net/http refuses headers larger
// than MaxHeaderBytes itself (431).
func TestHostOfAnyLengthOverTCP(t *testing.T) {
	t.Parallel()
	store, err := fs.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if err := store.CreateBucket(t.Context(), deployer.RoutesBucket); err != nil {
		t.Fatal(err)
	}
	log := &errorLog{}
	srv := New(Config{Store: store, SitesDomain: "sites.test", Logger: slog.New(log), PollInterval: time.Hour})
	addr := strings.TrimPrefix(serveTCP(t, srv, NewListener), "http://")
	for n := 1; n <= MaxHeaderBytes+64; n = hostLengthAfter(n) {
		for _, host := range []string{strings.Repeat("a", n), "20261124t120000z-0a1b2c3d--" + strings.Repeat("s", n) + ".sites.test"} {
			got := roundTrip(t, addr, "GET / HTTP/1.1\r\nHost: "+host+"\r\n\r\n")
			if got.Status < 400 || got.Status > 499 {
				t.Fatalf("Host of %d bytes: status %d, want a 4xx", len(host), got.Status)
			}
		}
	}
	if msgs := log.all(); len(msgs) > 0 {
		t.Errorf("logged %d warnings or errors, want none; the first: %s", len(msgs), msgs[0])
	}
}

// hostLengthAfter returns the Host length to try after n: every one up to
// 1,100, then about 3% more each time.
func hostLengthAfter(n int) int {
	if n < 1100 {
		return n + 1
	}
	return n + n/32
}

func TestValidHostName(t *testing.T) {
	t.Parallel()
	label63 := strings.Repeat("a", 63)
	for _, tt := range []struct {
		name string
		want bool
	}{
		{"", true},
		{"a.example.com", true},
		{"localhost", true},
		{"xn--bcher-kva.example", true},
		{"_dmarc.example.com", true},
		{"127.0.0.1", true},
		{"[::1]", true},
		{"[127.0.0.1]", false},
		{label63 + ".com", true},
		{label63 + "a.com", false},
		{strings.Repeat(label63+".", 3) + strings.Repeat("a", 61), true}, // 253
		{strings.Repeat(label63+".", 3) + strings.Repeat("a", 62), false},
		{"a..b", false},
		{".a", false},
		{"a b", false},
		{"a/b", false},
		{"bücher.example", false},
		{"a%2eb", false},
	} {
		if got := validHostName(tt.name); got != tt.want {
			t.Errorf("validHostName(%q) = %v, want %v", tt.name, got, tt.want)
		}
	}
}
