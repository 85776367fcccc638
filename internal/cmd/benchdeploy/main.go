// Command benchdeploy measures the deployer against MinIO on a generated
// 10,000-file site, next to a naive uploader that PUTs every file on every
// deploy, alternating runs in the same process, and writes the deploy
// section of docs/benchmarks.md. Run it with make bench-deploy.
package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"runtime"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/andybalholm/brotli"

	"github.com/igny8/igny8/deployer"
	"github.com/igny8/igny8/internal/benchdoc"
	"github.com/igny8/igny8/storage"
	"github.com/igny8/igny8/storage/s3"
)

func main() {
	nFiles := flag.Int("files", 10000, "files in the generated site")
	runs := flag.Int("runs", 6, "timed runs of each deploy scenario, alternating with the naive uploader (a multiple of 3 puts each first deploy first equally often)")
	history := flag.Int("history", 1000, "deploys in the rollback site's history")
	swaps := flag.Int("swaps", 200, "timed rollbacks and promotes")
	concurrency := flag.Int("concurrency", deployer.DefaultConcurrency, "uploads at once, for the deployer and the naive uploader alike")
	doc := flag.String("doc", "docs/benchmarks.md", "file to write the section into")
	deadline := flag.Duration("timeout", 40*time.Minute, "give up after this long")
	cpuProfile := flag.String("cpuprofile", "", "write a CPU profile of the run to this file")
	flag.Parse()
	log.SetFlags(0)
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		check(err)
		check(pprof.StartCPUProfile(f))
		defer pprof.StopCPUProfile()
	}

	cfg := s3.Config{
		Endpoint:  os.Getenv("IGNY8_TEST_S3_ENDPOINT"),
		AccessKey: os.Getenv("IGNY8_TEST_S3_ACCESS_KEY"),
		SecretKey: os.Getenv("IGNY8_TEST_S3_SECRET_KEY"),
		Region:    os.Getenv("IGNY8_TEST_S3_REGION"),
	}
	if cfg.Endpoint == "" {
		log.Fatal(`IGNY8_TEST_S3_ENDPOINT is not set; run eval "$(scripts/minio.sh)" first (scripts/bench-deploy.sh does)`)
	}
	store, err := s3.New(cfg)
	check(err)
	ctx, cancel := context.WithTimeout(context.Background(), *deadline)
	defer cancel()

	dep := deployer.New(store, deployer.Config{Concurrency: *concurrency})
	brOnly := deployer.New(store, deployer.Config{Concurrency: *concurrency, Encoders: []deployer.Encoder{deployer.BrotliEncoder()}})
	naive := &naiveUploader{store: store, concurrency: *concurrency}
	stamp := time.Now().UTC().Format("20060102-150405")
	var buckets []string // to empty and delete at the end
	defer func() {
		log.Printf("cleaning up %d buckets", len(buckets))
		cctx, ccancel := context.WithTimeout(context.Background(), 10*time.Minute)
		defer ccancel()
		for _, b := range buckets {
			if err := storage.EmptyBucket(cctx, store, b); err != nil {
				log.Printf("empty %s: %v", b, err)
				continue
			}
			if err := store.DeleteBucket(cctx, b); err != nil {
				log.Printf("delete %s: %v", b, err)
			}
		}
	}()
	siteID := func(what string, i int) string {
		id := fmt.Sprintf("bench-%s-%s-%d", what, stamp, i)
		buckets = append(buckets, storage.SiteBucket(id))
		return id
	}
	naiveBucket := func(i int) string {
		b := fmt.Sprintf("bench-naive-%s-%d", stamp, i)
		check(store.CreateBucket(ctx, b))
		buckets = append(buckets, b)
		return b
	}

	site := generateSite(*nFiles, 0)
	changed := changeOnePage(site)
	var total int64
	for _, f := range site {
		total += int64(len(f.Data))
	}
	log.Printf("site: %d files, %.1f MiB; %d runs of each scenario", len(site), float64(total)/(1<<20), *runs)

	type result struct {
		times   []time.Duration
		objects int
		bytes   int64
	}
	var first, firstBr, full, delta, nFirst, nRedeploy result
	add := func(r *result, d time.Duration, objects int, b int64) {
		r.times = append(r.times, d)
		r.objects, r.bytes = objects, b
	}
	for i := range *runs {
		// First deploys into empty buckets: the deployer, the deployer with
		// brotli variants only, and the naive uploader, in an order that
		// rotates from run to run so no one always goes first.
		id := siteID("deploy", i)
		nb := naiveBucket(i)
		var m *deployer.Manifest
		firsts := []func(){
			func() {
				start := time.Now()
				var st deployer.DeployStats
				var err error
				m, st, err = dep.Deploy(ctx, id, site, deployer.DeployOptions{})
				check(err)
				add(&first, time.Since(start), st.BlobsUploaded, st.BytesUploaded)
				log.Printf("run %d/%d first deploy: %v, %d blobs uploaded (%d skipped)", i+1, *runs, first.times[i].Round(time.Millisecond), st.BlobsUploaded, st.BlobsSkipped)
			},
			func() {
				start := time.Now()
				_, st, err := brOnly.Deploy(ctx, siteID("deploy-br", i), site, deployer.DeployOptions{})
				check(err)
				add(&firstBr, time.Since(start), st.BlobsUploaded, st.BytesUploaded)
				log.Printf("run %d/%d first deploy, brotli only: %v, %d blobs uploaded", i+1, *runs, firstBr.times[i].Round(time.Millisecond), st.BlobsUploaded)
			},
			func() {
				start := time.Now()
				n, b := naive.deploy(ctx, nb, fmt.Sprintf("d%d-a", i), site)
				add(&nFirst, time.Since(start), n, b)
				log.Printf("run %d/%d naive first: %v, %d objects", i+1, *runs, nFirst.times[i].Round(time.Millisecond), n)
			},
		}
		for k := range firsts {
			firsts[(i+k)%len(firsts)]()
		}

		// Then a redeploy with one page changed, full file list, and the
		// naive uploader's redeploy (every file PUT again).
		start := time.Now()
		_, st, err := dep.Deploy(ctx, id, changed, deployer.DeployOptions{})
		check(err)
		add(&full, time.Since(start), st.BlobsUploaded, st.BytesUploaded)
		log.Printf("run %d/%d redeploy, full list: %v, %d blobs uploaded (%d skipped)", i+1, *runs, full.times[i].Round(time.Millisecond), st.BlobsUploaded, st.BlobsSkipped)

		start = time.Now()
		n, b := naive.deploy(ctx, nb, fmt.Sprintf("d%d-b", i), changed)
		add(&nRedeploy, time.Since(start), n, b)
		log.Printf("run %d/%d naive redeploy: %v, %d objects", i+1, *runs, nRedeploy.times[i].Round(time.Millisecond), n)

		// The delta: based on the first deploy, only the changed page, made
		// with another changed page so its blobs are new too.
		other := changeOnePageN(site, i+1)
		start = time.Now()
		_, st, err = dep.Deploy(ctx, id, []deployer.File{other}, deployer.DeployOptions{Base: m.DeployID})
		check(err)
		add(&delta, time.Since(start), st.BlobsUploaded, st.BytesUploaded)
		log.Printf("run %d/%d delta deploy: %v, %d blobs uploaded (%d skipped)", i+1, *runs, delta.times[i].Round(time.Millisecond), st.BlobsUploaded, st.BlobsSkipped)
	}

	levels := compressionLevels(site)

	// Rollback with a long history: many small deploys of one site, each
	// changing one of its files.
	hist := siteID("history", 0)
	small := generateSite(20, 1)
	ids := make([]string, 0, *history)
	hstart := time.Now()
	for i := range *history {
		small[0] = deployer.File{Path: "index.html", Data: fmt.Appendf(nil, "<!doctype html><title>v%d</title><p>version %d</p>\n", i, i)}
		m, _, err := dep.Deploy(ctx, hist, small, deployer.DeployOptions{})
		check(err)
		ids = append(ids, m.DeployID)
		if (i+1)%250 == 0 {
			log.Printf("history: %d/%d deploys (%v)", i+1, *history, time.Since(hstart).Round(time.Second))
		}
	}
	historyTook := time.Since(hstart)
	listStart := time.Now()
	infos, err := dep.Deploys(ctx, hist)
	check(err)
	listTook := time.Since(listStart)
	if len(infos) != *history {
		log.Fatalf("history: %d deploys listed, want %d", len(infos), *history)
	}
	live, err := dep.Promote(ctx, hist, ids[len(ids)-1], "")
	check(err)
	var rollbacks, promotes, undos []time.Duration
	for i := range *swaps {
		// Rollback to a deploy spread over the whole history, then a
		// promote back to the newest, then an undo (Rollback to "").
		target := ids[(i*7919)%(len(ids)-1)]
		start := time.Now()
		live, err = dep.Rollback(ctx, hist, target)
		check(err)
		rollbacks = append(rollbacks, time.Since(start))
		start = time.Now()
		live, err = dep.Promote(ctx, hist, ids[len(ids)-1], live.DeployID)
		check(err)
		promotes = append(promotes, time.Since(start))
		start = time.Now()
		live, err = dep.Rollback(ctx, hist, "")
		check(err)
		undos = append(undos, time.Since(start))
		if live.DeployID != target {
			log.Fatalf("undo went to %s, want %s", live.DeployID, target)
		}
	}
	log.Printf("rollback %v, promote %v, undo %v (medians of %d)", medianDur(rollbacks), medianDur(promotes), medianDur(undos), *swaps)

	ms := func(d time.Duration) string { return d.Round(time.Millisecond).String() }
	us := func(d time.Duration) string { return d.Round(10 * time.Microsecond).String() }
	var b strings.Builder
	fmt.Fprintf(&b, "## Deploy: deployer vs a naive uploader, on MinIO\n\n")
	fmt.Fprintf(&b, "Command: `make bench-deploy` (%s, %d runs of each deploy scenario, alternating, the first deploys in rotating order, medians; %d timed rollbacks; %s, %d CPUs; MinIO on loopback, same machine).\n\n",
		time.Now().UTC().Format("2006-01-02"), *runs, *swaps, runtime.GOOS+"/"+runtime.GOARCH, runtime.NumCPU())
	fmt.Fprintf(&b, "A generated %d-file site (%.1f MiB: HTML pages of 1–6 KiB, CSS, JS and SVG; deterministic, every file distinct). "+
		"The deployer (`deployer.New(store, deployer.Config{})`, %d requests at once) hashes every file, stores each missing blob create-only under its sha256 with brotli (quality %d) and gzip variants of compressible files, then writes the manifest, all under a deploy lease (three more small requests: take it, check for a GC, release it). "+
		"The peer, in the same process on the same MinIO, is a naive uploader with the same concurrency: it PUTs every file's bytes under `<deploy>/<path>` on every deploy, with no hashing, compression or manifest. "+
		"Each run uses new buckets, so a first deploy starts empty.\n\n", len(site), float64(total)/(1<<20), *concurrency, deployer.BrotliQuality)
	fmt.Fprintf(&b, "| scenario | deployer: objects uploaded | deployer: time (median) | naive: objects PUT | naive: time (median) | objects deployer / naive | time deployer / naive | time per object uploaded, deployer / naive |\n|---|---|---|---|---|---|---|---|\n")
	perObject := func(r, n result) float64 {
		return float64(medianDur(r.times)) / float64(r.objects) / (float64(medianDur(n.times)) / float64(n.objects))
	}
	row := func(name string, r, n result) {
		po := "–"
		if r.objects > n.objects/2 { // only where uploads are the work
			po = fmt.Sprintf("%.2f×", perObject(r, n))
		}
		fmt.Fprintf(&b, "| %s | %d (%s) | %s | %d | %s | **%s×** | **%.2f×** | %s |\n", name, r.objects, size(r.bytes), ms(medianDur(r.times)), n.objects, ms(medianDur(n.times)),
			strconv.FormatFloat(float64(r.objects)/float64(n.objects), 'g', 3, 64), float64(medianDur(r.times))/float64(medianDur(n.times)), po)
	}
	row("(a) first deploy", first, nFirst)
	row("(a′) first deploy, brotli variants only (`Config.Encoders`)", firstBr, nFirst)
	row("(b) redeploy, one page changed, full file list", full, nRedeploy)
	row("(c) the same as a delta deploy (`Base` + the one file)", delta, nRedeploy)
	fmt.Fprintf(&b, "\nObjects uploaded are `DeployStats.BlobsUploaded` (blobs and their variants; the manifest is one more PUT). "+
		"A first deploy lists the empty bucket once and then PUTs each blob create-only, with no request per blob before or after; at most %d requests are in flight, as for the naive uploader, and a few more files are hashed and compressed meanwhile, so compression overlaps the uploads. "+
		"Per object uploaded it took %.2f× the naive uploader's time (%.2f× with brotli variants only): the rest of its ratio is the number of objects, a brotli and a gzip variant next to each compressible file, which the edge serves instead of compressing per request (row a′ shows what the gzip ones cost). "+
		"A redeploy with the full file list hashes every file and learns which blobs are stored from one listing of the bucket (a Stat per blob only when the bucket holds many more blobs than the deploy needs), so it uploads only the changed page's blobs. "+
		"A delta deploy trusts its base manifest and looks at none of its blobs: it reads the base, checks the changed file's blobs and writes the manifest. "+
		"Both are safe against a concurrent `Prune` because deploys and Prune hold leases in the bucket (see the package doc of `deployer`).\n\n", *concurrency, perObject(first, nFirst), perObject(firstBr, nFirst))
	fmt.Fprintf(&b, "**Compression level** (CPU time on one core to make the variants of every %dth file of the site, %s, and their total size):\n\n", compressionSample, size(levels.raw))
	fmt.Fprintf(&b, "| variant | size | CPU time |\n|---|---|---|\n")
	for _, l := range levels.rows {
		mark := ""
		if l.chosen {
			mark = " (chosen)"
		}
		fmt.Fprintf(&b, "| %s%s | %s | %s |\n", l.name, mark, size(l.bytes), ms(l.took))
	}
	fmt.Fprintf(&b, "\nBrotli quality %d is the knee: quality 11, used before, made a first deploy several times slower for variants a few percent smaller; 6 to 9 cost more CPU for no smaller output here. Gzip's default level is as small as its best on these files.\n\n", deployer.BrotliQuality)
	fmt.Fprintf(&b, "**Rollback with %d deploys in history** (a 20-file site deployed %d times, one file changed each time, %s to create, %s to list with `Deploys`). "+
		"Medians of %d: `Rollback` to a deploy spread over the history **%s**, `Promote` back to the newest **%s**, undo (`Rollback(\"\")`) **%s**. "+
		"Each is a read of `refs/live`, a Stat of the target's manifest, one compare-and-swap of `refs/live` and a second Stat (the guard against a concurrent Prune): four requests, none of which lists the history. "+
		"The naive uploader has no history to swap to: its rollback is a redeploy of the old build, %s for this site (row b).\n",
		*history, *history, historyTook.Round(time.Second), ms(listTook), *swaps, us(medianDur(rollbacks)), us(medianDur(promotes)), us(medianDur(undos)), ms(medianDur(nRedeploy.times)))
	fmt.Print(b.String())
	check(benchdoc.WriteSection(*doc, "deploy", b.String()))
	log.Printf("wrote %s", *doc)
}

