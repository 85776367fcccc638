package main

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// syncBuffer is a bytes.Buffer safe for a command writing while a test reads.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func runCmd(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb syncBuffer
	code = run(context.Background(), args, &env{stdout: &out, stderr: &errb, getenv: func(string) string { return "" }})
	return code, out.String(), errb.String()
}

const fixture = "../../builder/testdata/allblocks/blueprint.json"

// copyFixture copies the fixture blueprint and assets into a temp folder.
func copyFixture(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	src := filepath.Dir(fixture)
	err := filepath.WalkDir(src, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dir, rel), 0o755)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dir, rel), data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return filepath.Join(dir, "blueprint.json")
}

func TestUsage(t *testing.T) {
	tests := []struct {
		args   []string
		code   int
		stderr string
	}{
		{nil, exitUsage, "Usage: igny8"},
		{[]string{"help"}, exitOK, "Commands:"},
		{[]string{"frobnicate"}, exitUsage, `unknown command "frobnicate"`},
		{[]string{"validate"}, exitUsage, "no blueprint given"},
		{[]string{"validate", "--nope", fixture}, exitUsage, "flag provided but not defined"},
		{[]string{"build", fixture}, exitUsage, "no output folder; pass -o DIR"},
		{[]string{"build", "-o", "x"}, exitUsage, "want exactly one blueprint"},
		{[]string{"validate", "does-not-exist.json"}, exitUsage, "no such file"},
		{[]string{"init"}, exitUsage, "want exactly one folder"},
		{[]string{"init", "--example", "castle", t.TempDir()}, exitUsage, `unknown example "castle"`},
	}
	for _, tt := range tests {
		code, _, stderr := runCmd(t, tt.args...)
		if code != tt.code || !strings.Contains(stderr, tt.stderr) {
			t.Errorf("igny8 %v: exit %d, stderr %q; want exit %d and %q", tt.args, code, stderr, tt.code, tt.stderr)
		}
	}
}

