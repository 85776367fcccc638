package igny8

import (
	"encoding/json"
	"time"
)

// Integration platforms.
const (
	PlatformWordPress = "wordpress"
	PlatformShopify   = "shopify"
	PlatformCustom    = "custom"
)

// Integration platform types.
const (
	PlatformTypeCMS       = "cms"
	PlatformTypeEcommerce = "ecommerce"
	PlatformTypeCustomAPI = "custom_api"
)

// Integration sync states.
const (
	SyncNever   = "never"
	SyncSyncing = "syncing"
	SyncOK      = "ok"
	SyncError   = "error"
)

// Platforms and PlatformTypes list the valid values, in order.
var (
	Platforms     = []string{PlatformWordPress, PlatformShopify, PlatformCustom}
	PlatformTypes = []string{PlatformTypeCMS, PlatformTypeEcommerce, PlatformTypeCustomAPI}
)

// DefaultPlatformType is the type of a platform's integration when none
// is given: WordPress is a CMS (ecommerce with WooCommerce), Shopify a
// store, a custom integration an API.
func DefaultPlatformType(platform string) string {
	switch platform {
	case PlatformShopify:
		return PlatformTypeEcommerce
	case PlatformCustom:
		return PlatformTypeCustomAPI
	}
	return PlatformTypeCMS
}

// Integration is another platform a site publishes to or syncs with: a
// WordPress site, a Shopify store, a custom API. Its credentials are
// never part of it: the store keeps them sealed (SealedCredentials), and
// the API shows only their fingerprint.
type Integration struct {
	ID           int64           `json:"id"`
	AccountID    int64           `json:"account_id"`
	SiteID       int64           `json:"site_id"`
	Platform     string          `json:"platform"`
	PlatformType string          `json:"platform_type"`
	Name         string          `json:"name"`
	URL          string          `json:"url"`
	Config       json.RawMessage `json:"config"`
	// CredentialsFingerprint identifies the stored credentials without
	// revealing them; "" when there are none.
	CredentialsFingerprint string     `json:"credentials_fingerprint"`
	Active                 bool       `json:"active"`
	SyncEnabled            bool       `json:"sync_enabled"`
	LastSyncAt             *time.Time `json:"last_sync_at"`
	SyncStatus             string     `json:"sync_status"`
	// LastError is the last sync or connection problem, in words; "" when
	// the last one went well.
	LastError string    `json:"last_error"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// SealedCredentials are an integration's credentials as stored: the
// ciphertext (bound to the account and the integration), the id of the
// key that sealed it, and the fingerprint shown instead.
type SealedCredentials struct {
	Ciphertext  []byte
	KeyID       uint32
	Fingerprint string
}

// Sealer seals an integration's credentials for its row, once the row's
// id exists (the ciphertext is bound to account and integration).
type Sealer func(accountID, integrationID int64) (*SealedCredentials, error)

// IntegrationUpdate is a change of an integration's settings; nil fields
// stay as they are.
type IntegrationUpdate struct {
	Name        *string         `json:"name,omitempty"`
	Config      json.RawMessage `json:"config,omitempty"`
	Active      *bool           `json:"active,omitempty"`
	SyncEnabled *bool           `json:"sync_enabled,omitempty"`
}

// Jobs of integrations.
const (
	// JobDistribute publishes content pieces to one of the site's
	// integrations.
	JobDistribute = "distribute"
	// JobSync brings edits made on an integration's platform back as
	// revisions, marks conflicts and detects deletions.
	JobSync = "sync"
	// JobImport makes IGNY8 content of what an integration's platform
	// already holds.
	JobImport = "import"
)

// A piece's sync state on one destination (PublishingRecord.SyncStatus).
const (
	RecordInSync        = "in_sync"        // both sides hold the same version
	RecordLocalChanges  = "local_changes"  // IGNY8's is newer: publishing sends it
	RecordRemoteChanges = "remote_changes" // the destination's is newer: syncing brings it back
	RecordConflict      = "conflict"       // both changed: RemoteVersion holds theirs until resolved
	RecordRemoteDeleted = "remote_deleted" // the remote object was deleted there
)

// RemoteVersion is a destination's version of a piece, kept while it
// conflicts with IGNY8's.
type RemoteVersion struct {
	Title    string          `json:"title"`
	Excerpt  string          `json:"excerpt"`
	Page     json.RawMessage `json:"page"` // the remote body as a blueprint page
	Modified time.Time       `json:"modified"`
	Hash     string          `json:"hash"`
}

// Publishing record states.
const (
	PublishPending   = "pending"
	PublishPublished = "published"
	PublishFailed    = "failed"
)

// PublishingRecord is where one content piece was published on one
// destination (an integration): the remote object, the content's hash
// when it was last written, and how the last attempt went.
type PublishingRecord struct {
	ID            int64  `json:"id"`
	AccountID     int64  `json:"account_id"`
	SiteID        int64  `json:"site_id"`
	ContentID     int64  `json:"content_id"`
	IntegrationID int64  `json:"integration_id"`
	Status        string `json:"status"` // PublishPending, PublishPublished, PublishFailed
	RemoteID      string `json:"remote_id"`
	RemoteURL     string `json:"remote_url"`
	// ContentHash is the hash of the content as last written remotely;
	// a piece whose hash differs has changes to publish.
	ContentHash string `json:"content_hash"`
	SyncStatus  string `json:"sync_status"`
	Attempts    int    `json:"attempts"`
	// LastError is the last attempt's problem in words; "" after a
	// success.
	LastError   string     `json:"last_error"`
	PublishedAt *time.Time `json:"published_at"`
	// RemoteHash and RemoteModified are the remote object as IGNY8 last
	// wrote or read it: a sync that finds another hash found an edit
	// made there.
	RemoteHash     string     `json:"remote_hash"`
	RemoteModified *time.Time `json:"remote_modified"`
	// RemoteVersion is the destination's version while SyncStatus is
	// RecordConflict, nil otherwise.
	RemoteVersion *RemoteVersion `json:"remote_version,omitempty"`
	SyncedAt      *time.Time     `json:"synced_at"`
	CreatedAt     time.Time      `json:"created_at"`
	UpdatedAt     time.Time      `json:"updated_at"`
}
