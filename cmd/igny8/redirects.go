package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/igny8/igny8/blueprints"
	"github.com/igny8/igny8/builder"
	"github.com/igny8/igny8/deployer/rules"
	"github.com/igny8/igny8/sites"
)

// blueprintRules are the redirect and header rules of a blueprint site:
// the rules in _redirects and _headers files next to the blueprint, if
// any, and the blueprint's site.redirects.
type blueprintRules struct {
	redirectsFile []byte // the _redirects file as read, nil when absent
	headersFile   []byte
	fileRedirects []rules.Redirect // the _redirects file's
	Redirects     []rules.Redirect // merged: the file's first, then the blueprint's
	Headers       []rules.HeaderRule
}

// loadBlueprintRules reads the rules files next to a blueprint file and
// merges their redirects with the blueprint's (see rules.MergeRedirects).
// Invalid rules are a usage error naming the _redirects line or the
// blueprint pointer.
func loadBlueprintRules(bp *blueprints.Blueprint, file string) (blueprintRules, error) {
	var br blueprintRules
	dir := filepath.Dir(file)
	var err error
	if br.redirectsFile, err = readOptional(filepath.Join(dir, "_redirects")); err != nil {
		return br, err
	} else if br.redirectsFile != nil {
		if br.fileRedirects, err = rules.ParseRedirects(bytes.NewReader(br.redirectsFile), filepath.Join(dir, "_redirects")); err != nil {
			return br, rulesError(err)
		}
	}
	if br.headersFile, err = readOptional(filepath.Join(dir, "_headers")); err != nil {
		return br, err
	} else if br.headersFile != nil {
		if br.Headers, err = rules.ParseHeaders(bytes.NewReader(br.headersFile)); err != nil {
			return br, rulesError(err)
		}
	}
	if br.Redirects, err = rules.MergeRedirects(br.fileRedirects, sites.BlueprintRedirects(bp, file)); err != nil {
		return br, rulesError(err)
	}
	return br, nil
}

// files returns the _redirects and _headers files of a built folder: the
// _redirects file next to the blueprint as it was, then the blueprint's
// rules as lines, so deploying the folder gives the same rules in the same
// order; and the _headers file as it was.
func (br blueprintRules) files(bp *blueprints.Blueprint, file string) []*builder.File {
	var out []*builder.File
	if len(bp.Site.Redirects) > 0 || br.redirectsFile != nil {
		var b bytes.Buffer
		b.Write(br.redirectsFile)
		if n := len(br.redirectsFile); n > 0 && br.redirectsFile[n-1] != '\n' {
			b.WriteByte('\n')
		}
		if len(bp.Site.Redirects) > 0 {
			fmt.Fprintf(&b, "# site.redirects of %s\n", strings.ReplaceAll(filepath.Base(file), "\n", " "))
			for _, r := range bp.Site.Redirects {
				b.WriteString(rules.Redirect{From: r.From, To: r.To, Status: r.Status, Force: r.Force}.String())
				b.WriteByte('\n')
			}
		}
		out = append(out, outputFile("_redirects", b.Bytes()))
	}
	if br.headersFile != nil {
		out = append(out, outputFile("_headers", br.headersFile))
	}
	return out
}

// addFiles adds files to a build's output, keeping it sorted by path.
func addFiles(res *builder.Output, files []*builder.File) {
	for _, f := range files {
		res.Files = append(res.Files, f)
		res.Bytes += f.Size
	}
	slices.SortFunc(res.Files, func(a, b *builder.File) int { return strings.Compare(a.Path, b.Path) })
}

func outputFile(path string, data []byte) *builder.File {
	sum := sha256.Sum256(data)
	return &builder.File{Path: path, Data: data, Size: int64(len(data)), SHA256: hex.EncodeToString(sum[:])}
}

// readOptional reads a file, returning nil without error when it does not
// exist.
func readOptional(path string) ([]byte, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	return data, err
}

// rulesError makes invalid rules a usage error (exit status 2).
func rulesError(err error) error {
	var ve *rules.ValidationError
	if errors.As(err, &ve) {
		return usageError{err}
	}
	return err
}
