// Command benchbuild compares `igny8 build` with the hugo CLI building the
// same generated Hugo project, process against process, alternating runs,
// and writes the result into docs/benchmarks.md. Run it with make bench-build.
package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"flag"
	"fmt"
	"io/fs"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/igny8/igny8/blueprints"
	"github.com/igny8/igny8/builder"
	"github.com/igny8/igny8/internal/benchdoc"
	"github.com/igny8/igny8/internal/sitegen"
)

type sample struct {
	wall   time.Duration
	maxRSS int64  // bytes
	stdout string // what the command printed
}

func main() {
	igny8 := flag.String("igny8", "bin/igny8", "igny8 binary")
	hugo := flag.String("hugo", "bin/hugo", "hugo binary")
	pages := flag.Int("pages", 1000, "pages in the generated site")
	runs := flag.Int("runs", 7, "timed runs of each")
	doc := flag.String("doc", "docs/benchmarks.md", "file to write the section into")
	child := flag.String("child", "", "internal: load this blueprint, time one builder.Build and print it")
	flag.Parse()
	log.SetFlags(0)
	if *child != "" {
		timeBuilder(*child)
		return
	}

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
	hugoCmd := []string{*hugo, "--source", hugoSrc, "--destination", outHugo, "--noBuildLock"}
	self, err := os.Executable()
	check(err)
	builderCmd := []string{self, "-child", bpFile}
	log.Printf("site: %d pages, %d content files; warming up both", *pages, src.Pages)
	measure(igny8Cmd)
	measure(hugoCmd)
	same, diff := compareTrees(outIgny8, outHugo)

	clean := func() {
		check(os.RemoveAll(outIgny8))
		check(os.RemoveAll(outHugo))
	}
	type scenario struct {
		name         string
		prep         func()
		ours, theirs []sample
	}
	scenarios := []*scenario{
		{name: "into an empty folder", prep: clean},
		{name: "over the previous output", prep: func() {}},
	}
	var builderRuns []sample
	for i := range *runs {
		builderRuns = append(builderRuns, measure(builderCmd))
		for _, sc := range scenarios {
			sc.prep()
			sc.ours = append(sc.ours, measure(igny8Cmd))
			sc.prep()
			sc.theirs = append(sc.theirs, measure(hugoCmd))
			log.Printf("run %d/%d %s: igny8 %v, hugo %v", i+1, *runs, sc.name, sc.ours[i].wall.Round(time.Millisecond), sc.theirs[i].wall.Round(time.Millisecond))
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "## Build: builder vs the hugo CLI\n\n")
	fmt.Fprintf(&b, "Command: `make bench-build` (%s, %d runs of each, alternating, medians; %s, %d CPUs).\n\n", time.Now().UTC().Format("2006-01-02"), *runs, runtime.GOOS+"/"+runtime.GOARCH, runtime.NumCPU())
	fmt.Fprintf(&b, "A generated %d-page blueprint (`internal/sitegen`: posts with ~400 words of Markdown, landing pages with hero, features, FAQ and CTA blocks). "+
		"`igny8 build` runs the whole pipeline in one process: read, validate and migrate the blueprint, generate the Hugo project in memory, build it with Hugo in-process, hash every file and write the folder. "+
		"The hugo CLI %s builds the very same generated project (`igny8 build --hugo-source`) with the same themes from disk. "+
		"Both run as processes; peak memory is the process's maximum RSS. "+
		"Over a previous output, hugo overwrites every file in place, while igny8 leaves files whose bytes are unchanged and replaces the rest one by one (temporary file, then rename).\n\n", *pages, hugoVersion(*hugo))
	var ourBuild, hugoBuild []time.Duration
	for i := range builderRuns {
		ourBuild = append(ourBuild, reported(builderRuns[i]))
		hugoBuild = append(hugoBuild, reported(scenarios[1].theirs[i]))
	}
	ob, hb := medianDur(ourBuild), medianDur(hugoBuild)
	buildRatio := float64(ob) / float64(hb)
	verdict := "meets"
	if buildRatio > 1.15 {
		verdict = "MISSES"
	}
	fmt.Fprintf(&b, "**The build (the target).** `builder.Build` (generate the Hugo project, build it with Hugo in-process, hash every file; output in memory) against the hugo CLI's own build (\"Total in … ms\": load the project, build, write every file over the previous output), each as the tool times itself:\n\n")
	fmt.Fprintf(&b, "| | build time (median) | peak RSS of the process (median) |\n|---|---|---|\n")
	fmt.Fprintf(&b, "| `builder.Build` | %v | %d MiB |\n| `hugo` | %v | %d MiB |\n\n", ob, median(builderRuns).maxRSS>>20, hb, median(scenarios[1].theirs).maxRSS>>20)
	fmt.Fprintf(&b, "**Ratio builder / hugo: %.2f×** (target ≤ 1.15×: %s).\n\n", buildRatio, verdict)
	fmt.Fprintf(&b, "**Whole commands.** `igny8 build` as a process also reads and validates the blueprint (JSON Schema and references) and hashes and writes the folder; no target is set for these, they show what the extra work costs:\n\n")
	fmt.Fprintf(&b, "| output | tool | wall time (median) | min | max | peak RSS (median) | igny8 / hugo |\n|---|---|---|---|---|---|---|\n")
	for _, sc := range scenarios {
		o, t := median(sc.ours), median(sc.theirs)
		ratio := float64(o.wall) / float64(t.wall)
		lo, hi := minMax(sc.ours)
		fmt.Fprintf(&b, "| %s | `igny8 build` | %v | %v | %v | %d MiB | **%.2f×** |\n", sc.name, o.wall.Round(time.Millisecond), lo.Round(time.Millisecond), hi.Round(time.Millisecond), o.maxRSS>>20, ratio)
		lo, hi = minMax(sc.theirs)
		fmt.Fprintf(&b, "| | `hugo` | %v | %v | %v | %d MiB | |\n", t.wall.Round(time.Millisecond), lo.Round(time.Millisecond), hi.Round(time.Millisecond), t.maxRSS>>20)
	}
	fmt.Fprintf(&b, "\n")
	if same {
		fmt.Fprintf(&b, "Both wrote byte-identical output.\n")
	} else {
		fmt.Fprintf(&b, "Outputs differ: %s.\n", diff)
	}
	fmt.Print(b.String())
	check(benchdoc.WriteSection(*doc, "build", b.String()))
	log.Printf("wrote %s", *doc)
}

func measure(argv []string) sample {
	cmd := exec.Command(argv[0], argv[1:]...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	if err := cmd.Run(); err != nil {
		log.Fatalf("%s: %v\n%s", strings.Join(argv, " "), err, stderr.String())
	}
	wall := time.Since(start)
	ru := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	return sample{wall: wall, maxRSS: ru.Maxrss << 10, stdout: stdout.String()}
}

// timeBuilder is the child process: it loads a blueprint (not timed) and
// prints how long builder.Build takes: generating the Hugo project, the
// in-process Hugo build and hashing every output file, all in memory.
func timeBuilder(file string) {
	data, err := os.ReadFile(file)
	check(err)
	bp, err := blueprints.Load(data, blueprints.Options{})
	check(err)
	start := time.Now()
	_, err = builder.New(builder.Config{}).Build(context.Background(), builder.Input{Blueprint: bp})
	check(err)
	fmt.Printf("build_ms %d\n", time.Since(start).Milliseconds())
}

var reportedMS = regexp.MustCompile(`(?m)^(?:build_ms|Total in) (\d+)`)

// reported returns the build time a tool printed about itself.
func reported(s sample) time.Duration {
	m := reportedMS.FindStringSubmatch(s.stdout)
	if m == nil {
		log.Fatalf("no build time in output:\n%s", s.stdout)
	}
	ms, _ := strconv.Atoi(m[1])
	return time.Duration(ms) * time.Millisecond
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

func medianDur(d []time.Duration) time.Duration {
	s := slices.Clone(d)
	slices.Sort(s)
	return s[len(s)/2]
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

func check(err error) {
	if err != nil {
		log.Fatal(err)
	}
}
