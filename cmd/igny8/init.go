package main

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/igny8/igny8/blueprints/examples"
)

func runInit(_ context.Context, e *env, args []string) error {
	names := examples.Names()
	fs := newFlags(e, "init", "DIR", "Creates DIR with a blueprint.json and its assets, copied from an example site,\nready to edit and preview.")
	example := fs.String("example", "bakery", "example to start from: "+strings.Join(names, ", "))
	dirs, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(dirs) != 1 {
		return usagef("want exactly one folder; usage: igny8 init DIR")
	}
	if !slices.Contains(names, *example) {
		return usagef("unknown example %q; choose one of: %s", *example, strings.Join(names, ", "))
	}
	dir := dirs[0]
	if entries, err := os.ReadDir(dir); err == nil && len(entries) > 0 {
		return usagef("%s is not empty; choose a new or empty folder", dir)
	}
	if err := copyExample(*example, dir); err != nil {
		return err
	}
	bp := filepath.Join(dir, "blueprint.json")
	fmt.Fprintf(e.stdout, "Created %s from the %s example.\n\nNext:\n  igny8 preview %s    # edit it and watch the site update\n  igny8 build %s -o public\n", bp, *example, bp, bp)
	return nil
}

func copyExample(name, dir string) error {
	src, err := fs.Sub(examples.FS(), name)
	if err != nil {
		return err
	}
	return fs.WalkDir(src, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		target := filepath.Join(dir, filepath.FromSlash(p))
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		data, err := fs.ReadFile(src, p)
		if err != nil {
			return err
		}
		return os.WriteFile(target, data, 0o644)
	})
}
