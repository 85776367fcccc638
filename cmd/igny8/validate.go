package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/igny8/igny8/blueprints"
)

func runValidate(_ context.Context, e *env, args []string) error {
	fs := newFlags(e, "validate", "FILE…", "Checks each blueprint against the format and reports every problem with its\nJSON pointer (and line:column). Exit status 2 if any blueprint is invalid.")
	migrate := fs.Bool("migrate", false, "print the blueprint with every block migrated to its newest version")
	files, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(files) == 0 {
		return usagef("no blueprint given; usage: igny8 validate FILE…")
	}
	invalid := 0
	for _, file := range files {
		bp, err := loadBlueprint(file)
		if err != nil {
			var ps blueprints.Problems
			if !errors.As(err, &ps) {
				return err
			}
			invalid++
			for _, p := range ps {
				fmt.Fprintf(e.stderr, "%s:%s\n", file, prefixed(p))
			}
			continue
		}
		if *migrate {
			enc := json.NewEncoder(e.stdout)
			enc.SetIndent("", "  ")
			if err := enc.Encode(bp); err != nil {
				return err
			}
			continue
		}
		fmt.Fprintf(e.stdout, "%s: ok (%d pages)\n", file, len(bp.Pages))
	}
	if invalid > 0 {
		return usagef("%d of %d blueprints invalid", invalid, len(files))
	}
	return nil
}

// prefixed formats a problem to follow "file:" as compilers do.
func prefixed(p blueprints.Problem) string {
	if p.Line > 0 {
		return p.String()
	}
	return " " + p.String()
}

// loadBlueprint reads, migrates and validates a blueprint file, with assets
// relative to its folder. Invalid input is a usage error (exit status 2).
func loadBlueprint(file string) (*blueprints.Blueprint, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, usageError{err}
	}
	bp, err := blueprints.Load(data, blueprints.Options{Assets: os.DirFS(filepath.Dir(file))})
	if err != nil {
		var ps blueprints.Problems
		if errors.As(err, &ps) {
			return nil, usageError{ps}
		}
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	return bp, nil
}
