// Command benchedge compares the IGNY8 edge with nginx serving the same built
// site, each pinned to one core, with wrk on the other core, alternating
// rounds in the same run, and writes the edge section of docs/benchmarks.md.
// Run it with make bench-edge.
package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"regexp"
	"runtime"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/igny8/igny8/deployer"
	"github.com/igny8/igny8/edge"
	"github.com/igny8/igny8/internal/benchdoc"
	"github.com/igny8/igny8/storage"
	fsstore "github.com/igny8/igny8/storage/fs"
)

const (
	host   = "bench.localhost"
	siteID = "bench-edge"
)

func main() {
	igny8 := flag.String("igny8", "bin/igny8", "igny8 binary, to build the site")
	blueprint := flag.String("blueprint", "blueprints/examples/blog/blueprint.json", "blueprint of the site served")
	rounds := flag.Int("rounds", 3, "wrk runs against each server, alternating")
	duration := flag.Duration("duration", 10*time.Second, "length of each wrk run")
	conns := flag.Int("conns", 32, "wrk connections")
	nginxBin := flag.String("nginx", "nginx", "nginx binary")
	wrkBin := flag.String("wrk", "wrk", "wrk binary")
	minRatio := flag.Float64("min-ratio", 0.6, "target: edge req/s ≥ this × nginx's (reported as meets or MISSES)")
	doc := flag.String("doc", "docs/benchmarks.md", "file to write the section into")
	serveEdge := flag.String("serve-edge", "", "internal: serve the edge on -addr from the fs store in this folder")
	addr := flag.String("addr", "", "internal: address for -serve-edge")
	maxLife := flag.Duration("max-life", 20*time.Minute, "internal: -serve-edge exits after this long")
	cpuProfile := flag.String("edge-cpuprofile", "", "write the edge process's CPU profile to this file")
	wrapped := flag.Bool("wrapped", false, "internal: -serve-edge with the Server behind a pass-through middleware")
	flag.Parse()
	log.SetFlags(0)
	if *serveEdge != "" {
		runEdge(*serveEdge, *addr, *maxLife, *cpuProfile, *wrapped)
		return
	}
	for _, c := range []string{"taskset", *nginxBin, *wrkBin} {
		if _, err := exec.LookPath(c); err != nil {
			fatalf("%s not found (apt-get install -y nginx wrk util-linux; scripts/bench-edge.sh does)", c)
		}
	}
	if runtime.NumCPU() < 2 {
		fatal("needs 2 CPUs: one for the server, one for wrk")
	}
	// Other programs on the machine take their share of the servers' core:
	// the doc says how busy it was.
	loadAtStart := "unknown"
	if b, err := os.ReadFile("/proc/loadavg"); err == nil {
		loadAtStart = strings.Fields(string(b))[0]
	}

	dir, err := os.MkdirTemp("", "igny8-bench-edge-")
	check(err)
	defer os.RemoveAll(dir)
	cleanups = append(cleanups, func() { os.RemoveAll(dir) })
	check(os.Chmod(dir, 0o755)) // nginx's worker runs as nobody
	site := filepath.Join(dir, "site")
	out, err := exec.Command(*igny8, "build", *blueprint, "-o", site).CombinedOutput()
	if err != nil {
		fatalf("%s build: %v\n%s", *igny8, err, out)
	}

	// Deploy the folder to a local fs store, route the host, promote.
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	storeDir := filepath.Join(dir, "objects")
	store, err := fsstore.Open(storeDir)
	check(err)
	files, pages, assets := readSite(site)
	dep := deployer.New(store, deployer.Config{})
	opts := deployer.DeployOptions{}
	if _, err := os.Stat(filepath.Join(site, "404.html")); err == nil {
		opts.NotFound = "404.html"
	}
	m, st, err := dep.Deploy(ctx, siteID, files, opts)
	check(err)
	_, err = dep.Promote(ctx, siteID, m.DeployID, "")
	check(err)
	if err := store.CreateBucket(ctx, deployer.RoutesBucket); err != nil && !errors.Is(err, storage.ErrBucketExists) {
		check(err)
	}
	_, err = store.Put(ctx, deployer.RoutesBucket, deployer.HostKey(host), strings.NewReader(siteID), int64(len(siteID)), storage.PutOptions{})
	check(err)

	// nginx serves the same folder from disk, with .gz siblings for
	// gzip_static (the deployer's gzip variants are made at the same level).
	check(writeGzipSiblings(site))
	paths := append(slices.Clone(pages), assets...)
	log.Printf("site: %d files (%d pages, %d assets; %d blobs deployed); %d URLs rotated by wrk", len(files), len(pages), len(assets), st.BlobsUploaded, len(paths))

	// Two edge processes: as cmd/igny8 runs it, and with the Server behind
	// a pass-through middleware, which turns off the raw path (raw.go) so
	// every request takes the ordinary one, as conditional, range and
	// HEAD requests do.
	self, err := os.Executable()
	check(err)
	maxLifeChild := (time.Duration(*rounds)*3*(*duration) + 5*time.Minute).String()
	startEdge := func(wrapped bool, profile string) (string, int) {
		port := freePort()
		cmd := exec.Command("taskset", "-c", "0", self, "-serve-edge", storeDir, "-addr", port, "-max-life", maxLifeChild,
			"-edge-cpuprofile", profile, "-wrapped="+strconv.FormatBool(wrapped))
		cmd.Env = append(os.Environ(), "GOMAXPROCS=1")
		cmd.Stderr = os.Stderr
		check(cmd.Start())
		cleanups = append(cleanups, func() { stop(cmd) })
		return "http://" + port, cmd.Process.Pid // taskset execs the server
	}
	edgeURL, edgePID := startEdge(false, *cpuProfile)
	wrappedURL, wrappedPID := startEdge(true, "")

	nginxPort := freePort()
	conf := filepath.Join(dir, "nginx.conf")
	check(os.WriteFile(conf, []byte(nginxConf(dir, site, nginxPort)), 0o644))
	nginxCmd := exec.Command("taskset", "-c", "0", *nginxBin, "-p", dir, "-c", conf, "-e", filepath.Join(dir, "nginx-error.log"))
	nginxCmd.Stderr = os.Stderr
	check(nginxCmd.Start())
	cleanups = append(cleanups, func() { stop(nginxCmd) })
	defer func() {
		for i := len(cleanups) - 1; i >= 0; i-- {
			cleanups[i]()
		}
	}()

	nginxURL := "http://" + nginxPort
	servers := []struct {
		name, url string
		pid       int // its CPU time is that of this process and its children
	}{{"edge", edgeURL, edgePID}, {"nginx", nginxURL, nginxCmd.Process.Pid}, {"edge-wrapped", wrappedURL, wrappedPID}}
	for _, sv := range servers {
		waitUp(sv.url)
	}
	// Every URL must answer 200 with the same bytes from all of them.
	for _, p := range paths {
		want := fetch(nginxURL + p)
		for _, sv := range servers {
			if got := fetch(sv.url + p); !bytes.Equal(got, want) {
				fatalf("%s: %s and nginx answer different bytes (%d vs %d)", p, sv.name, len(got), len(want))
			}
		}
	}

	lua := filepath.Join(dir, "paths.lua")
	check(os.WriteFile(lua, []byte(luaScript(paths)), 0o644))
	wrk := func(url string, pid int, d time.Duration) wrkResult {
		args := []string{"-c", "1", *wrkBin, "-t1", "-c" + strconv.Itoa(*conns), "-d" + d.String(), "--latency", "-s", lua, url}
		cctx, ccancel := context.WithTimeout(context.Background(), d+30*time.Second)
		defer ccancel()
		cpu0 := cpuTime(pid)
		out, err := exec.CommandContext(cctx, "taskset", args...).CombinedOutput()
		if err != nil {
			fatalf("taskset %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		r := parseWrk(string(out))
		if r.requests > 0 {
			r.cpuPerReq = (cpuTime(pid) - cpu0) / time.Duration(r.requests)
		}
		return r
	}
	log.Printf("warming up each (2s)")
	for _, sv := range servers {
		wrk(sv.url, sv.pid, 2*time.Second)
	}
	runs := map[string][]wrkResult{}
	for i := range *rounds {
		// Rotate which goes first.
		var line []string
		for k := range servers {
			sv := servers[(i+k)%len(servers)]
			r := wrk(sv.url, sv.pid, *duration)
			runs[sv.name] = append(runs[sv.name], r)
			line = append(line, fmt.Sprintf("%s %.0f req/s p99 %v, %v CPU/request", sv.name, r.rps, r.p99, r.cpuPerReq))
		}
		log.Printf("round %d/%d: %s", i+1, *rounds, strings.Join(line, ", "))
	}
	var bad []string
	for _, sv := range servers {
		for _, r := range runs[sv.name] {
			if r.non2xx != 0 || r.socketErrors != "" {
				bad = append(bad, fmt.Sprintf("%s: %d non-2xx/3xx responses, socket errors %q", sv.name, r.non2xx, r.socketErrors))
			}
		}
	}
	if len(bad) > 0 {
		fatalf("FAIL: errors during the runs:\n%s", strings.Join(bad, "\n"))
	}

	e, n, w := medianRun(runs["edge"]), medianRun(runs["nginx"]), medianRun(runs["edge-wrapped"])
	ratio := e.rps / n.rps
	verdict := "meets"
	if ratio < *minRatio {
		verdict = "MISSES"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "## Edge: the IGNY8 edge vs nginx, one core each\n\n")
	fmt.Fprintf(&b, "Command: `make bench-edge` (%s, %d rounds of %v each, rotating the order, medians; %s, %d CPUs, load average %s at the start; %s, %s).\n\n",
		time.Now().UTC().Format("2006-01-02"), *rounds, *duration, runtime.GOOS+"/"+runtime.GOARCH, runtime.NumCPU(), loadAtStart, nginxVersion(*nginxBin), wrkVersion(*wrkBin))
	fmt.Fprintf(&b, "The blog example (`%s`) built with `igny8 build`: %d files, %d pages and %d assets. "+
		"The edge (`edge.New` in `edge.NewHTTPServer`, served on an `edge.NewListener` as `igny8 edge` does; defaults: 256 MiB blob cache, no access log) serves it from a local fs store after `deployer.Deploy`, a route for the host and `Promote`; it runs as its own process under `taskset -c 0` with `GOMAXPROCS=1` and the default GC settings. "+
		"nginx serves the built folder from disk under `taskset -c 0`: one worker, `sendfile`, `tcp_nopush`, `open_file_cache`, `gzip_static on` with `.gz` files written next to each compressible file at the best level (as the deployer's gzip variants), `etag on`, the edge's security and cache headers added, `keepalive_requests 1000000`, `access_log off` (the edge logs nothing either). "+
		"wrk runs on the other core, `taskset -c 1 wrk -t1 -c%d -d%v --latency`, with a Lua script rotating over %d URLs (every page, as `/dir/`, and every other file except the 404 page and the XML feeds: CSS, SVG, fonts, robots.txt) sending `Host: %s` and `Accept-Encoding: gzip`; all servers were checked to answer 200 with the same bytes for every URL first. "+
		"All on loopback.\n\n"+
		"Every request here is a plain GET of a cached file, which the edge answers on its raw path (`edge/raw.go`: a header block built once per file, one write). "+
		"CPU per request is the server's CPU time (user and system, from /proc, the process and its children) during the run over the requests wrk completed: unlike req/s it does not depend on how much of core 0 the other programs on the machine left, so its ratio is the steadier one on a busy machine. "+
		"The row \"edge, ordinary path\" is the same edge with its Server behind a pass-through middleware, which turns the raw path off: it shows what the requests the raw path leaves alone cost (HEAD, conditional requests, previews, 404s, paths with _headers rules; Range requests also go through http.ServeContent).\n\n",
		*blueprint, len(files), len(pages), len(assets), *conns, *duration, len(paths), host)
	fmt.Fprintf(&b, "| server | req/s (median) | min | max | p99 latency (median) | p50 latency (median) | CPU per request (median) | transfer/s (median run) | errors |\n|---|---|---|---|---|---|---|---|---|\n")
	row := func(name string, runs []wrkResult, med wrkResult) {
		lo, hi := runs[0].rps, runs[0].rps
		for _, r := range runs {
			lo, hi = min(lo, r.rps), max(hi, r.rps)
		}
		fmt.Fprintf(&b, "| %s | %.0f | %.0f | %.0f | %v | %v | %v | %s | 0 |\n", name, med.rps, lo, hi, med.p99, med.p50, med.cpuPerReq, med.transfer)
	}
	row("IGNY8 edge", runs["edge"], e)
	row("nginx", runs["nginx"], n)
	row("IGNY8 edge, ordinary path", runs["edge-wrapped"], w)
	fmt.Fprintf(&b, "\n**Ratio edge / nginx: %.2f× the requests per second** (target ≥ %.1f×: %s); p99 latency %v against %v. "+
		"On the ordinary path: %.2f×, p99 %v. Requests per CPU second, edge / nginx: %.2f× (ordinary path %.2f×).\n",
		ratio, *minRatio, verdict, e.p99, n.p99, w.rps/n.rps, w.p99, cpuRatio(n, e), cpuRatio(n, w))
	fmt.Print(b.String())
	check(benchdoc.WriteSection(*doc, "edge", b.String()))
	log.Printf("wrote %s", *doc)
	if verdict == "MISSES" {
		// A missed target is a result, written like any other; errors
		// (above) are what fail the run.
		log.Printf("MISSES the target: edge at %.2f× nginx, target %.1f×", ratio, *minRatio)
	}
}

// runEdge is the child process: the edge on addr, until SIGTERM or maxLife.
func runEdge(storeDir, addr string, maxLife time.Duration, cpuProfile string, wrapped bool) {
	store, err := fsstore.Open(storeDir)
	check(err)
	if cpuProfile != "" {
		f, err := os.Create(cpuProfile)
		check(err)
		check(pprof.StartCPUProfile(f))
		defer func() { pprof.StopCPUProfile(); f.Close() }()
	}
	logger := slog.New(slog.DiscardHandler)
	var h http.Handler = edge.New(edge.Config{Store: store})
	if wrapped {
		srv := h
		h = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { srv.ServeHTTP(w, r) })
	}
	hs := edge.NewHTTPServer(addr, h, logger)
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()
	go func() {
		select {
		case <-ctx.Done():
		case <-time.After(maxLife):
			log.Printf("serve-edge: max life %v reached", maxLife)
		}
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		hs.Shutdown(sctx)
	}()
	ln, err := net.Listen("tcp", addr)
	check(err)
	if err := hs.Serve(edge.NewListener(ln)); err != nil && !errors.Is(err, http.ErrServerClosed) {
		log.Fatal(err)
	}
	sctx, cancel := context.WithTimeout(context.Background(), 6*time.Second)
	defer cancel()
	hs.Shutdown(sctx) // wait for the shutdown goroutine's connections to drain
}

func nginxConf(dir, root, addr string) string {
	return fmt.Sprintf(`worker_processes 1;
daemon off;
pid %[1]s/nginx.pid;
error_log %[1]s/nginx-error.log warn;
events { worker_connections 1024; }
http {
    types {
        text/html html;
        text/css css;
        text/javascript js;
        image/svg+xml svg;
        application/xml xml;
        image/png png;
        image/jpeg jpg jpeg;
        image/webp webp;
        font/woff2 woff2;
        application/json json;
        text/plain txt;
    }
    default_type application/octet-stream;
    access_log off;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 1000000;
    keepalive_timeout 120s;
    open_file_cache max=10000 inactive=60s;
    open_file_cache_valid 60s;
    client_body_temp_path %[1]s/tmp-body;
    proxy_temp_path %[1]s/tmp-proxy;
    fastcgi_temp_path %[1]s/tmp-fastcgi;
    uwsgi_temp_path %[1]s/tmp-uwsgi;
    scgi_temp_path %[1]s/tmp-scgi;
    gzip off;
    gzip_static on;
    gzip_vary on;
    etag on;
    server_tokens off;
    server {
        listen %[3]s;
        server_name _;
        root %[2]s;
        index index.html;
        add_header X-Content-Type-Options nosniff always;
        add_header Referrer-Policy strict-origin-when-cross-origin always;
        add_header X-Frame-Options SAMEORIGIN always;
        add_header Permissions-Policy "camera=(), microphone=(), geolocation=(), payment=(), usb=()" always;
        add_header Cache-Control "public, max-age=0, must-revalidate" always;
        error_page 404 /404.html;
    }
}
`, dir, root, addr)
}

// readSite reads the built folder: every file as a deployer.File, the pages
// as URLs ("/a/b/" for a/b/index.html) and the other served files.
func readSite(root string) (files []deployer.File, pages, assets []string) {
	check(filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || d.Name() == ".igny8-build.json" {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		rel = filepath.ToSlash(rel)
		files = append(files, deployer.File{Path: rel, Data: data})
		switch {
		case rel == "index.html":
			pages = append(pages, "/")
		case strings.HasSuffix(rel, "/index.html"):
			pages = append(pages, "/"+strings.TrimSuffix(rel, "index.html"))
		case rel == "404.html" || strings.HasSuffix(rel, ".xml"):
		default:
			assets = append(assets, "/"+rel)
		}
		return nil
	}))
	return files, pages, assets
}

