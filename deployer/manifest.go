package deployer

import (
	"time"

	"github.com/igny8/igny8/deployer/rules"
)

// ManifestVersion is the version of the Manifest format written.
const ManifestVersion = 1

// Manifest is everything the edge needs to serve one deploy: every file by
// path, the compiled redirect and header rules, the 404 page and the URL
// policy. It is written once, after all its blobs are stored, and never
// changed: a manifest that exists is a ready deploy.
type Manifest struct {
	Version   int       `json:"version"`
	DeployID  string    `json:"deploy_id"`
	SiteID    string    `json:"site_id"`
	CreatedAt time.Time `json:"created_at"`
	// Base is the deploy a delta deploy was made from; its unchanged files
	// are listed here too, so a manifest never needs its base to be read.
	Base string `json:"base,omitempty"`

	// Files maps a site path without its leading slash ("index.html",
	// "blog/first/index.html", "css/site.<hash>.css") to its entry.
	Files     map[string]FileEntry `json:"files"`
	NotFound  string               `json:"not_found,omitempty"` // path of the site's 404 page
	URLPolicy URLPolicy            `json:"url_policy"`
	Redirects []rules.Redirect     `json:"redirects,omitempty"`
	Headers   []rules.HeaderRule   `json:"headers,omitempty"`
	Preview   *Preview             `json:"preview,omitempty"`
	Build     map[string]any       `json:"build,omitempty"` // pages, duration, builder version…
}

// FileEntry describes one file of a deploy.
type FileEntry struct {
	SHA256      string   `json:"sha256"`
	Size        int64    `json:"size"`
	ContentType string   `json:"content_type"`
	Encodings   []string `json:"encodings,omitempty"` // precompressed variants stored: "br", "gzip"
	// Immutable is set when the file's name carries its own sha256 (checked
	// against the bytes), so it may be cached forever.
	Immutable bool `json:"immutable,omitempty"`
}

// URLPolicy says how a site's URLs look.
type URLPolicy struct {
	// TrailingSlash: "always" redirects /a to /a/ when a/index.html exists,
	// "never" redirects /a/ to /a, "" serves both.
	TrailingSlash string `json:"trailing_slash,omitempty"`
	// PrettyHTML serves a.html at /a and redirects /a.html to /a.
	PrettyHTML bool `json:"pretty_html,omitempty"`
}

// Preview holds the access rules of a deploy's preview host,
// <deploy-id>--<site>.<sites domain>.
type Preview struct {
	ExpiresAt    time.Time `json:"expires_at,omitzero"`
	PasswordHash string    `json:"password_hash,omitempty"` // bcrypt; empty: no password
}

// LiveRef is the content of refs/live: which deploy a site serves. It is
// only ever replaced by a compare-and-swap on its storage generation, and
// Generation counts the swaps so every write differs.
type LiveRef struct {
	DeployID   string    `json:"deploy_id"`
	Generation int64     `json:"generation"`
	Previous   string    `json:"previous,omitempty"` // the deploy it replaced: the target of an undo
	UpdatedAt  time.Time `json:"updated_at"`
	// Deleted marks the tombstone of a deleted site: nothing is live, no
	// deploy may be promoted, and the edge serves nothing of the site.
	Deleted bool `json:"deleted,omitempty"`
}
