package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"time"

	"github.com/igny8/igny8"
	"github.com/igny8/igny8/api"
	"github.com/igny8/igny8/blueprints"
	"github.com/igny8/igny8/pipeline"
	"github.com/igny8/igny8/postgres"
	"github.com/igny8/igny8/publishing"
	"github.com/igny8/igny8/publishing/shopify"
	"github.com/igny8/igny8/publishing/wordpress"
	"github.com/igny8/igny8/writer"
)

// syncOverlap is how far before the last sync a sync looks again, for
// clocks that disagree: what was seen already has the same hash and is
// passed over.
const syncOverlap = 2 * time.Minute

// syncService syncs integrations both ways, imports from them, and
// settles conflicts (pipeline.Syncer, api.Resolver).
type syncService struct {
	db   *postgres.DB
	dist *distributor
}

var (
	_ pipeline.Syncer = (*syncService)(nil)
	_ api.Resolver    = (*syncService)(nil)
)

// syncer syncs with the link version of refs (see distributor.publisher),
// so that it tells IGNY8's changes as the publisher does.
func (s *syncService) syncer(refs *siteRefs) *publishing.Syncer {
	sy := &publishing.Syncer{Store: s.db, Facts: func(c *igny8.Content, p *blueprints.Page) { writer.Facts(p).Apply(c) }}
	if refs != nil {
		sy.Version, sy.Reverse = refs.Version, refs.Reverse
	}
	return sy
}

// source returns what reads an integration's platform.
func (s *syncService) source(ctx context.Context, in *igny8.Integration) (publishing.Source, error) {
	switch in.Platform {
	case igny8.PlatformWordPress:
		wp, err := s.dist.wordpressClient(ctx, in)
		if err != nil {
			return nil, err
		}
		return &wpSource{c: wp}, nil
	case igny8.PlatformShopify:
		sc, err := s.dist.shopifyClient(ctx, in)
		if err != nil {
			return nil, err
		}
		return shopify.NewSource(sc), nil
	}
	return nil, igny8.Errorf(igny8.EInvalid, "Syncing with %s is not available: IGNY8 syncs with WordPress and Shopify.", in.Platform)
}

// Sync brings what changed on the integration's platform since its last
// sync back, and records how it went on the integration.
func (s *syncService) Sync(ctx context.Context, siteID, integrationID int64) (any, error) {
	return s.run(ctx, siteID, integrationID, func(in *igny8.Integration, src publishing.Source, sy *publishing.Syncer) (any, error) {
		var since time.Time
		if in.LastSyncAt != nil {
			since = in.LastSyncAt.Add(-syncOverlap)
		}
		return sy.Sync(ctx, in, src, since)
	})
}

// Import makes content of what the integration's platform holds.
func (s *syncService) Import(ctx context.Context, siteID, integrationID int64) (any, error) {
	return s.run(ctx, siteID, integrationID, func(in *igny8.Integration, src publishing.Source, sy *publishing.Syncer) (any, error) {
		return sy.Import(ctx, in, src)
	})
}

func (s *syncService) run(ctx context.Context, siteID, integrationID int64, do func(*igny8.Integration, publishing.Source, *publishing.Syncer) (any, error)) (any, error) {
	in, err := s.db.Integration(ctx, siteID, integrationID)
	if err != nil {
		return nil, err
	}
	src, err := s.source(ctx, in)
	if err != nil {
		return nil, err
	}
	refs, err := s.dist.refs(ctx, in)
	if err != nil {
		return nil, err
	}
	start := time.Now()
	if err := s.db.SetIntegrationSync(ctx, siteID, integrationID, igny8.SyncSyncing, nil, in.LastError); err != nil {
		return nil, err
	}
	res, err := do(in, src, s.syncer(refs))
	if err != nil {
		if serr := s.db.SetIntegrationSync(context.WithoutCancel(ctx), siteID, integrationID, igny8.SyncError, nil, igny8.ErrorMessage(err)); serr != nil {
			return nil, errors.Join(err, serr)
		}
		return nil, err
	}
	return res, s.db.SetIntegrationSync(ctx, siteID, integrationID, igny8.SyncOK, &start, "")
}

// Resolve settles a conflict or remote deletion on record recordID.
func (s *syncService) Resolve(ctx context.Context, siteID, recordID int64, keep string) (*igny8.PublishingRecord, error) {
	rec, err := s.db.SyncRecord(ctx, siteID, recordID)
	if err != nil {
		return nil, err
	}
	in, err := s.db.Integration(ctx, siteID, rec.IntegrationID)
	if err != nil {
		return nil, err
	}
	dest, refs, err := s.dist.destination(ctx, in)
	if err != nil {
		return nil, err
	}
	return s.syncer(refs).Resolve(ctx, s.dist.publisher(refs), in, dest, rec, keep)
}

// wpSource reads a WordPress site's posts and pages for sync and import.
type wpSource struct{ c *wordpress.Client }

func wpObject(p *wordpress.Post) publishing.RemoteObject {
	entity := igny8.EntityPost
	if p.Kind == wordpress.KindPage {
		entity = igny8.EntityPage
	}
	return publishing.RemoteObject{ID: strconv.FormatInt(p.ID, 10), URL: p.Link, EntityType: entity, Slug: p.Slug,
		Title: p.Title, Excerpt: p.Excerpt, Body: wordpress.StripMarker(p.Content), Status: p.Status,
		Published: p.Date, Modified: p.Modified, Hash: wordpress.RemoteHash(p), ContentID: p.ContentID()}
}