func compressible(p string) bool {
	switch filepath.Ext(p) {
	case ".html", ".css", ".js", ".svg", ".xml", ".json", ".txt":
		return true
	}
	return false
}

func writeGzipSiblings(root string) error {
	return filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !compressible(p) {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		var buf bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
		zw.Write(data)
		zw.Close()
		return os.WriteFile(p+".gz", buf.Bytes(), 0o644)
	})
}

func luaScript(paths []string) string {
	var b strings.Builder
	b.WriteString("local paths = {\n")
	for _, p := range paths {
		fmt.Fprintf(&b, "  %q,\n", p)
	}
	fmt.Fprintf(&b, `}
local i = 0
wrk.headers["Host"] = %q
wrk.headers["Accept-Encoding"] = "gzip"
request = function()
  i = i %% #paths + 1
  return wrk.format("GET", paths[i])
end
`, host)
	return b.String()
}

type wrkResult struct {
	rps          float64
	requests     int64
	p50, p99     time.Duration
	non2xx       int
	socketErrors string
	transfer     string        // wrk's Transfer/sec, as printed
	cpuPerReq    time.Duration // the server's CPU time per request
}

// cpuRatio is how many more requests b serves than a per CPU second.
func cpuRatio(a, b wrkResult) float64 {
	if b.cpuPerReq == 0 {
		return 0
	}
	return float64(a.cpuPerReq) / float64(b.cpuPerReq)
}

