package main

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"mime"
	"path"
	"regexp"
	"slices"
	"strings"
	"sync"

	"github.com/igny8/igny8"
	"github.com/igny8/igny8/blueprints"
	"github.com/igny8/igny8/postgres"
	"github.com/igny8/igny8/publishing"
	"github.com/igny8/igny8/publishing/markup"
	"github.com/igny8/igny8/sites"
	"github.com/igny8/igny8/writer"
)

// maxAssetBytes is the largest asset a destination is sent.
const maxAssetBytes = 32 << 20

// siteRefs implements publishing.Refs for one site and integration: the
// asset files and pages the active blueprint has, the remote URLs of the
// integration's publishing records, the clusters content came from. It
// reads each once per job.
type siteRefs struct {
	db          *postgres.DB
	sites       *sites.Service
	site        *igny8.Site
	integration int64

	once     sync.Once
	err      error
	bp       *blueprints.Blueprint
	assetFS  fs.FS
	remote   map[string]string // page id (content slug) → remote URL on the integration
	topics   map[int64]igny8.ContentTopic
	clusters map[int64]string

	mu     sync.Mutex
	extra  map[string]*blueprints.Asset    // generated images Prepare put on pages, by asset id
	images map[int64][]*igny8.ContentImage // content's generated images, read once
}

// contentImages reads content id's generated images once (Version,
// Prepare and Reverse each need them).
func (r *siteRefs) contentImages(ctx context.Context, id int64) ([]*igny8.ContentImage, error) {
	r.mu.Lock()
	imgs, ok := r.images[id]
	r.mu.Unlock()
	if ok {
		return imgs, nil
	}
	imgs, err := r.db.ContentImages(ctx, r.site.ID, id)
	if err != nil {
		return nil, err
	}
	r.mu.Lock()
	if r.images == nil {
		r.images = map[int64][]*igny8.ContentImage{}
	}
	r.images[id] = imgs
	r.mu.Unlock()
	return imgs, nil
}

var _ publishing.Refs = (*siteRefs)(nil)

func (r *siteRefs) load(ctx context.Context) error {
	r.once.Do(func() { r.err = r.read(ctx) })
	return r.err
}

func (r *siteRefs) read(ctx context.Context) error {
	doc, _, err := r.db.ActiveBlueprintJSON(ctx, r.site.ID)
	if err != nil {
		return err
	}
	r.bp = new(blueprints.Blueprint)
	if err := json.Unmarshal(doc, r.bp); err != nil {
		return fmt.Errorf("read the active blueprint of site %d: %w", r.site.ID, err)
	}
	if r.sites != nil {
		if r.assetFS, err = r.sites.AssetFS(ctx, r.site); err != nil {
			return err
		}
	}
	recs, err := r.db.PublishingRecords(ctx, r.site.ID, nil)
	if err != nil {
		return err
	}
	bySlug := map[int64]string{}
	var after int64
	for {
		list, err := r.db.Contents(ctx, r.site.ID, igny8.ContentFilter{After: after, Limit: 500})
		if err != nil {
			return err
		}
		for _, c := range list {
			bySlug[c.ID] = c.Slug
			after = c.ID
		}
		if len(list) < 500 {
			break
		}
	}
	r.remote = map[string]string{}
	for _, rec := range recs {
		if rec.IntegrationID == r.integration && rec.RemoteURL != "" && rec.Status == igny8.PublishPublished &&
			rec.SyncStatus != igny8.RecordRemoteDeleted {
			r.remote[bySlug[rec.ContentID]] = rec.RemoteURL
		}
	}
	if r.topics, err = r.db.ContentTopics(ctx, r.site.ID); err != nil {
		return err
	}
	r.clusters = map[int64]string{}
	return nil
}