// compressionSample: compressionLevels compresses every compressionSample-th
// file, enough to rank the levels without quality 11 dominating the run.
const compressionSample = 10

type levelRow struct {
	name   string
	chosen bool
	bytes  int64
	took   time.Duration
}

type levelTable struct {
	raw  int64
	rows []levelRow
}

// compressionLevels measures brotli and gzip levels on a sample of the site,
// on one core, as the deployer would (only files worth a variant).
func compressionLevels(site []deployer.File) levelTable {
	var sample [][]byte
	var t levelTable
	for i, f := range site {
		if i%compressionSample == 0 && len(f.Data) >= 256 {
			sample = append(sample, f.Data)
			t.raw += int64(len(f.Data))
		}
	}
	// One writer per level, reset for each file, as the deployer's
	// encoders do.
	type resetWriter interface {
		io.WriteCloser
		Reset(io.Writer)
	}
	measure := func(name string, chosen bool, w resetWriter) {
		start := time.Now()
		var n int64
		for _, data := range sample {
			var buf bytes.Buffer
			w.Reset(&buf)
			_, err := w.Write(data)
			check(err)
			check(w.Close())
			n += int64(buf.Len())
		}
		t.rows = append(t.rows, levelRow{name: name, chosen: chosen, bytes: n, took: time.Since(start)})
		log.Printf("compression %s: %s in %v", name, size(n), time.Since(start).Round(time.Millisecond))
	}
	for _, q := range []int{4, 5, 6, 7, 9, 11} {
		measure(fmt.Sprintf("brotli quality %d", q), q == deployer.BrotliQuality, brotli.NewWriterLevel(nil, q))
	}
	for _, l := range []int{gzip.DefaultCompression, gzip.BestCompression} {
		name := "gzip default level (6)"
		if l == gzip.BestCompression {
			name = "gzip best (9)"
		}
		z, err := gzip.NewWriterLevel(nil, l)
		check(err)
		measure(name, l == gzip.DefaultCompression, z)
	}
	return t
}

