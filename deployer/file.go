package deployer

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"mime"
	"path"
	"strings"

	"github.com/igny8/igny8"
)

// File is one file of a build to deploy. Its bytes come from Data or, when
// Data is nil, from Open; either way a worker holds one file in memory at a
// time while it hashes and compresses it.
type File struct {
	Path string // site path without a leading slash: "index.html", "css/site.css"
	Data []byte
	Open func() (io.ReadCloser, error)
	// SHA256 (hex) and Size, when set, are checked against the bytes.
	SHA256 string
	Size   int64
}

// load returns the file's bytes and their sha256, checked against the given
// ones.
func (f File) load() ([]byte, string, error) {
	data := f.Data
	if data == nil && f.Open != nil {
		rc, err := f.Open()
		if err != nil {
			return nil, "", fmt.Errorf("open %s: %w", f.Path, err)
		}
		data, err = io.ReadAll(rc)
		rc.Close()
		if err != nil {
			return nil, "", fmt.Errorf("read %s: %w", f.Path, err)
		}
	}
	sum := sha256.Sum256(data)
	hash := hex.EncodeToString(sum[:])
	if f.SHA256 != "" && !strings.EqualFold(f.SHA256, hash) {
		return nil, "", igny8.Errorf(igny8.EInvalid, "File %s: sha256 %s does not match its bytes.", f.Path, f.SHA256)
	}
	if f.Size != 0 && f.Size != int64(len(data)) {
		return nil, "", igny8.Errorf(igny8.EInvalid, "File %s: size %d does not match its %d bytes.", f.Path, f.Size, len(data))
	}
	return data, hash, nil
}

// validPath reports whether p is a clean relative site path.
func validPath(p string) bool {
	return p != "" && p != "." && !strings.HasPrefix(p, "/") && path.Clean(p) == p &&
		p != ".." && !strings.HasPrefix(p, "../") && !strings.ContainsAny(p, "\x00\\")
}

// ContentType returns the content type of a site path by its extension. The
// types the edge serves most are fixed here, so they do not depend on the
// host's mime tables.
func ContentType(p string) string {
	ext := strings.ToLower(path.Ext(p))
	switch ext {
	case ".html", ".htm":
		return "text/html; charset=utf-8"
	case ".css":
		return "text/css; charset=utf-8"
	case ".js", ".mjs":
		return "text/javascript; charset=utf-8"
	case ".json", ".map":
		return "application/json"
	case ".webmanifest":
		return "application/manifest+json"
	case ".xml":
		return "application/xml"
	case ".rss":
		return "application/rss+xml"
	case ".atom":
		return "application/atom+xml"
	case ".svg":
		return "image/svg+xml"
	case ".txt":
		return "text/plain; charset=utf-8"
	case ".md":
		return "text/markdown; charset=utf-8"
	case ".csv":
		return "text/csv; charset=utf-8"
	case ".ico":
		return "image/x-icon"
	case ".png":
		return "image/png"
	case ".jpg", ".jpeg":
		return "image/jpeg"
	case ".gif":
		return "image/gif"
	case ".webp":
		return "image/webp"
	case ".avif":
		return "image/avif"
	case ".woff":
		return "font/woff"
	case ".woff2":
		return "font/woff2"
	case ".ttf":
		return "font/ttf"
	case ".otf":
		return "font/otf"
	case ".pdf":
		return "application/pdf"
	case ".wasm":
		return "application/wasm"
	case ".mp4":
		return "video/mp4"
	case ".webm":
		return "video/webm"
	case ".mp3":
		return "audio/mpeg"
	}
	if ct := mime.TypeByExtension(ext); ct != "" {
		return ct
	}
	return "application/octet-stream"
}

// compressible reports whether a content type is worth precompressing.
func compressible(contentType string) bool {
	mt, _, _ := strings.Cut(contentType, ";")
	switch mt {
	case "application/json", "application/manifest+json", "application/xml", "application/rss+xml",
		"application/atom+xml", "application/javascript", "application/wasm", "image/svg+xml",
		"image/x-icon", "font/ttf", "font/otf":
		return true
	}
	return strings.HasPrefix(mt, "text/")
}

// immutable reports whether a file's name carries its own sha256 (the 64
// hex digits, in any case), which makes its URL safe to cache forever: the
// name can only ever mean these bytes. A short content hash, as Vite
// (index-BxR4kq2Z.js) or webpack (main.8f573f658b.css) write, does not
// qualify: it is made by another tool with an algorithm of its own, and
// the deployer cannot check that it covers the bytes, so a build that
// reuses such a name for other bytes would leave caches serving the old
// ones for a year. Those files are revalidated instead (the edge answers
// 304 on their strong ETag); the edge's skew protection serves them for
// pages loaded before a promote whatever their names.
func immutable(p, sha string) bool {
	return strings.Contains(strings.ToLower(path.Base(p)), sha)
}

// encode returns data compressed by e.
func encode(e Encoder, data []byte) ([]byte, error) {
	var buf bytes.Buffer
	w, err := e.New(&buf)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", e.Name, err)
	}
	if _, err := w.Write(data); err != nil {
		return nil, fmt.Errorf("%s: %w", e.Name, err)
	}
	if err := w.Close(); err != nil {
		return nil, fmt.Errorf("%s: %w", e.Name, err)
	}
	return buf.Bytes(), nil
}