// Asset reads asset id of the active blueprint: a file of the site's
// asset library, or inline data.
func (r *siteRefs) Asset(ctx context.Context, id string) (*publishing.Asset, error) {
	if err := r.load(ctx); err != nil {
		return nil, err
	}
	r.mu.Lock()
	a := r.extra[id]
	r.mu.Unlock()
	if a == nil {
		a = r.bp.Assets[id]
	}
	if a == nil {
		return nil, igny8.Errorf(igny8.ENotFound, "The site's blueprint has no asset %q; add it or remove the image that shows it.", id)
	}
	out := &publishing.Asset{ID: id}
	if a.Alt != nil {
		out.Alt = *a.Alt
	}
	switch {
	case a.Data != "":
		b, err := base64.StdEncoding.DecodeString(a.Data)
		if err != nil {
			return nil, igny8.Errorf(igny8.EInvalid, "The asset %q's inline data is not base64.", id)
		}
		out.Data, out.ContentType = b, a.Type
		exts, _ := mime.ExtensionsByType(a.Type)
		out.Name = id
		if len(exts) > 0 {
			out.Name += exts[0]
		}
	case a.Path != "" && r.assetFS != nil:
		f, err := r.assetFS.Open(strings.TrimPrefix(path.Clean("/"+a.Path), "/"))
		if err != nil {
			return nil, igny8.Errorf(igny8.ENotFound, "The file %q of asset %q is not in the site's asset library; upload it again.", a.Path, id)
		}
		defer f.Close()
		b, err := io.ReadAll(io.LimitReader(f, maxAssetBytes+1))
		if err != nil {
			return nil, fmt.Errorf("read asset %q: %w", id, err)
		}
		if len(b) > maxAssetBytes {
			return nil, igny8.Errorf(igny8.EInvalid, "The asset %q is larger than %d MiB; platforms refuse such uploads.", id, maxAssetBytes>>20)
		}
		out.Data, out.Name = b, path.Base(a.Path)
		out.ContentType = mime.TypeByExtension(path.Ext(a.Path))
	default:
		return nil, igny8.Errorf(igny8.ENotFound, "The asset %q has no file in the site's asset library.", id)
	}
	if out.ContentType == "" {
		out.ContentType = "application/octet-stream"
	}
	out.SHA256 = sha256Hex(out.Data)
	return out, nil
}

// Link is where a link to page pageID points on this integration: the
// page's remote URL, else its live URL on the IGNY8 site, else nowhere.
func (r *siteRefs) Link(ctx context.Context, pageID string) (string, error) {
	if err := r.load(ctx); err != nil {
		return "", err
	}
	if u := r.remote[pageID]; u != "" {
		return u, nil
	}
	if r.bp.Site.BaseURL == "" {
		return "", nil
	}
	for _, p := range r.bp.Pages {
		if p.ID == pageID && !p.Draft {
			return strings.TrimSuffix(r.bp.Site.BaseURL, "/") + p.Path, nil
		}
	}
	return "", nil
}

// Categories are the name of the cluster the content was written for.
func (r *siteRefs) Categories(ctx context.Context, contentID int64) ([]string, error) {
	if err := r.load(ctx); err != nil {
		return nil, err
	}
	t, ok := r.topics[contentID]
	if !ok || t.ClusterID == 0 {
		return nil, nil
	}
	name, ok := r.clusters[t.ClusterID]
	if !ok {
		c, err := r.db.Cluster(ctx, r.site.ID, t.ClusterID)
		if err != nil {
			return nil, err
		}
		name = c.Name
		r.clusters[t.ClusterID] = name
	}
	return []string{name}, nil
}

