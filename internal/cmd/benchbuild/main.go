// Command benchbuild compares `igny8 build` with the hugo CLI building the
// same generated Hugo project, process against process, alternating runs,
// and writes the result into docs/benchmarks.md. Run it with make bench-build.
package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"flag"
	"fmt"
	"io/fs"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/igny8/igny8/builder"
	"github.com/igny8/igny8/internal/sitegen"
)

type sample struct {
	wall   time.Duration
	maxRSS int64 // bytes
}

func main() {
	igny8 := flag.String("igny8", "bin/igny8", "igny8 binary")
	hugo := flag.String("hugo", "bin/hugo", "hugo binary")
	pages := flag.Int("pages", 1000, "pages in the generated site")
	runs := flag.Int("runs", 7, "timed runs of each")
	doc := flag.String("doc", "docs/benchmarks.md", "file to write the section into")
	flag.Parse()
	log.SetFlags(0)

	dir, err := os.MkdirTemp("", "igny8-bench-build-")
	check(err)
	defer os.RemoveAll(dir)
	bpFile := filepath.Join(dir, "site", "blueprint.json")
	bp := sitegen.Generate(*pages)
	data, err := json.Marshal(bp)
	check(err)
	check(os.MkdirAll(filepath.Dir(bpFile), 0o755))
	check(os.WriteFile(bpFile, data, 0o644))
	src, err := builder.GenerateSource(bp, nil, "")
	check(err)
	hugoSrc := filepath.Join(dir, "hugo-src")
	check(builder.WriteSource(src, hugoSrc))
	outIgny8, outHugo := filepath.Join(dir, "out-igny8"), filepath.Join(dir, "out-hugo")

	igny8Cmd := []string{*igny8, "build", bpFile, "-o", outIgny8}
	hugoCmd := []string{*hugo, "--source", hugoSrc, "--destination", outHugo, "--quiet", "--noBuildLock"}
	log.Printf("site: %d pages, %d content files; warming up both", *pages, src.Pages)
	measure(igny8Cmd)
	measure(hugoCmd)
	same, diff := compareTrees(outIgny8, outHugo)

	var ours, theirs []sample
	for i := range *runs {
		ours = append(ours, measure(igny8Cmd))
		theirs = append(theirs, measure(hugoCmd))
		log.Printf("run %d/%d: igny8 %v, hugo %v", i+1, *runs, ours[i].wall.Round(time.Millisecond), theirs[i].wall.Round(time.Millisecond))
	}
	o, t := median(ours), median(theirs)
	ratio := float64(o.wall) / float64(t.wall)
	verdict := "meets"
	if ratio > 1.15 {
		verdict = "MISSES"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "## Build: builder vs the hugo CLI\n\n")
	fmt.Fprintf(&b, "Command: `make bench-build` (%s, %d runs each, alternating, medians; %s, %d CPUs).\n\n", time.Now().UTC().Format("2006-01-02"), *runs, runtime.GOOS+"/"+runtime.GOARCH, runtime.NumCPU())
	fmt.Fprintf(&b, "A generated %d-page blueprint (`internal/sitegen`: posts with ~400 words of Markdown, landing pages with hero, features, FAQ and CTA blocks). "+
		"`igny8 build` runs the whole pipeline in one process: read, validate and migrate the blueprint, generate the Hugo project in memory, build it with Hugo in-process and write the files. "+
		"The hugo CLI %s builds the very same generated project (`igny8 build --hugo-source`) with the same themes from disk. Peak memory is the process's maximum RSS.\n\n", *pages, hugoVersion(*hugo))
	fmt.Fprintf(&b, "| | wall time (median) | min | max | peak RSS (median) |\n|---|---|---|---|---|\n")
	row := func(name string, s []sample, m sample) {
		lo, hi := minMax(s)
		fmt.Fprintf(&b, "| %s | %v | %v | %v | %d MiB |\n", name, m.wall.Round(time.Millisecond), lo.Round(time.Millisecond), hi.Round(time.Millisecond), m.maxRSS>>20)
	}
	row("`igny8 build`", ours, o)
	row("`hugo`", theirs, t)
	fmt.Fprintf(&b, "\n**Ratio igny8 / hugo: %.2f×** (target ≤ 1.15×: %s). ", ratio, verdict)
	if same {
		fmt.Fprintf(&b, "Both wrote byte-identical output.\n")
	} else {
		fmt.Fprintf(&b, "Outputs differ: %s.\n", diff)
	}
	fmt.Print(b.String())
	check(writeSection(*doc, "build", b.String()))
	log.Printf("wrote %s", *doc)
}

