package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// BenchmarkPreviewReload measures what a person editing a blueprint waits
// for: from writing the file to the reload event reaching the browser (the
// debounce, reading and validating the blueprint, and the build), on the
// blog example (44 pages). Run it with make bench-preview.
func BenchmarkPreviewReload(b *testing.B) {
	dir := b.TempDir()
	if code, _, stderr := runCmdB(b, "init", "--example", "blog", filepath.Join(dir, "site")); code != exitOK {
		b.Fatalf("init: %s", stderr)
	}
	bp := filepath.Join(dir, "site", "blueprint.json")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stdout, stderr syncBuffer
	go run(ctx, []string{"preview", bp, "--addr", "127.0.0.1:0"}, &env{stdout: &stdout, stderr: &stderr, getenv: func(string) string { return "" }})
	addrRE := regexp.MustCompile(`at (http://\S+/) `)
	var base string
	for deadline := time.Now().Add(time.Minute); base == ""; time.Sleep(20 * time.Millisecond) {
		if m := addrRE.FindStringSubmatch(stdout.String()); m != nil {
			base = m[1]
		} else if time.Now().After(deadline) {
			b.Fatalf("preview did not start: %s", stderr.String())
		}
	}
	resp, err := http.Get(base + strings.TrimPrefix(eventsPath, "/"))
	if err != nil {
		b.Fatal(err)
	}
	defer resp.Body.Close()
	events := bufio.NewReader(resp.Body)
	original, err := os.ReadFile(bp)
	if err != nil {
		b.Fatal(err)
	}
	for i := 0; b.Loop(); i++ {
		edited := bytes.Replace(original, []byte(`"name": "Slow Miles"`), fmt.Appendf(nil, `"name": "Slow Miles %d"`, i), 1)
		if err := os.WriteFile(bp, edited, 0o644); err != nil {
			b.Fatal(err)
		}
		for {
			line, err := events.ReadString('\n')
			if err != nil {
				b.Fatal(err)
			}
			if strings.HasPrefix(line, "event: reload") {
				break
			}
		}
	}
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/reload")
}

func runCmdB(b *testing.B, args ...string) (int, string, string) {
	var out, errb syncBuffer
	code := run(context.Background(), args, &env{stdout: &out, stderr: &errb, getenv: func(string) string { return "" }})
	return code, out.String(), errb.String()
}
