package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"html"
	"io/fs"
	"mime"
	"net"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/fsnotify/fsnotify"

	"github.com/igny8/igny8/blueprints"
	"github.com/igny8/igny8/builder"
)

func runPreview(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "preview", "FILE", "Builds the blueprint and serves it locally. When the blueprint or a file in its\nfolder changes, it rebuilds and reloads open browser tabs.")
	addr := fs.String("addr", "127.0.0.1:1313", "address to listen on")
	theme := fs.String("theme", "", "preview with this theme instead of the blueprint's")
	reload := fs.Bool("reload", true, "add the live-reload script to pages (false: serve them exactly as built)")
	files, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(files) != 1 {
		return usagef("want exactly one blueprint; usage: igny8 preview FILE")
	}
	p := &previewer{file: files[0], theme: *theme, reload: *reload, e: e, b: builder.New(builder.Config{MaxConcurrent: 1}), changed: make(chan struct{})}
	p.rebuild(ctx)

	w, err := fsnotify.NewWatcher()
	if err != nil {
		return err
	}
	defer w.Close()
	if err := watchTree(w, filepath.Dir(p.file)); err != nil {
		return err
	}

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return usageError{err}
	}
	srv := &http.Server{Handler: p, ReadHeaderTimeout: 5 * time.Second}
	fmt.Fprintf(e.stdout, "Previewing %s at http://%s/ (Ctrl-C to stop)\n", p.file, ln.Addr())
	go p.watch(ctx, w)
	go func() {
		<-ctx.Done()
		shut, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		_ = srv.Shutdown(shut)
	}()
	if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// watchTree watches dir and every folder below it (fsnotify is not recursive).
func watchTree(w *fsnotify.Watcher, dir string) error {
	return filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || !d.IsDir() {
			return err
		}
		if p != dir && strings.HasPrefix(d.Name(), ".") {
			return filepath.SkipDir
		}
		return w.Add(p)
	})
}

// previewer serves the newest successful build, or the problems of the
// newest failed one, and tells browsers to reload after every rebuild.
type previewer struct {
	file   string
	theme  string
	reload bool
	e      *env
	b      *builder.Builder

	mu      sync.Mutex
	out     *builder.Output
	failure string
	gen     int
	changed chan struct{} // closed and replaced on every rebuild
}

// debounce is how long the watcher waits for a burst of writes (an editor
// saving, a folder being copied) to end before rebuilding.
const debounce = 100 * time.Millisecond

func (p *previewer) watch(ctx context.Context, w *fsnotify.Watcher) {
	var timer <-chan time.Time
	for {
		select {
		case <-ctx.Done():
			return
		case ev, ok := <-w.Events:
			if !ok {
				return
			}
			if ev.Has(fsnotify.Create) {
				if fi, err := os.Stat(ev.Name); err == nil && fi.IsDir() {
					_ = watchTree(w, ev.Name)
				}
			}
			if strings.HasPrefix(filepath.Base(ev.Name), ".") || strings.HasSuffix(ev.Name, "~") {
				continue // editor swap and backup files
			}
			timer = time.After(debounce)
		case err, ok := <-w.Errors:
			if !ok {
				return
			}
			fmt.Fprintf(p.e.stderr, "watch: %v\n", err)
		case <-timer:
			timer = nil
			p.rebuild(ctx)
		}
	}
}

func (p *previewer) rebuild(ctx context.Context) {
	start := time.Now()
	out, err := p.build(ctx)
	p.mu.Lock()
	defer p.mu.Unlock()
	if err != nil {
		p.failure = err.Error()
		fmt.Fprintf(p.e.stderr, "%s\n", err)
	} else {
		p.out, p.failure = out, ""
		fmt.Fprintf(p.e.stderr, "built %d pages in %s\n", out.Pages, time.Since(start).Round(time.Millisecond))
		for _, w := range out.Warnings {
			fmt.Fprintf(p.e.stderr, "warning: %s\n", w)
		}
	}
	p.gen++
	close(p.changed)
	p.changed = make(chan struct{})
}