// clockTicks is the unit of /proc/<pid>/stat's times (sysconf(_SC_CLK_TCK),
// 100 on Linux).
const clockTicks = 100

// cpuTime returns the user and system CPU time of pid and its children.
func cpuTime(pid int) time.Duration {
	ticks := func(p string) (int64, int) {
		b, err := os.ReadFile("/proc/" + p + "/stat")
		if err != nil {
			return 0, 0
		}
		// The fields after the command name, which is in parentheses.
		f := strings.Fields(string(b[bytes.LastIndexByte(b, ')')+2:]))
		if len(f) < 13 {
			return 0, 0
		}
		ppid, _ := strconv.Atoi(f[1])
		u, _ := strconv.ParseInt(f[11], 10, 64)
		s, _ := strconv.ParseInt(f[12], 10, 64)
		return u + s, ppid
	}
	total, _ := ticks(strconv.Itoa(pid))
	if entries, err := os.ReadDir("/proc"); err == nil {
		for _, e := range entries {
			if t, ppid := ticks(e.Name()); ppid == pid {
				total += t
			}
		}
	}
	return time.Duration(total) * time.Second / clockTicks
}

var (
	reRPS      = regexp.MustCompile(`Requests/sec:\s+([\d.]+)`)
	reRequests = regexp.MustCompile(`(\d+) requests in `)
	reP50      = regexp.MustCompile(`(?m)^\s+50%\s+([\d.]+)(us|ms|s)`)
	reP99      = regexp.MustCompile(`(?m)^\s+99%\s+([\d.]+)(us|ms|s)`)
	reNon2xx   = regexp.MustCompile(`Non-2xx or 3xx responses:\s+(\d+)`)
	reSocket   = regexp.MustCompile(`Socket errors:[^\n]*`)
	reXfer     = regexp.MustCompile(`Transfer/sec:\s+(\S+)`)
)

