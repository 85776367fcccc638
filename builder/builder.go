// Package builder compiles a blueprint into a static site with Hugo, run
// in-process on memory file systems. It is the only package that imports
// Hugo, whose Go API is not stable: the version is pinned in go.mod.
package builder

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"runtime"
	"sort"
	"sync"
	"time"

	"github.com/igny8/igny8/blueprints"
)

// Config configures a Builder.
type Config struct {
	// MaxConcurrent bounds the builds running at once in this process.
	// Hugo already spreads one build over every core, so more than a few
	// only adds memory. Default: 2, or 1 on a single core.
	MaxConcurrent int
	Logger        *slog.Logger
}

// Builder compiles blueprints. It is safe for concurrent use.
type Builder struct {
	sem    chan struct{}
	logger *slog.Logger
}

// New returns a Builder.
func New(cfg Config) *Builder {
	if cfg.MaxConcurrent <= 0 {
		cfg.MaxConcurrent = min(2, runtime.NumCPU())
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	return &Builder{sem: make(chan struct{}, cfg.MaxConcurrent), logger: cfg.Logger}
}

// Input is what a build needs.
type Input struct {
	Blueprint *blueprints.Blueprint
	// Assets holds the files the blueprint's asset paths are relative to.
	Assets fs.FS
	// Theme overrides the blueprint's theme when set.
	Theme string
	// Progress, when set, receives a line at each stage of the build.
	Progress func(stage string)
}

// File is one output file.
type File struct {
	Path   string `json:"path"` // slash-separated, relative to the site root
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
	Data   []byte `json:"-"`
}

// Output is a built site.
type Output struct {
	Files    []*File       `json:"files"` // sorted by path
	Pages    int           `json:"pages"`
	Bytes    int64         `json:"bytes"`
	Warnings []string      `json:"warnings,omitempty"`
	Duration time.Duration `json:"duration"`
}

// File returns the output file at path, or nil.
func (o *Output) File(path string) *File {
	i := sort.Search(len(o.Files), func(i int) bool { return o.Files[i].Path >= path })
	if i < len(o.Files) && o.Files[i].Path == path {
		return o.Files[i]
	}
	return nil
}

// hashFiles sets the SHA256 of every file, on every core.
func hashFiles(files []*File) {
	var wg sync.WaitGroup
	workers := runtime.NumCPU()
	for w := range workers {
		wg.Go(func() {
			for i := w; i < len(files); i += workers {
				sum := sha256.Sum256(files[i].Data)
				files[i].SHA256 = hex.EncodeToString(sum[:])
			}
		})
	}
	wg.Wait()
}

// Build compiles a validated blueprint. The same input always gives
// byte-identical output.
func (b *Builder) Build(ctx context.Context, in Input) (*Output, error) {
	if in.Blueprint == nil {
		return nil, errors.New("build: no blueprint")
	}
	progress := in.Progress
	if progress == nil {
		progress = func(string) {}
	}
	select {
	case b.sem <- struct{}{}:
		defer func() { <-b.sem }()
	case <-ctx.Done():
		return nil, fmt.Errorf("build: waiting for a build slot: %w", ctx.Err())
	}
	start := time.Now()
	progress("generating Hugo source")
	src, err := GenerateSource(in.Blueprint, in.Assets, in.Theme)
	if err != nil {
		return nil, fmt.Errorf("build: %w", err)
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("build: %w", err)
	}
	progress(fmt.Sprintf("rendering %d pages with Hugo", src.Pages))
	files, warnings, err := runHugo(src)
	if err != nil {
		return nil, fmt.Errorf("build: %w", err)
	}
	for p, data := range src.Static {
		if _, clash := files[p]; clash {
			return nil, fmt.Errorf("build: %s is both a media file and a page output", p)
		}
		files[p] = data
	}
	progress("hashing output")
	out := &Output{Pages: src.Pages, Warnings: append(src.Warnings, warnings...)}
	for path, data := range files {
		out.Files = append(out.Files, &File{Path: path, Size: int64(len(data)), Data: data})
		out.Bytes += int64(len(data))
	}
	sort.Slice(out.Files, func(i, j int) bool { return out.Files[i].Path < out.Files[j].Path })
	hashFiles(out.Files)
	out.Duration = time.Since(start)
	b.logger.LogAttrs(ctx, slog.LevelInfo, "site built",
		slog.String("site", in.Blueprint.Site.Name), slog.Int("pages", out.Pages),
		slog.Int("files", len(out.Files)), slog.Int64("bytes", out.Bytes), slog.Duration("duration", out.Duration))
	return out, nil
}
