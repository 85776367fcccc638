package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"slices"

	"github.com/igny8/igny8/builder"
)

// writeOutput makes dir hold exactly the built files. The build is complete
// in memory before anything here runs, so a failing build never touches dir.
//
// A new or empty dir is written as a sibling folder and renamed into place.
// An earlier build's dir is brought up to date instead: files whose bytes
// are unchanged are left alone, changed ones are replaced one by one
// (temporary file, then rename), files the new build lacks are deleted, and
// the marker is written last. Recreating every file would cost most of a
// rebuild: creating files is far slower than comparing them.
func writeOutput(res *builder.Output, dir string) error {
	dir = filepath.Clean(dir)
	if entries, err := os.ReadDir(dir); err == nil && len(entries) > 0 {
		return syncOutput(res, dir)
	} else if err != nil && !os.IsNotExist(err) {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(dir), 0o755); err != nil {
		return err
	}
	tmp, err := os.MkdirTemp(filepath.Dir(dir), "."+filepath.Base(dir)+".tmp-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	for _, f := range res.Files {
		p := filepath.Join(tmp, filepath.FromSlash(f.Path))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(p, f.Data, 0o644); err != nil {
			return err
		}
	}
	if err := writeMarker(res, tmp); err != nil {
		return err
	}
	if err := os.Chmod(tmp, 0o755); err != nil {
		return err
	}
	_ = os.Remove(dir) // an empty folder
	return os.Rename(tmp, dir)
}

func syncOutput(res *builder.Output, dir string) error {
	want := make(map[string]*builder.File, len(res.Files))
	for _, f := range res.Files {
		want[filepath.FromSlash(f.Path)] = f
	}
	// Delete what the new build does not have first, so a stale file cannot
	// stand where a new folder must go.
	var dirs []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		if d.IsDir() {
			if rel != "." {
				dirs = append(dirs, p)
			}
			return nil
		}
		if want[rel] == nil && rel != buildMarker {
			return os.Remove(p)
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, f := range res.Files {
		p := filepath.Join(dir, filepath.FromSlash(f.Path))
		if sameContent(p, f) {
			continue
		}
		if fi, err := os.Lstat(p); err == nil && fi.IsDir() {
			if err := os.RemoveAll(p); err != nil { // only stale content was left in it
				return err
			}
		}
		if err := writeFileAtomic(p, f.Data); err != nil {
			return err
		}
	}
	// Remove folders left empty, deepest first.
	slices.SortFunc(dirs, func(a, b string) int { return len(b) - len(a) })
	for _, d := range dirs {
		if fi, err := os.Lstat(d); err == nil && fi.IsDir() {
			_ = os.Remove(d) // fails, as it should, unless empty
		}
	}
	return writeMarker(res, dir)
}

// sameContent reports whether the file at p already holds f's bytes.
func sameContent(p string, f *builder.File) bool {
	fi, err := os.Lstat(p)
	if err != nil || !fi.Mode().IsRegular() || fi.Size() != f.Size {
		return false
	}
	data, err := os.ReadFile(p)
	if err != nil {
		return false
	}
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:]) == f.SHA256
}

func writeFileAtomic(p string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(p), ".igny8-tmp-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // after a successful rename there is nothing left to remove
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), p)
}

// writeMarker records the build (summary and every file's sha256 and size)
// in dir; its presence lets a later build replace dir.
func writeMarker(res *builder.Output, dir string) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	if err := enc.Encode(res); err != nil {
		return err
	}
	return writeFileAtomic(filepath.Join(dir, buildMarker), buf.Bytes())
}
