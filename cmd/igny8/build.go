package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/igny8/igny8/builder"
)

// buildMarker is written into every output folder; its presence is what
// lets a later build replace the folder.
const buildMarker = ".igny8-build.json"

func runBuild(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "build", "FILE -o DIR", "Builds the blueprint FILE into a static site in DIR. DIR is replaced only once the\nbuild has succeeded, and only if it is empty or an earlier igny8 build.")
	out := fs.String("o", "", "output folder (required)")
	theme := fs.String("theme", "", "build with this theme instead of the blueprint's")
	hugoSource := fs.String("hugo-source", "", "also write the generated Hugo project to this folder")
	asJSON := fs.Bool("json", false, "print the summary and the file list as JSON")
	files, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(files) != 1 {
		return usagef("want exactly one blueprint; usage: igny8 build FILE -o DIR")
	}
	if *out == "" {
		return usagef("no output folder; pass -o DIR")
	}
	if err := checkReplaceable(*out); err != nil {
		return usageError{err}
	}
	bp, err := loadBlueprint(files[0])
	if err != nil {
		return err
	}
	in := builder.Input{
		Blueprint: bp,
		Assets:    os.DirFS(filepath.Dir(files[0])),
		Theme:     *theme,
		Progress:  func(stage string) { fmt.Fprintf(e.stderr, "  %s…\n", stage) },
	}
	if *hugoSource != "" {
		src, err := builder.GenerateSource(bp, in.Assets, *theme)
		if err != nil {
			return err
		}
		if err := builder.WriteSource(src, *hugoSource); err != nil {
			return err
		}
		fmt.Fprintf(e.stderr, "  wrote Hugo project to %s\n", *hugoSource)
	}
	fmt.Fprintf(e.stderr, "Building %s (%d pages)\n", files[0], len(bp.Pages))
	br, err := loadBlueprintRules(bp, files[0])
	if err != nil {
		return err
	}
	res, err := builder.New(builder.Config{}).Build(ctx, in)
	if err != nil {
		return err
	}
	addFiles(res, br.files(bp, files[0]))
	if err := writeOutput(res, *out); err != nil {
		return err
	}
	for _, w := range res.Warnings {
		fmt.Fprintf(e.stderr, "warning: %s\n", w)
	}
	if *asJSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(res)
	}
	fmt.Fprintf(e.stdout, "Built %d pages, %d files, %s in %s → %s\n",
		res.Pages, len(res.Files), humanBytes(res.Bytes), res.Duration.Round(time.Millisecond), *out)
	return nil
}

// checkReplaceable refuses to replace a folder igny8 did not write.
func checkReplaceable(dir string) error {
	entries, err := os.ReadDir(dir)
	if os.IsNotExist(err) || (err == nil && len(entries) == 0) {
		return nil
	}
	if err != nil {
		return err
	}
	if _, err := os.Stat(filepath.Join(dir, buildMarker)); err != nil {
		return fmt.Errorf("%s has files igny8 did not write; build into an empty or new folder", dir)
	}
	return nil
}

func humanBytes(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}