func parseWrk(out string) wrkResult {
	var r wrkResult
	m := reRPS.FindStringSubmatch(out)
	if m == nil {
		fatalf("no Requests/sec in wrk's output:\n%s", out)
	}
	r.rps, _ = strconv.ParseFloat(m[1], 64)
	if m := reRequests.FindStringSubmatch(out); m != nil {
		r.requests, _ = strconv.ParseInt(m[1], 10, 64)
	}
	dur := func(re *regexp.Regexp) time.Duration {
		m := re.FindStringSubmatch(out)
		if m == nil {
			fatalf("no latency percentile in wrk's output:\n%s", out)
		}
		v, _ := strconv.ParseFloat(m[1], 64)
		unit := map[string]time.Duration{"us": time.Microsecond, "ms": time.Millisecond, "s": time.Second}[m[2]]
		return time.Duration(v * float64(unit)).Round(time.Microsecond)
	}
	r.p50, r.p99 = dur(reP50), dur(reP99)
	if m := reNon2xx.FindStringSubmatch(out); m != nil {
		r.non2xx, _ = strconv.Atoi(m[1])
	}
	r.socketErrors = reSocket.FindString(out)
	if m := reXfer.FindStringSubmatch(out); m != nil {
		r.transfer = m[1]
	}
	return r
}

