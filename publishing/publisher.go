package publishing

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"time"

	"github.com/igny8/igny8"
)

// Store keeps the publishing records (*postgres.DB implements it).
type Store interface {
	// PublishingRecord returns the record of a piece on an integration,
	// creating a pending one the first time.
	PublishingRecord(ctx context.Context, siteID, contentID, integrationID int64) (*igny8.PublishingRecord, error)
	// RecordPublish records an attempt: the record's status, remote id
	// and URL, content hash and error as the attempt left them.
	RecordPublish(ctx context.Context, r *igny8.PublishingRecord) error
}

// Destination writes content pieces to one integration's platform.
type Destination interface {
	// Publish creates the remote object of a piece, or updates the one
	// rec names (rec.RemoteID not ""). key is the same for the same
	// piece, destination and content version, so a destination that
	// honours it never makes a second object. The error says in plain
	// words what went wrong; Permanent tells whether retrying can help.
	Publish(ctx context.Context, c *igny8.Content, rec *igny8.PublishingRecord, key string) (Remote, error)
}

// Remote is a remote object a destination wrote.
type Remote struct {
	ID  string
	URL string
	// Modified is when the platform last changed the object, as it
	// reports it after the write (zero if it does not say).
	Modified time.Time
	// Hash identifies what the platform holds of the object right after
	// the write, by the destination's own measure (wordpress.RemoteHash),
	// so a later sync can tell whether someone edited it there; "" if
	// the destination does not compute one.
	Hash string
	// Adopted says the destination found the object IGNY8 had written
	// for the piece (by its slug and marker) and updated it, rather than
	// making one: the record had lost it.
	Adopted bool
}

// Outcome is what Publish did with a piece.
type Outcome string

const (
	Created   Outcome = "created"   // a new remote object
	Updated   Outcome = "updated"   // the remote object the record names, rewritten
	Unchanged Outcome = "unchanged" // already published in this version: nothing written
)

// Publisher publishes pieces to destinations, once per content version.
type Publisher struct {
	Store Store
	// Version, when set, is part of a piece's version besides the piece
	// itself: where its links point on the destination. A piece whose
	// links resolve elsewhere now (a page it links to was published
	// there since) is written again.
	Version VersionFunc
	// Prepare, when set, gives the piece as the destination is to get it
	// (with what the site keeps beside it, such as its generated images,
	// put on its page); Version must then cover what it adds. The record
	// keeps the hash of the piece itself.
	Prepare func(ctx context.Context, c *igny8.Content) (*igny8.Content, error)
}

// VersionFunc gives what else decides how a piece looks on a destination;
// "" when nothing does.
type VersionFunc func(ctx context.Context, c *igny8.Content) (string, error)

// VersionHash is the hash of the version of c on a destination: its
// ContentHash, combined with what version gives when that is not "".
func VersionHash(ctx context.Context, c *igny8.Content, version VersionFunc) (string, error) {
	h, err := ContentHash(c)
	if err != nil || version == nil {
		return h, err
	}
	v, err := version(ctx, c)
	if err != nil || v == "" {
		return h, err
	}
	sum := sha256.Sum256([]byte(h + "\x00" + v))
	return hex.EncodeToString(sum[:16]), nil
}