func (p *previewer) build(ctx context.Context) (*builder.Output, error) {
	bp, err := loadBlueprint(p.file)
	if err != nil {
		var ps blueprints.Problems
		if errors.As(err, &ps) {
			lines := make([]string, len(ps))
			for i, pr := range ps {
				lines[i] = p.file + ":" + prefixed(pr)
			}
			return nil, errors.New(strings.Join(lines, "\n"))
		}
		return nil, err
	}
	return p.b.Build(ctx, builder.Input{Blueprint: bp, Assets: os.DirFS(filepath.Dir(p.file)), Theme: p.theme})
}

const eventsPath = "/__igny8/events"

// reloadScript is added to HTML pages in preview only: built sites carry
// no JavaScript.
const reloadScript = `<script>new EventSource("` + eventsPath + `").addEventListener("reload",()=>location.reload())</script>`

func (p *previewer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == eventsPath {
		p.serveEvents(w, r)
		return
	}
	p.mu.Lock()
	out, failure := p.out, p.failure
	p.mu.Unlock()
	w.Header().Set("Cache-Control", "no-store")
	if failure != "" || out == nil {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(http.StatusInternalServerError)
		fmt.Fprintf(w, "<!doctype html><title>Build failed</title><body style=\"font:15px/1.5 ui-monospace,monospace;padding:2rem;background:#fff5f5;color:#7f1d1d\"><h1>Build failed</h1><pre style=\"white-space:pre-wrap\">%s</pre>%s", html.EscapeString(failure), reloadScript)
		return
	}
	status := http.StatusOK
	f := resolve(out, r.URL.Path)
	if f == nil && !strings.HasSuffix(r.URL.Path, "/") && path.Ext(r.URL.Path) == "" && resolve(out, r.URL.Path+"/") != nil {
		http.Redirect(w, r, r.URL.Path+"/", http.StatusMovedPermanently)
		return
	}
	if f == nil {
		status = http.StatusNotFound
		if f = out.File("404.html"); f == nil {
			http.NotFound(w, r)
			return
		}
	}
	ctype := mime.TypeByExtension(path.Ext(f.Path))
	if ctype == "" {
		ctype = http.DetectContentType(f.Data)
	}
	w.Header().Set("Content-Type", ctype)
	body := f.Data
	if p.reload && strings.HasPrefix(ctype, "text/html") {
		body = injectReload(body)
	}
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		_, _ = w.Write(body)
	}
}

// resolve maps a URL path to an output file: "/a/" → a/index.html.
func resolve(out *builder.Output, urlPath string) *builder.File {
	p := strings.TrimPrefix(path.Clean("/"+urlPath), "/")
	if strings.HasSuffix(urlPath, "/") || p == "" {
		p = path.Join(p, "index.html")
	}
	return out.File(p)
}

func injectReload(page []byte) []byte {
	i := bytes.LastIndex(page, []byte("</body>"))
	if i < 0 {
		return append(page[:len(page):len(page)], reloadScript...)
	}
	out := make([]byte, 0, len(page)+len(reloadScript))
	out = append(out, page[:i]...)
	out = append(out, reloadScript...)
	return append(out, page[i:]...)
}

// serveEvents streams a "reload" event after every rebuild.
func (p *previewer) serveEvents(w http.ResponseWriter, r *http.Request) {
	flusher, ok := w.(http.Flusher)
	if !ok {
		http.Error(w, "streaming unsupported", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-store")
	fmt.Fprint(w, ": connected\n\n")
	flusher.Flush()
	for {
		p.mu.Lock()
		changed := p.changed
		p.mu.Unlock()
		select {
		case <-r.Context().Done():
			return
		case <-changed:
			fmt.Fprint(w, "event: reload\ndata: {}\n\n")
			flusher.Flush()
		}
	}
}