func (w *wpSource) Changed(ctx context.Context, since time.Time) ([]publishing.RemoteObject, error) {
	var out []publishing.RemoteObject
	for _, kind := range []wordpress.Kind{wordpress.KindPost, wordpress.KindPage} {
		posts, err := w.c.ModifiedAfter(ctx, kind, since)
		if err != nil {
			return nil, err
		}
		for _, p := range posts {
			out = append(out, wpObject(p))
		}
	}
	return out, nil
}

// All is every post and page, and every category (as taxonomy content;
// tags are left out: published back, taxonomy content becomes a
// category).
func (w *wpSource) All(ctx context.Context) ([]publishing.RemoteObject, error) {
	out, err := w.Changed(ctx, time.Time{})
	if err != nil {
		return nil, err
	}
	terms, err := w.c.Terms(ctx, wordpress.Categories)
	if err != nil {
		return nil, err
	}
	for _, t := range terms {
		if t.Slug == "uncategorized" {
			continue // WordPress's default category, not content
		}
		out = append(out, publishing.RemoteObject{ID: wordpress.CategoryID(t.ID), URL: t.Link, EntityType: igny8.EntityTaxonomy,
			Slug: t.Slug, Title: t.Name, Body: wordpress.StripMarker(t.Description), Hash: wordpress.TermHash(t),
			ContentID: wordpress.TermContentID(t)})
	}
	return out, nil
}

// Missing asks for each object: posts as posts, pages and service pages
// as pages, taxonomy content as categories.
func (w *wpSource) Missing(ctx context.Context, objs []publishing.RemoteRef) ([]string, error) {
	var gone []string
	for _, o := range objs {
		if cat, ok := wordpress.ParseCategoryID(o.ID); ok {
			_, err := w.c.Term(ctx, wordpress.Categories, cat)
			if igny8.ErrorCode(err) == igny8.ENotFound {
				gone, err = append(gone, o.ID), nil
			}
			if err != nil {
				return nil, err
			}
			continue
		}
		id, err := strconv.ParseInt(o.ID, 10, 64)
		if err != nil {
			continue // not a WordPress id: not IGNY8's record of one
		}
		switch o.EntityType {
		case igny8.EntityPost, igny8.EntityPage, igny8.EntityService:
			kind := wordpress.KindPage
			if o.EntityType == igny8.EntityPost {
				kind = wordpress.KindPost
			}
			_, err = w.c.Post(ctx, kind, id)
			var del *wordpress.DeletedError
			if errors.As(err, &del) {
				gone, err = append(gone, o.ID), nil
			}
		default:
			continue
		}
		if err != nil {
			return nil, err
		}
	}
	return gone, nil
}

// hookTarget finds the integration a platform's webhook names (api.HookTarget).
type hookTarget struct {
	db   *postgres.DB
	conn *connector
}

var _ api.HookTarget = (*hookTarget)(nil)

// ShopifyHook returns the account and site of Shopify integration
// integrationID and its webhook_secret: not_found when there is no such
// Shopify integration or it has no webhook secret.
func (h *hookTarget) ShopifyHook(ctx context.Context, integrationID int64) (int64, int64, []byte, error) {
	acc, site, platform, err := h.db.IntegrationOwner(ctx, integrationID)
	if err != nil {
		return 0, 0, nil, err
	}
	if platform != igny8.PlatformShopify {
		return 0, 0, nil, igny8.Errorf(igny8.ENotFound, "There is no Shopify integration %d.", integrationID)
	}
	actx := igny8.WithActor(ctx, igny8.Actor{AccountID: acc, Role: igny8.RoleOwner})
	in, err := h.db.Integration(actx, site, integrationID)
	if err != nil {
		return 0, 0, nil, err
	}
	creds, err := h.conn.open(actx, in)
	if err != nil {
		return 0, 0, nil, err
	}
	if creds["webhook_secret"] == "" {
		return 0, 0, nil, igny8.Errorf(igny8.ENotFound, "The Shopify integration %d has no webhook secret.", integrationID)
	}
	return acc, site, []byte(creds["webhook_secret"]), nil
}

// syncIntegrations starts a sync job for each integration with sync
// enabled that was not synced in the last cfg.SyncEvery (the scheduler's
// periodic task), marking it syncing so that the next round leaves it.
func (s *services) syncIntegrations(ctx context.Context) error {
	return s.startDueSyncs(ctx, s.cfg.SyncEvery)
}

// startDueSyncs starts the syncs of integrations not synced in the last
// every.
func (s *services) startDueSyncs(ctx context.Context, every time.Duration) error {
	due, err := s.db.DueSyncs(ctx, every, 100)
	if err != nil {
		return err
	}
	svc := s.pipelineService()
	var errs []error
	for _, d := range due {
		actx := igny8.WithActor(ctx, igny8.Actor{AccountID: d.AccountID, Role: igny8.RoleEditor})
		input, _ := json.Marshal(pipeline.IntegrationInput{IntegrationID: d.IntegrationID})
		if _, err := svc.StartJob(actx, d.SiteID, igny8.JobSync, input); err != nil {
			errs = append(errs, fmt.Errorf("sync integration %d: %w", d.IntegrationID, err))
			continue
		}
		if err := s.db.SetIntegrationSync(actx, d.SiteID, d.IntegrationID, igny8.SyncSyncing, nil, ""); err != nil {
			errs = append(errs, err)
		}
	}
	if len(due) > 0 {
		s.logger.InfoContext(ctx, "integrations: sync jobs started", slog.Int("integrations", len(due)), slog.Int("failed", len(errs)))
	}
	return errors.Join(errs...)
}
