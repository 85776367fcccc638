package builder_test

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/igny8/igny8/blueprints"
	"github.com/igny8/igny8/builder"
	"github.com/igny8/igny8/themes"
)

var update = flag.Bool("update", false, "rewrite golden files")

const fixtureDir = "testdata/allblocks"

// loadFixture returns the every-block fixture, migrated and validated.
func loadFixture(t testing.TB) *blueprints.Blueprint {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(fixtureDir, "blueprint.json"))
	if err != nil {
		t.Fatal(err)
	}
	bp, err := blueprints.Load(data, blueprints.Options{Assets: os.DirFS(fixtureDir)})
	if err != nil {
		t.Fatalf("fixture: %v", err)
	}
	return bp
}

// builds caches one build per theme of the fixture: Hugo builds are the
// slow part, and most tests only read the output.
var builds sync.Map // theme → *builder.Output

func buildFixture(t testing.TB, theme string) *builder.Output {
	t.Helper()
	if testing.Short() {
		t.Skip("Hugo builds are skipped with -short")
	}
	if out, ok := builds.Load(theme); ok {
		return out.(*builder.Output)
	}
	out, err := builder.New(builder.Config{}).Build(context.Background(), builder.Input{
		Blueprint: loadFixture(t), Assets: os.DirFS(fixtureDir), Theme: theme,
	})
	if err != nil {
		t.Fatalf("build with %s: %v", theme, err)
	}
	builds.Store(theme, out)
	return out
}

func page(t testing.TB, out *builder.Output, path string) string {
	t.Helper()
	f := out.File(path)
	if f == nil {
		t.Fatalf("no %s in the output", path)
	}
	return string(f.Data)
}

func hashList(out *builder.Output) string {
	var b strings.Builder
	for _, f := range out.Files {
		b.WriteString(f.Path + " " + f.SHA256 + "\n")
	}
	return b.String()
}

func TestBuildOutputsEveryPage(t *testing.T) {
	for _, theme := range themes.Names() {
		t.Run(theme, func(t *testing.T) {
			out := buildFixture(t, theme)
			for _, p := range []string{
				"index.html", "blocks/index.html", "blog/index.html", "blog/page/2/index.html",
				"blog/first/index.html", "shop/index.html", "shop/widget/index.html", "services/care/index.html",
				"topics/news/index.html", "privacy/index.html", "404.html", "sitemap.xml", "robots.txt", "blog/index.xml",
			} {
				if out.File(p) == nil {
					t.Errorf("missing %s", p)
				}
			}
			if out.File("blog/hidden/index.html") != nil {
				t.Error("draft page was published")
			}
			if out.Pages < 11 {
				t.Errorf("Pages = %d, want at least 11", out.Pages)
			}
			for _, w := range out.Warnings {
				t.Errorf("unexpected warning: %s", w)
			}
			var sum int64
			for _, f := range out.Files {
				if f.Size != int64(len(f.Data)) || len(f.SHA256) != 64 {
					t.Errorf("%s: size %d for %d bytes, sha256 %q", f.Path, f.Size, len(f.Data), f.SHA256)
				}
				sum += f.Size
			}
			if sum != out.Bytes {
				t.Errorf("Bytes = %d, files add up to %d", out.Bytes, sum)
			}
		})
	}
}

func TestDeterministic(t *testing.T) {
	if testing.Short() {
		t.Skip("Hugo builds are skipped with -short")
	}
	b := builder.New(builder.Config{})
	in := builder.Input{Blueprint: loadFixture(t), Assets: os.DirFS(fixtureDir)}
	first, err := b.Build(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	in.Blueprint = loadFixture(t) // a fresh copy: nothing may depend on the previous build
	second, err := b.Build(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	if a, b := hashList(first), hashList(second); a != b {
		t.Errorf("two builds of the same blueprint differ:\n%s\nvs\n%s", a, b)
	}
}

// TestParallelBuilds runs builds of different sites at once on one Builder
// (run it with -race) and checks each equals the same build done alone.
func TestParallelBuilds(t *testing.T) {
	if testing.Short() {
		t.Skip("Hugo builds are skipped with -short")
	}
	b := builder.New(builder.Config{MaxConcurrent: 3})
	want := map[string]string{}
	for _, theme := range themes.Names() {
		want[theme] = hashList(buildFixture(t, theme))
	}
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for i := range 6 {
		theme := themes.Names()[i%len(themes.Names())]
		wg.Go(func() {
			out, err := b.Build(context.Background(), builder.Input{Blueprint: loadFixture(t), Assets: os.DirFS(fixtureDir), Theme: theme})
			if err != nil {
				errs <- err
				return
			}
			if got := hashList(out); got != want[theme] {
				t.Errorf("parallel build %d (%s) differs from the sequential one", i, theme)
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func TestBuildCancelledWhileWaiting(t *testing.T) {
	b := builder.New(builder.Config{MaxConcurrent: 1})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	// With the context already cancelled, Build may not start.
	_, err := b.Build(ctx, builder.Input{Blueprint: loadFixture(t), Assets: os.DirFS(fixtureDir)})
	if err == nil {
		t.Fatal("Build with a cancelled context succeeded")
	}
}

func TestAnchorWarnings(t *testing.T) {
	bp := loadFixture(t)
	bp.Navigation.Footer[0].Href = "page:blocks#nowhere"
	bp.Page("first").Blocks[0].Props["markdown"] = "See [the intro](page:blocks#a-heading) and [that](page:widget#gone)."
	src, err := builder.GenerateSource(bp, os.DirFS(fixtureDir), "")
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Join(src.Warnings, "\n")
	for _, want := range []string{`navigation links to page:blocks#nowhere, but page "blocks" has no block or heading with id "nowhere"`, `page first links to page:widget#gone`} {
		if !strings.Contains(got, want) {
			t.Errorf("warnings lack %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "#a-heading") {
		t.Errorf("a link to the Markdown heading \"## A heading\" was reported:\n%s", got)
	}
}

func TestHugoSourceIsComplete(t *testing.T) {
	src, err := builder.GenerateSource(loadFixture(t), os.DirFS(fixtureDir), "")
	if err != nil {
		t.Fatal(err)
	}
	var cfg map[string]any
	if err := json.Unmarshal(src.Files["hugo.json"], &cfg); err != nil {
		t.Fatal(err)
	}
	sec, _ := json.Marshal(cfg["security"])
	for _, want := range []string{`"exec":{"allow":["none"]`, `"getenv":["none"]`, `"urls":["none"]`} {
		if !bytes.Contains(sec, []byte(want)) {
			t.Errorf("security config %s lacks %s", sec, want)
		}
	}
	if _, ok := src.Files["content/hidden.md"]; ok {
		t.Error("draft page has a content file")
	}
	if len(src.Static) != 3 {
		t.Errorf("%d static files, want the fixture's 3 assets", len(src.Static))
	}
	for name := range src.Static {
		if !hashedName.MatchString(name) || !strings.HasPrefix(name, "media/") {
			t.Errorf("media file %s is not media/<id>.<sha256>.<ext>", name)
		}
	}
}