func sha256Hex(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// LinkVersion is where content c's links point on this integration, one
// "page=URL" line per page it links to, sorted: a piece is written again
// when that changes (publishing.Publisher.Version).
func (r *siteRefs) LinkVersion(ctx context.Context, c *igny8.Content) (string, error) {
	var page blueprints.Page
	if err := json.Unmarshal(c.Page, &page); err != nil {
		return "", nil // the adapter says what is wrong with the page
	}
	ids := map[string]bool{}
	var walk func(v any, key string)
	walk = func(v any, key string) {
		switch v := v.(type) {
		case string:
			if id, ok := strings.CutPrefix(v, "page:"); ok {
				id, _, _ = strings.Cut(id, "#")
				ids[id] = true
			}
			for _, ref := range blueprints.MarkdownRefs(v) {
				if ref.Kind == "page" {
					ids[ref.ID] = true
				}
			}
			if key == "pages" {
				ids[v] = true
			}
		case []any:
			for _, e := range v {
				walk(e, key)
			}
		case map[string]any:
			for k, e := range v {
				walk(e, k)
			}
		}
	}
	var blocks func([]*blueprints.Block)
	blocks = func(bs []*blueprints.Block) {
		for _, b := range bs {
			walk(b.Props, "")
			blocks(b.Children)
		}
	}
	blocks(page.Blocks)
	lines := make([]string, 0, len(ids))
	for id := range ids {
		u, err := r.Link(ctx, id)
		if err != nil {
			return "", err
		}
		lines = append(lines, id+"="+u)
	}
	slices.Sort(lines)
	return strings.Join(lines, "\n"), nil
}

// Prepare is content c as a destination gets it: its generated images
// (featured and in-content) put on its page as the IGNY8 site shows them
// (writer.AttachImages), their files known to Asset.
func (r *siteRefs) Prepare(ctx context.Context, c *igny8.Content) (*igny8.Content, error) {
	imgs, err := r.contentImages(ctx, c.ID)
	if err != nil || len(imgs) == 0 {
		return c, err
	}
	var page blueprints.Page
	if err := json.Unmarshal(c.Page, &page); err != nil {
		return c, nil // the adapter says what is wrong with the page
	}
	entries := writer.AttachImages(&page, imgs)
	if len(entries) == 0 {
		return c, nil
	}
	r.mu.Lock()
	if r.extra == nil {
		r.extra = map[string]*blueprints.Asset{}
	}
	for id, raw := range entries {
		var a blueprints.Asset
		if err := json.Unmarshal(raw, &a); err == nil {
			r.extra[id] = &a
		}
	}
	r.mu.Unlock()
	out := *c
	if out.Page, err = json.Marshal(&page); err != nil {
		return nil, err
	}
	return &out, nil
}

// Version is what besides the piece decides how it looks on this
// integration: where its links point (LinkVersion) and which generated
// images Prepare puts on it.
func (r *siteRefs) Version(ctx context.Context, c *igny8.Content) (string, error) {
	links, err := r.LinkVersion(ctx, c)
	if err != nil {
		return "", err
	}
	imgs, err := r.contentImages(ctx, c.ID)
	if igny8.ErrorCode(err) == igny8.ENotFound {
		// Content being imported, not committed yet: no images of ours.
		imgs, err = nil, nil
	}
	if err != nil {
		return "", err
	}
	var b strings.Builder
	b.WriteString(links)
	for _, img := range imgs {
		if img.AssetPath != "" {
			fmt.Fprintf(&b, "\nimage %d=%s %s", img.Position, img.SHA256, img.Alt)
		}
	}
	return b.String(), nil
}

// mediaSHA finds the sha256 prefix IGNY8 names its uploads with
// (igny8-<16 hex>, see wordpress.MediaSlug) in an image's URL, sized
// variants (-300x200, -scaled) included.
var mediaSHA = regexp.MustCompile(`igny8-([0-9a-f]{16})`)

// Reverse maps a remote body of content c back onto the site: links to
// pieces published on this integration (or to the IGNY8 site's pages)
// become page links again, images IGNY8 uploaded become its assets again,
// and the generated images Prepare puts on c's page are dropped (it puts
// them there again on the next publish).
func (r *siteRefs) Reverse(ctx context.Context, c *igny8.Content) (markup.BlocksOptions, func(*blueprints.Block) bool, error) {
	if err := r.load(ctx); err != nil {
		return markup.BlocksOptions{}, nil, err
	}
	pages := map[string]string{} // URL without fragment → page id
	for slug, u := range r.remote {
		pages[strings.TrimSuffix(u, "/")] = slug
	}
	if base := strings.TrimSuffix(r.bp.Site.BaseURL, "/"); base != "" {
		for _, p := range r.bp.Pages {
			pages[strings.TrimSuffix(base+p.Path, "/")] = p.ID
		}
	}
	bySHA := map[string]struct{ id, alt string }{}
	if err := r.assetSHAs(ctx, func(sha, id, alt string) { bySHA[sha[:16]] = struct{ id, alt string }{id, alt} }); err != nil {
		return markup.BlocksOptions{}, nil, err
	}
	generated := map[string]bool{}
	var imgs []*igny8.ContentImage
	if c.ID != 0 { // not an import
		var err error
		if imgs, err = r.contentImages(ctx, c.ID); err != nil {
			return markup.BlocksOptions{}, nil, err
		}
	}
	for _, img := range imgs {
		if img.AssetPath == "" || len(img.SHA256) < 16 {
			continue
		}
		id := writer.AssetID(c.Slug, img.Position)
		bySHA[img.SHA256[:16]] = struct{ id, alt string }{id, img.Alt}
		generated[id] = true
	}
	o := markup.BlocksOptions{
		Page: func(href string) (string, string, bool) {
			u, frag, _ := strings.Cut(href, "#")
			id, ok := pages[strings.TrimSuffix(u, "/")]
			if !ok {
				return "", "", false
			}
			if frag != "" {
				frag = "#" + frag
			}
			return id, frag, true
		},
		Asset: func(src string) (string, string, bool) {
			m := mediaSHA.FindStringSubmatch(src)
			if m == nil {
				return "", "", false
			}
			a, ok := bySHA[m[1]]
			return a.id, a.alt, ok
		},
	}
	drop := func(b *blueprints.Block) bool {
		if b.Type != "image" {
			return false
		}
		img, _ := b.Props["image"].(map[string]any)
		id, _ := img["asset"].(string)
		return generated[id]
	}
	return o, drop, nil
}

// assetSHAs calls fn with the sha256, id and alt text of each blueprint
// asset whose file is in the site's asset library.
func (r *siteRefs) assetSHAs(ctx context.Context, fn func(sha, id, alt string)) error {
	list, err := r.db.Assets(ctx, r.site.ID, 0, 0)
	if err != nil {
		return err
	}
	byPath := map[string]string{}
	for _, a := range list {
		byPath[a.Path] = a.SHA256
	}
	for id, a := range r.bp.Assets {
		if sha := byPath[a.Path]; a.Path != "" && len(sha) >= 16 {
			alt := ""
			if a.Alt != nil {
				alt = *a.Alt
			}
			fn(sha, id, alt)
		}
	}
	return nil
}