func TestValidate(t *testing.T) {
	code, stdout, _ := runCmd(t, "validate", fixture)
	if code != exitOK || !strings.Contains(stdout, "ok (12 pages)") {
		t.Errorf("valid fixture: exit %d, stdout %q", code, stdout)
	}

	bad := copyFixture(t)
	data, _ := os.ReadFile(bad)
	data = bytes.Replace(data, []byte(`"heading": "Ready?", `), nil, 1)
	data = bytes.Replace(data, []byte(`"href": "page:blocks"}, {"label": "Shop"`), []byte(`"href": "page:gone"}, {"label": "Shop"`), 1)
	if err := os.WriteFile(bad, data, 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, stderr := runCmd(t, "validate", fixture, bad)
	if code != exitUsage {
		t.Errorf("exit %d, want %d", code, exitUsage)
	}
	for _, want := range []*regexp.Regexp{
		regexp.MustCompile(`blueprint\.json:\d+:\d+: /pages/1/blocks/3/props/heading: required`),
		regexp.MustCompile(`blueprint\.json:\d+:\d+: /navigation/main/0/href: page "gone" does not exist`),
		regexp.MustCompile(`1 of 2 blueprints invalid`),
	} {
		if !want.MatchString(stderr) {
			t.Errorf("stderr lacks %s:\n%s", want, stderr)
		}
	}

	code, stdout, _ = runCmd(t, "validate", "--migrate", fixture)
	if code != exitOK || !strings.Contains(stdout, `"heading": "Hello \u003cworld\u003e"`) {
		t.Errorf("--migrate: exit %d, hero not migrated in:\n%.400s", code, stdout)
	}
}

func TestBuild(t *testing.T) {
	if testing.Short() {
		t.Skip("Hugo builds are skipped with -short")
	}
	out := filepath.Join(t.TempDir(), "sites", "golden", "public") // parents do not exist yet
	code, stdout, stderr := runCmd(t, "build", fixture, "-o", out)
	if code != exitOK {
		t.Fatalf("build: exit %d\n%s", code, stderr)
	}
	if !regexp.MustCompile(`^Built 11 pages, \d+ files, [\d.]+ (KiB|MiB) in \S+ → `).MatchString(stdout) {
		t.Errorf("summary = %q", stdout)
	}
	if !strings.Contains(stderr, "rendering 11 pages with Hugo") {
		t.Errorf("no progress on stderr: %q", stderr)
	}
	for _, f := range []string{"index.html", "blocks/index.html", "sitemap.xml", buildMarker} {
		if _, err := os.Stat(filepath.Join(out, f)); err != nil {
			t.Errorf("output lacks %s: %v", f, err)
		}
	}
	// A rebuild brings the folder up to date: changed files are replaced,
	// unchanged ones are left as they are, and anything else is removed.
	media, err := filepath.Glob(filepath.Join(out, "media", "logo.*.svg"))
	if err != nil || len(media) != 1 {
		t.Fatalf("logo in output: %v %v", media, err)
	}
	before, err := os.Stat(media[0])
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(filepath.Join(out, "blog/first/index.html")); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"stale.html", "old/deep/page.html", "blog/first/index.html/x"} {
		if err := os.MkdirAll(filepath.Dir(filepath.Join(out, p)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(out, p), []byte("old"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	edited := copyFixture(t)
	data, _ := os.ReadFile(edited)
	if err := os.WriteFile(edited, bytes.Replace(data, []byte("Build & ship"), []byte("Build & ship again"), 1), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := runCmd(t, "build", edited, "-o", out); code != exitOK {
		t.Fatalf("rebuild: exit %d\n%s", code, stderr)
	}
	for _, p := range []string{"stale.html", "old"} {
		if _, err := os.Stat(filepath.Join(out, p)); !os.IsNotExist(err) {
			t.Errorf("%s survived the rebuild: %v", p, err)
		}
	}
	if fi, err := os.Stat(filepath.Join(out, "blog/first/index.html")); err != nil || !fi.Mode().IsRegular() {
		t.Errorf("a folder standing where a page goes was not replaced: %v", err)
	}
	if page, _ := os.ReadFile(filepath.Join(out, "blocks/index.html")); !bytes.Contains(page, []byte("ship again")) {
		t.Error("changed page was not rewritten")
	}
	after, err := os.Stat(media[0])
	if err != nil || !os.SameFile(before, after) {
		t.Errorf("unchanged file was rewritten (or lost): %v", err)
	}
}

func TestBuildNeverTouchesForeignOrFailedOutput(t *testing.T) {
	foreign := t.TempDir()
	keep := filepath.Join(foreign, "notes.txt")
	if err := os.WriteFile(keep, []byte("mine"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, stderr := runCmd(t, "build", fixture, "-o", foreign)
	if code != exitUsage || !strings.Contains(stderr, "has files igny8 did not write") {
		t.Errorf("build into a foreign folder: exit %d, %q", code, stderr)
	}
	if data, err := os.ReadFile(keep); err != nil || string(data) != "mine" {
		t.Errorf("foreign file changed: %q, %v", data, err)
	}

	bad := copyFixture(t)
	if err := os.WriteFile(bad, []byte(`{"version": 1,`), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "public")
	code, _, stderr = runCmd(t, "build", bad, "-o", out)
	if code != exitUsage || !strings.Contains(stderr, "syntax error") {
		t.Errorf("invalid blueprint: exit %d, %q", code, stderr)
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("a failed build created %s", out)
	}
}

func TestInit(t *testing.T) {
	for _, example := range []string{"bakery", "blog", "saas"} {
		dir := filepath.Join(t.TempDir(), "site")
		code, stdout, stderr := runCmd(t, "init", "--example", example, dir)
		if code != exitOK || !strings.Contains(stdout, "igny8 preview") {
			t.Fatalf("init %s: exit %d\n%s%s", example, code, stdout, stderr)
		}
		if code, _, stderr := runCmd(t, "validate", filepath.Join(dir, "blueprint.json")); code != exitOK {
			t.Errorf("the %s scaffold does not validate:\n%s", example, stderr)
		}
		if code, _, stderr := runCmd(t, "init", dir); code != exitUsage || !strings.Contains(stderr, "not empty") {
			t.Errorf("init into a non-empty folder: exit %d, %q", code, stderr)
		}
	}
}

// TestPreviewReloadsOnChange starts a preview, edits the blueprint, and
// expects a reload event and the new page; then breaks the blueprint and
// expects its problems in the browser.
func TestPreviewReloadsOnChange(t *testing.T) {
	if testing.Short() {
		t.Skip("Hugo builds are skipped with -short")
	}
	bp := copyFixture(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stdout, stderr syncBuffer
	done := make(chan int)
	go func() {
		done <- run(ctx, []string{"preview", bp, "--addr", "127.0.0.1:0"}, &env{stdout: &stdout, stderr: &stderr, getenv: func(string) string { return "" }})
	}()
	addrRE := regexp.MustCompile(`at (http://\S+/) `)
	var base string
	waitFor(t, 60*time.Second, func() bool {
		m := addrRE.FindStringSubmatch(stdout.String())
		if m != nil {
			base = m[1]
		}
		return m != nil
	}, "preview never printed its address; stderr:\n"+stderr.String())

	body := get(t, base+"blocks/")
	if !regexp.MustCompile(`Build (&amp;|&) ship`).MatchString(body) || !strings.Contains(body, eventsPath) {
		t.Fatalf("first page lacks its heading or the reload script:\n%.500s", body)
	}
	if got := get(t, base+"no/such/page/"); !strings.Contains(got, "<html") {
		t.Errorf("missing page did not serve 404.html: %.200s", got)
	}

	resp, err := http.Get(base + strings.TrimPrefix(eventsPath, "/"))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	events := bufio.NewReader(resp.Body)
	if line, _ := events.ReadString('\n'); !strings.HasPrefix(line, ": connected") {
		t.Fatalf("event stream began with %q", line)
	}

	data, _ := os.ReadFile(bp)
	if err := os.WriteFile(bp, bytes.Replace(data, []byte("Build & ship"), []byte("Rebuilt heading"), 1), 0o644); err != nil {
		t.Fatal(err)
	}
	reloaded := make(chan string, 1)
	go func() {
		for {
			line, err := events.ReadString('\n')
			if err != nil || strings.TrimSpace(line) != "" {
				reloaded <- line
				return
			}
		}
	}()
	select {
	case line := <-reloaded:
		if !strings.HasPrefix(line, "event: reload") {
			t.Fatalf("event = %q, want reload", line)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("no reload event after the blueprint changed")
	}
	if body := get(t, base+"blocks/"); !strings.Contains(body, "Rebuilt heading") {
		t.Errorf("page after the change lacks the new heading")
	}

	if err := os.WriteFile(bp, []byte(`{"version": 1, "site": }`), 0o644); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 30*time.Second, func() bool {
		return strings.Contains(get(t, base), "Build failed")
	}, "a broken blueprint did not show its problems")
	if body := get(t, base); !strings.Contains(body, "syntax error") {
		t.Errorf("error page lacks the problem:\n%s", body)
	}
	cancel()
	if code := <-done; code != exitOK {
		t.Errorf("preview exited %d after cancel", code)
	}
}

func get(t *testing.T, url string) string {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

func waitFor(t *testing.T, limit time.Duration, cond func() bool, msg string) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal(msg)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
