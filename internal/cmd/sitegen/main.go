// Command sitegen writes a generated blueprint of N pages, for benchmarks:
//
//	go run ./internal/cmd/sitegen -pages 1000 > bench.json
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"

	"github.com/igny8/igny8/internal/sitegen"
)

func main() {
	pages := flag.Int("pages", 1000, "number of pages")
	flag.Parse()
	enc := json.NewEncoder(os.Stdout)
	enc.SetIndent("", " ")
	if err := enc.Encode(sitegen.Generate(*pages)); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