// Publish publishes content c of integration in's site to dest: unless
// it is already there in this version, it writes it and records the
// outcome. A refused combination (see Supports) writes and records
// nothing. A failed write is recorded (status failed, the error in words)
// and returned.
func (p *Publisher) Publish(ctx context.Context, in *igny8.Integration, dest Destination, c *igny8.Content) (*igny8.PublishingRecord, Outcome, error) {
	if err := Supports(in, c.EntityType); err != nil {
		return nil, "", err
	}
	if !in.Active {
		return nil, "", igny8.Errorf(igny8.EInvalid, "The integration %q is not active: activate it to publish to it.", in.Name)
	}
	rec, err := p.Store.PublishingRecord(ctx, c.SiteID, c.ID, in.ID)
	if err != nil {
		return nil, "", err
	}
	hash, err := VersionHash(ctx, c, p.Version)
	if err != nil {
		return nil, "", err
	}
	if rec.Status == igny8.PublishPublished && rec.ContentHash == hash {
		return rec, Unchanged, nil
	}
	outcome := Created
	if rec.RemoteID != "" {
		outcome = Updated
	}
	sent := c
	if p.Prepare != nil {
		if sent, err = p.Prepare(ctx, c); err != nil {
			return nil, "", err
		}
	}
	remote, perr := dest.Publish(ctx, sent, rec, IdempotencyKey(in.ID, c.ID, hash))
	if perr != nil {
		rec.Status, rec.LastError = igny8.PublishFailed, igny8.ErrorMessage(perr)
		if err := p.Store.RecordPublish(ctx, rec); err != nil {
			return nil, "", fmt.Errorf("record the failed publish of content %d (%v): %w", c.ID, perr, err)
		}
		return rec, "", perr
	}
	if remote.Adopted {
		outcome = Updated // found, not made: IGNY8 wrote it before and lost the record
	}
	rec.Status, rec.LastError, rec.ContentHash = igny8.PublishPublished, "", hash
	if remote.ID != "" {
		rec.RemoteID = remote.ID
	}
	if remote.URL != "" {
		rec.RemoteURL = remote.URL
	}
	// What the destination holds now: a destination that gives no version
	// leaves none, and the next sync takes the object as it is then.
	rec.RemoteHash, rec.RemoteModified = remote.Hash, nil
	if !remote.Modified.IsZero() {
		m := remote.Modified
		rec.RemoteModified = &m
	}
	if err := p.Store.RecordPublish(ctx, rec); err != nil {
		return nil, "", err
	}
	return rec, outcome, nil
}

// IdempotencyKey is the key of one version of a piece on a destination.
func IdempotencyKey(integrationID, contentID int64, hash string) string {
	return fmt.Sprintf("igny8-%d-%d-%s", integrationID, contentID, hash)
}

// ContentHash identifies the version of a piece that a destination shows:
// its title, slug, entity type, SEO fields and page.
func ContentHash(c *igny8.Content) (string, error) {
	b, err := json.Marshal(struct {
		Title, Slug, EntityType, MetaTitle, MetaDescription string
		Page                                                json.RawMessage
	}{c.Title, c.Slug, c.EntityType, c.MetaTitle, c.MetaDescription, canonical(c.Page)})
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:16]), nil
}

// canonical re-encodes JSON with sorted keys and no spaces, so the same
// page hashes the same however it was written.
func canonical(raw json.RawMessage) json.RawMessage {
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		return raw
	}
	b, err := json.Marshal(v)
	if err != nil {
		return raw
	}
	return b
}

// Supports says whether content of an entity type can go to an
// integration's platform: nil, or an invalid error saying why not.
func Supports(in *igny8.Integration, entityType string) error {
	type route struct{ platform, entity string }
	refused := map[route]string{
		{igny8.PlatformShopify, igny8.EntityService}: "Shopify has no place for service pages; publish them to the IGNY8 site or WordPress",
	}
	if why, ok := refused[route{in.Platform, entityType}]; ok {
		return igny8.Errorf(igny8.EInvalid, "%s.", why)
	}
	if in.Platform == igny8.PlatformWordPress && entityType == igny8.EntityProduct && in.PlatformType != igny8.PlatformTypeEcommerce {
		return igny8.Errorf(igny8.EInvalid, "Products go to WordPress only through WooCommerce: set the integration %q's platform_type to ecommerce if the site runs WooCommerce.", in.Name)
	}
	switch entityType {
	case igny8.EntityPost, igny8.EntityPage, igny8.EntityProduct, igny8.EntityTaxonomy, igny8.EntityService:
		return nil
	}
	return igny8.Errorf(igny8.EInvalid, "Content of type %q cannot be published to %s.", entityType, in.Platform)
}
