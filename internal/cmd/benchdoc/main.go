// Command benchdoc turns `go test -bench` output on stdin into a section of
// docs/benchmarks.md:
//
//	go test -run '^$' -bench X ./pkg | go run ./internal/cmd/benchdoc -section x -title "…" -command "make bench-x" -about "…"
package main

import (
	"bufio"
	"flag"
	"fmt"
	"log"
	"os"
	"runtime"
	"strings"
	"time"

	"github.com/igny8/igny8/internal/benchdoc"
)

func main() {
	section := flag.String("section", "", "section name (required)")
	title := flag.String("title", "", "section heading")
	command := flag.String("command", "", "the command that produced the results")
	about := flag.String("about", "", "what is measured")
	doc := flag.String("doc", "docs/benchmarks.md", "file to write")
	flag.Parse()
	if *section == "" {
		log.Fatal("benchdoc: -section is required")
	}
	var rows []string
	sc := bufio.NewScanner(os.Stdin)
	for sc.Scan() {
		line := sc.Text()
		fmt.Println(line)
		if strings.HasPrefix(line, "Benchmark") {
			rows = append(rows, "    "+line)
		}
		if strings.HasPrefix(line, "FAIL") || strings.HasPrefix(line, "--- FAIL") {
			log.Fatalf("benchdoc: the benchmark failed; %s not updated", *doc)
		}
	}
	if len(rows) == 0 {
		log.Fatal("benchdoc: no benchmark results on stdin")
	}
	body := fmt.Sprintf("## %s\n\nCommand: `%s` (%s, %s, %d CPUs).\n\n%s\n\n%s\n", *title, *command,
		time.Now().UTC().Format("2006-01-02"), runtime.GOOS+"/"+runtime.GOARCH, runtime.NumCPU(), *about, strings.Join(rows, "\n"))
	if err := benchdoc.WriteSection(*doc, *section, body); err != nil {
		log.Fatal(err)
	}
}