// medianRun returns the median req/s, latencies and CPU per request, each
// taken on its own.
func medianRun(runs []wrkResult) wrkResult {
	rps := make([]float64, len(runs))
	p50 := make([]time.Duration, len(runs))
	p99 := make([]time.Duration, len(runs))
	cpu := make([]time.Duration, len(runs))
	for i, r := range runs {
		rps[i], p50[i], p99[i], cpu[i] = r.rps, r.p50, r.p99, r.cpuPerReq
	}
	slices.Sort(rps)
	slices.Sort(p50)
	slices.Sort(p99)
	slices.Sort(cpu)
	med := wrkResult{rps: rps[len(rps)/2], p50: p50[len(p50)/2], p99: p99[len(p99)/2], cpuPerReq: cpu[len(cpu)/2]}
	for _, r := range runs {
		if r.rps == med.rps {
			med.transfer = r.transfer // of the median run
		}
	}
	return med
}

// fetch GETs url as wrk will (Host and Accept-Encoding: gzip) and returns the
// decoded body; anything but 200 is fatal.
func fetch(url string) []byte {
	req, err := http.NewRequest("GET", url, nil)
	check(err)
	req.Host = host
	req.Header.Set("Accept-Encoding", "gzip")
	c := &http.Client{Timeout: 5 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := c.Do(req)
	check(err)
	defer res.Body.Close()
	if res.StatusCode != 200 {
		fatalf("GET %s (Host %s): %s", url, host, res.Status)
	}
	var r io.Reader = res.Body
	if res.Header.Get("Content-Encoding") == "gzip" {
		zr, err := gzip.NewReader(res.Body)
		check(err)
		r = zr
	}
	data, err := io.ReadAll(r)
	check(err)
	return data
}

func waitUp(base string) {
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		req, _ := http.NewRequest("GET", base+"/", nil)
		req.Host = host
		res, err := (&http.Client{Timeout: time.Second}).Do(req)
		if err == nil {
			res.Body.Close()
			if res.StatusCode == 200 {
				return
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	fatalf("%s did not answer 200 within 15s", base)
}

func freePort() string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	check(err)
	defer ln.Close()
	return ln.Addr().String()
}

// stop ends a server this program started, by its pid: SIGTERM (taskset
// execs the server, so the pid is the server's), then SIGKILL after 5s.
func stop(cmd *exec.Cmd) {
	if cmd.Process == nil || cmd.ProcessState != nil {
		return
	}
	cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan struct{})
	go func() { cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		cmd.Process.Kill()
		<-done
	}
}

func nginxVersion(bin string) string {
	out, _ := exec.Command(bin, "-v").CombinedOutput()
	return strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(string(out)), "nginx version: "))
}

func wrkVersion(bin string) string {
	out, _ := exec.Command(bin, "-v").CombinedOutput()
	f := strings.Fields(string(out))
	if len(f) > 1 {
		return f[0] + " " + f[1]
	}
	return "wrk"
}

func check(err error) {
	if err != nil {
		fatal(err)
	}
}

// cleanups stop the servers and remove the temporary folder when the parent
// fails, in reverse order.
var cleanups []func()

func fatalf(format string, args ...any) {
	log.Printf(format, args...)
	for i := len(cleanups) - 1; i >= 0; i-- {
		cleanups[i]()
	}
	os.Exit(1)
}

func fatal(args ...any) { fatalf("%s", fmt.Sprint(args...)) }