// naiveUploader is the peer: every file PUT on every deploy.
type naiveUploader struct {
	store       storage.Store
	concurrency int
}

func (n *naiveUploader) deploy(ctx context.Context, bucket, prefix string, files []deployer.File) (int, int64) {
	var (
		wg   sync.WaitGroup
		sem  = make(chan struct{}, n.concurrency)
		mu   sync.Mutex
		errs []error
		size int64
	)
	for _, f := range files {
		size += int64(len(f.Data))
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			_, err := n.store.Put(ctx, bucket, prefix+"/"+f.Path, bytes.NewReader(f.Data), int64(len(f.Data)), storage.PutOptions{ContentType: deployer.ContentType(f.Path)})
			if err != nil {
				mu.Lock()
				errs = append(errs, err)
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	check(errors.Join(errs...))
	return len(files), size
}

// generateSite returns n deterministic, distinct files: mostly HTML pages,
// then CSS, JS and SVG, 5% each.
func generateSite(n, seed int) []deployer.File {
	files := make([]deployer.File, 0, n)
	assets := n / 20
	words := strings.Fields("static site edge deploy blueprint theme page post landing hero feature question answer content fast cache immutable manifest blob rollback preview domain")
	word := func(i, j int) string {
		h := sha256.Sum256(fmt.Appendf(nil, "%d/%d/%d", seed, i, j))
		return words[int(h[0])%len(words)]
	}
	for i := range n - 3*assets {
		var b strings.Builder
		fmt.Fprintf(&b, "<!doctype html><html lang=en><head><meta charset=utf-8><title>Page %d</title><link rel=stylesheet href=/css/s%d.css></head><body><main><h1>Page %d</h1>\n", i, i%max(assets, 1), i)
		for p := range 4 + i%20 {
			b.WriteString("<p>")
			for w := range 30 {
				b.WriteString(word(i, p*30+w))
				b.WriteByte(' ')
			}
			b.WriteString("</p>\n")
		}
		fmt.Fprintf(&b, "</main><script src=/js/a%d.js></script></body></html>\n", i%max(assets, 1))
		path := fmt.Sprintf("p/%d/%d/index.html", i/100, i)
		if i == 0 {
			path = "index.html"
		}
		files = append(files, deployer.File{Path: path, Data: []byte(b.String())})
	}
	for i := range assets {
		files = append(files,
			deployer.File{Path: fmt.Sprintf("css/s%d.css", i), Data: fmt.Appendf(nil, ".c%d{color:#%06x;margin:%dpx}\n%s", i, i*2654435761%0xffffff, i%40, strings.Repeat(fmt.Sprintf(".x%d-%s{padding:%dpx}\n", i, word(i, 0), i%9), 40))},
			deployer.File{Path: fmt.Sprintf("js/a%d.js", i), Data: fmt.Appendf(nil, "(function(){var n=%d;%s})();\n", i, strings.Repeat(fmt.Sprintf("document.querySelectorAll('.%s').forEach(function(e){e.dataset.n=n});", word(i, 1)), 20))},
			deployer.File{Path: fmt.Sprintf("img/i%d.svg", i), Data: fmt.Appendf(nil, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100"><circle cx="%d" cy="%d" r="%d" fill="#%06x"/></svg>`+"\n", i%100, (i*7)%100, 5+i%40, i*40503%0xffffff)},
		)
	}
	return files
}

// changeOnePage returns site with one page's bytes changed.
func changeOnePage(site []deployer.File) []deployer.File {
	out := slices.Clone(site)
	out[len(out)/3] = changeOnePageN(site, 0)
	return out
}

// changeOnePageN returns a changed copy of one page, distinct for each n.
func changeOnePageN(site []deployer.File, n int) deployer.File {
	f := site[len(site)/3]
	sum := sha256.Sum256(fmt.Appendf(nil, "%d-%d", n, time.Now().UnixNano()))
	data := bytes.Replace(f.Data, []byte("</main>"), fmt.Appendf(nil, "<p>edit %s</p></main>", hex.EncodeToString(sum[:8])), 1)
	return deployer.File{Path: f.Path, Data: data}
}

// size formats a byte count in the largest unit that keeps it ≥ 1.
func size(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}

func medianDur(d []time.Duration) time.Duration {
	s := slices.Clone(d)
	slices.Sort(s)
	return s[len(s)/2]
}

func check(err error) {
	if err != nil {
		log.Fatal(err)
	}
}