func measure(argv []string) sample {
	cmd := exec.Command(argv[0], argv[1:]...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	start := time.Now()
	if err := cmd.Run(); err != nil {
		log.Fatalf("%s: %v\n%s", strings.Join(argv, " "), err, stderr.String())
	}
	wall := time.Since(start)
	ru := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	return sample{wall: wall, maxRSS: ru.Maxrss << 10}
}

func median(s []sample) sample {
	walls := slices.Clone(s)
	slices.SortFunc(walls, func(a, b sample) int { return int(a.wall - b.wall) })
	rss := make([]int64, len(s))
	for i, x := range s {
		rss[i] = x.maxRSS
	}
	slices.Sort(rss)
	return sample{wall: walls[len(walls)/2].wall, maxRSS: rss[len(rss)/2]}
}

func minMax(s []sample) (time.Duration, time.Duration) {
	lo, hi := s[0].wall, s[0].wall
	for _, x := range s {
		lo, hi = min(lo, x.wall), max(hi, x.wall)
	}
	return lo, hi
}

// compareTrees reports whether two folders hold the same files with the same
// bytes, ignoring igny8's build marker.
func compareTrees(a, b string) (bool, string) {
	ha, hb := hashTree(a), hashTree(b)
	var only, differ []string
	for p, h := range ha {
		if hb[p] == "" {
			only = append(only, "only igny8: "+p)
		} else if hb[p] != h {
			differ = append(differ, p)
		}
	}
	for p := range hb {
		if ha[p] == "" {
			only = append(only, "only hugo: "+p)
		}
	}
	if len(only)+len(differ) == 0 {
		return true, ""
	}
	slices.Sort(only)
	slices.Sort(differ)
	return false, fmt.Sprintf("%d files differ (e.g. %v), %d present in one only (e.g. %v)", len(differ), head(differ), len(only), head(only))
}

func head(s []string) []string { return s[:min(3, len(s))] }

func hashTree(root string) map[string]string {
	out := map[string]string{}
	check(filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || d.Name() == ".igny8-build.json" {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		out[filepath.ToSlash(rel)] = fmt.Sprintf("%x", sha256.Sum256(data))
		return nil
	}))
	return out
}

func hugoVersion(bin string) string {
	out, err := exec.Command(bin, "version").Output()
	if err != nil {
		return "(unknown version)"
	}
	f := strings.Fields(string(out))
	if len(f) > 1 {
		return f[1]
	}
	return strings.TrimSpace(string(out))
}

// writeSection replaces the text between <!-- bench:NAME --> markers in doc,
// or appends the section.
func writeSection(doc, name, body string) error {
	begin, end := "<!-- bench:"+name+" -->", "<!-- /bench:"+name+" -->"
	old, err := os.ReadFile(doc)
	if err != nil && !os.IsNotExist(err) {
		return err
	}
	section := begin + "\n" + body + end + "\n"
	s := string(old)
	if s == "" {
		s = "# Benchmarks\n\nEvery number here was written by the command named in its section, on the project's 2-core machines. Absolute times on shared machines are noise; the ratios against a real peer measured in the same run are the result.\n\n"
	}
	i, j := strings.Index(s, begin), strings.Index(s, end)
	if i >= 0 && j > i {
		s = s[:i] + section + s[j+len(end)+1:]
	} else {
		s += section
	}
	return os.WriteFile(doc, []byte(s), 0o644)
}

func check(err error) {
	if err != nil {
		log.Fatal(err)
	}
}
