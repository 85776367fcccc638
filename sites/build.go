package sites

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/igny8/igny8"
	"github.com/igny8/igny8/blueprints"
	"github.com/igny8/igny8/builder"
	"github.com/igny8/igny8/deployer"
	"github.com/igny8/igny8/deployer/rules"
)

// Build is a site ready to upload: its files and the options of its deploy.
type Build struct {
	Files    []deployer.File
	Options  deployer.DeployOptions
	Bytes    int64
	Pages    int      // pages built, for a blueprint build
	Warnings []string // the builder's warnings
}

// Counts is the size of the build, nothing uploaded yet.
func (b *Build) Counts() igny8.DeployCounts {
	return igny8.DeployCounts{Files: len(b.Files), Bytes: b.Bytes}
}

func newBuild() *Build {
	return &Build{Options: deployer.DeployOptions{URLPolicy: deployer.URLPolicy{TrailingSlash: "always"}}}
}

func (b *Build) add(f deployer.File, size int64) {
	b.Files = append(b.Files, f)
	b.Bytes += size
	if f.Path == "404.html" {
		b.Options.NotFound = "404.html"
	}
}

// BlueprintInput is a blueprint to build, with what it needs.
type BlueprintInput struct {
	Blueprint *blueprints.Blueprint
	// Source names the blueprint in rule problems (a file name, or
	// "blueprint").
	Source string
	// Assets holds the files the blueprint's asset paths are relative to.
	Assets fs.FS
	Theme  string // overrides the blueprint's theme when set
	// FileRedirects and Headers are rules from _redirects and _headers
	// files kept beside the blueprint; the file's redirects come before
	// the blueprint's site.redirects (the first match wins).
	FileRedirects []rules.Redirect
	Headers       []rules.HeaderRule
	Progress      func(stage string)
	Meta          map[string]any // recorded in the deploy's manifest
}

// BuildBlueprint builds a blueprint with Hugo and compiles its rules.
func (s *Service) BuildBlueprint(ctx context.Context, in BlueprintInput) (*Build, error) {
	redirects, err := rules.MergeRedirects(in.FileRedirects, BlueprintRedirects(in.Blueprint, in.Source))
	if err != nil {
		return nil, err
	}
	out, err := s.builder.Build(ctx, builder.Input{Blueprint: in.Blueprint, Assets: in.Assets, Theme: in.Theme, Progress: in.Progress})
	if err != nil {
		return nil, err
	}
	b := newBuild()
	b.Options.Redirects, b.Options.Headers = redirects, in.Headers
	b.Pages, b.Warnings = out.Pages, out.Warnings
	b.Options.Build = map[string]any{"pages": out.Pages, "duration_ms": out.Duration.Milliseconds()}
	for k, v := range in.Meta {
		b.Options.Build[k] = v
	}
	for _, f := range out.Files {
		b.add(deployer.File{Path: f.Path, Data: f.Data, SHA256: f.SHA256, Size: f.Size}, f.Size)
	}
	return b, nil
}

// LoadBlueprint parses and validates a stored blueprint against the site's
// assets. An invalid blueprint is an invalid *igny8.Error listing every
// problem: retrying cannot fix it.
func LoadBlueprint(doc []byte, assets fs.FS) (*blueprints.Blueprint, error) {
	bp, err := blueprints.Load(doc, blueprints.Options{Assets: assets})
	var ps blueprints.Problems
	if errors.As(err, &ps) {
		return nil, igny8.Errorf(igny8.EInvalid, "The blueprint is invalid: %s", ps.Error())
	}
	return bp, err
}

// BlueprintRedirects converts site.redirects into rules whose Source is
// source and the rule's JSON pointer, so that a problem the rules compiler
// finds points at the rule.
func BlueprintRedirects(bp *blueprints.Blueprint, source string) []rules.Redirect {
	out := make([]rules.Redirect, len(bp.Site.Redirects))
	for i, r := range bp.Site.Redirects {
		out[i] = rules.Redirect{
			From: r.From, To: r.To, Status: r.Status, Force: r.Force,
			Source: fmt.Sprintf("%s#/site/redirects/%d", source, i),
		}
	}
	return out
}

// ReadFolder reads a built site from a folder. Dotfiles (such as igny8
// build's marker) are not published; _redirects and _headers become the
// deploy's rules. Invalid rules are a *rules.ValidationError naming the line.
func ReadFolder(dir string) (*Build, error) {
	b := newBuild()
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		if strings.HasPrefix(d.Name(), ".") && rel != "." {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if d.IsDir() || !d.Type().IsRegular() {
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		switch rel = filepath.ToSlash(rel); rel {
		case "_redirects":
			b.Options.Redirects, err = rules.ParseRedirects(bytes.NewReader(data), filepath.Join(dir, rel))
			return err
		case "_headers":
			b.Options.Headers, err = rules.ParseHeaders(bytes.NewReader(data))
			return err
		}
		b.add(deployer.File{Path: rel, Data: data}, int64(len(data)))
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(b.Files) == 0 {
		return nil, igny8.Errorf(igny8.EInvalid, "%s has no files to deploy.", dir)
	}
	b.Options.Build = map[string]any{"folder": filepath.Base(dir)}
	return b, nil
}
