package igny8

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strings"
	"sync"
	"time"
)

// MaxSiteSlugLen is the longest site slug. A slug is the first label of the
// site's host, <slug>.<sites domain>, and the end of each preview host's
// label, <deploy-id>--<slug>; a DNS label holds 63 bytes and a deploy id
// with its "--" takes 27 of them.
const MaxSiteSlugLen = 36

// reservedSlugs are labels the platform may need under its sites domain
// for itself.
var reservedSlugs = map[string]bool{
	"www": true, "api": true, "app": true, "admin": true, "dashboard": true, "status": true, "mail": true,
}

// CheckSiteSlug reports whether slug may name a site: 1 to MaxSiteSlugLen
// lowercase letters, digits and single hyphens, starting and ending with a
// letter or digit, and not a name the platform keeps for itself. Every door
// (API, CLI, database) applies this one rule. The error is an invalid
// *Error whose message says what a slug must be.
func CheckSiteSlug(slug string) error {
	if slug == "" {
		return Errorf(EInvalid, "A site slug is required: 1 to %d lowercase letters, digits and single hyphens.", MaxSiteSlugLen)
	}
	ok := len(slug) <= MaxSiteSlugLen && slug[0] != '-' && slug[len(slug)-1] != '-' && !strings.Contains(slug, "--")
	for i := 0; ok && i < len(slug); i++ {
		c := slug[i]
		ok = 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-'
	}
	if !ok {
		return Errorf(EInvalid, "Site slug %q is not valid: use 1 to %d lowercase letters, digits and single hyphens, starting and ending with a letter or digit (it becomes the host name <slug>.<sites domain>, and \"--\" is kept for preview hosts).", clip(slug, 80), MaxSiteSlugLen)
	}
	if reservedSlugs[slug] {
		return Errorf(EInvalid, "Site slug %q is kept for the platform's own host names; choose another.", slug)
	}
	return nil
}

// NewStorageID returns a new random storage id: 16 lowercase hex digits.
// A site's objects live under its storage id (a bucket or a prefix), which
// is never reused, so a site made later with a freed slug can reach none of
// an earlier site's deploys.
func NewStorageID() string {
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		// crypto/rand does not fail on supported platforms.
		panic(fmt.Sprintf("igny8: read random storage id: %v", err))
	}
	return hex.EncodeToString(b[:])
}

// DeployCounts is the size of a deploy and how much of it was uploaded:
// the one shape of deploy counts in the history, the jobs and the CLI.
type DeployCounts struct {
	Files         int   `json:"files"`          // files in the deploy
	Bytes         int64 `json:"bytes"`          // their total size
	UploadedFiles int   `json:"uploaded_files"` // files whose bytes had to be uploaded (the rest were stored)
	UploadedBytes int64 `json:"uploaded_bytes"` // their size
}

// ThrottleProgress returns a progress callback that passes on the first
// update (the totals, before the upload) and then about twenty of an
// upload's updates to fn, not one per file. It is safe for concurrent use.
func ThrottleProgress(fn func(DeployCounts)) func(DeployCounts) {
	var mu sync.Mutex
	step, last := 0, 0
	return func(c DeployCounts) {
		mu.Lock()
		defer mu.Unlock()
		if step == 0 {
			step = max(1, c.Files/20)
		} else if c.UploadedFiles-last < step {
			return
		}
		last = c.UploadedFiles
		fn(c)
	}
}

// clip shortens s for a message.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// SiteDeletion is what remains to be done for a deleted site: its routes
// removed and its live pointer replaced by a tombstone at once (retried
// until RoutesRemovedAt is set), and its objects deleted after PurgeAfter.
type SiteDeletion struct {
	ID              int64      `json:"id"`
	AccountID       int64      `json:"account_id"`
	SiteID          int64      `json:"site_id"`
	Slug            string     `json:"slug"`
	StorageID       string     `json:"storage_id"`
	Hosts           []string   `json:"hosts"` // the verified custom domains that routed to the site
	DeletedAt       time.Time  `json:"deleted_at"`
	PurgeAfter      time.Time  `json:"purge_after"`
	RoutesRemovedAt *time.Time `json:"routes_removed_at"`
	PurgedAt        *time.Time `json:"purged_at"`
	Attempts        int        `json:"attempts"`
	LastError       string     `json:"last_error"`
}

// Route is a host name and the storage id of the site it serves: a
// routing entry as the edges read it.
type Route struct {
	Host      string
	StorageID string
}

// Asset is a file of a site's asset library: an image, font or document its
// blueprint refers to by Path (as "assets/logo.svg"). The bytes are stored
// once per content, under their sha256, in the site's storage.
type Asset struct {
	ID          int64     `json:"id"`
	AccountID   int64     `json:"account_id"`
	SiteID      int64     `json:"site_id"`
	Path        string    `json:"path"`
	SHA256      string    `json:"sha256"`
	Size        int64     `json:"size"`
	ContentType string    `json:"content_type"`
	CreatedBy   *int64    `json:"created_by"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
}

// MaxAssetPathLen is the longest asset path.
const MaxAssetPathLen = 512

// CheckAssetPath reports whether p may name an asset: a relative,
// slash-separated path of printable characters without empty, "." or ".."
// segments, at most MaxAssetPathLen bytes.
func CheckAssetPath(p string) error {
	bad := p == "" || len(p) > MaxAssetPathLen || strings.HasPrefix(p, "/") || strings.HasSuffix(p, "/") || strings.Contains(p, "\\")
	for _, seg := range strings.Split(p, "/") {
		bad = bad || seg == "" || seg == "." || seg == ".."
	}
	for _, r := range p {
		bad = bad || r < 0x20 || r == 0x7f
	}
	if bad {
		return Errorf(EInvalid, "Asset path %q is not valid: use a relative path such as assets/logo.svg (no leading or trailing slash, no backslashes, no empty, \".\" or \"..\" parts, at most %d bytes).", clip(p, 80), MaxAssetPathLen)
	}
	return nil
}
