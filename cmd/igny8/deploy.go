package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/igny8/igny8"
	"github.com/igny8/igny8/deployer"
	"github.com/igny8/igny8/deployer/rules"
	"github.com/igny8/igny8/livebus"
	"github.com/igny8/igny8/postgres"
	"github.com/igny8/igny8/sites"
	"github.com/igny8/igny8/storage"
)

// checkSlug applies the one site slug rule to a --site flag.
func checkSlug(slug string) error {
	if slug == "" {
		return usagef("no site; pass --site SLUG")
	}
	if err := igny8.CheckSiteSlug(slug); err != nil {
		return usageError{errors.New(igny8.ErrorMessage(err))}
	}
	return nil
}

// cliPlatform is what a CLI command that changes sites works with: the
// site service, and the database when DATABASE_URL is set.
type cliPlatform struct {
	cfg   config
	store storage.Store
	sites *sites.Service
	db    *postgres.DB // nil without DATABASE_URL
	close func()
}

// openCLIPlatform opens the object store, and the database and Redis when
// the environment names them.
func openCLIPlatform(ctx context.Context, e *env) (*cliPlatform, error) {
	cfg, store, err := openStore(e)
	if err != nil {
		return nil, err
	}
	logger := cfg.logger(e.stderr)
	deps := siteDeps{store: store, logger: logger}
	var closers []func()
	p := &cliPlatform{cfg: cfg, store: store, close: func() {
		for _, c := range closers {
			c()
		}
	}}
	if cfg.DatabaseURL != "" {
		if deps.db, err = postgres.Open(ctx, cfg.DatabaseURL); err != nil {
			return nil, err
		}
		p.db = deps.db
		closers = append(closers, deps.db.Close)
	}
	if cfg.RedisURL != "" {
		if deps.bus, err = livebus.Open(cfg.RedisURL, logger); err != nil {
			p.close()
			return nil, err
		}
		closers = append(closers, func() { deps.bus.Close() })
	}
	if deps.cdn, err = newCDNHook(ctx, e, deployer.New(store, deployer.Config{Logger: logger}), logger); err != nil {
		p.close()
		return nil, err
	}
	p.sites = newSites(cfg, deps)
	return p, nil
}

// site finds the site a --site slug names, and returns ctx acting for its
// account. With a database, the site is the database's; create makes it
// (in the account named by accountSlug, or the system account) when there
// is none. Without one, the site's storage is named after its slug.
func (p *cliPlatform) site(ctx context.Context, e *env, slug, accountSlug string, create bool) (context.Context, *igny8.Site, error) {
	if err := checkSlug(slug); err != nil {
		return nil, nil, err
	}
	if p.db == nil {
		site := &igny8.Site{Slug: slug, StorageID: slug}
		if !create {
			if err := p.existsWithoutDB(ctx, site); err != nil {
				return nil, nil, err
			}
		}
		return ctx, site, nil
	}
	site, err := p.db.FindSiteBySlug(ctx, slug)
	if igny8.ErrorCode(err) == igny8.ENotFound && create {
		return p.createSite(ctx, e, slug, accountSlug)
	} else if err != nil {
		return nil, nil, err
	}
	return igny8.WithActor(ctx, igny8.Actor{AccountID: site.AccountID}), site, nil
}

// existsWithoutDB fails for a slug that never had a deploy or a route.
func (p *cliPlatform) existsWithoutDB(ctx context.Context, site *igny8.Site) error {
	list, err := p.sites.Deployer().Deploys(ctx, site.StorageID)
	if err != nil || len(list) > 0 {
		return err
	}
	return igny8.Errorf(igny8.ENotFound, "There is no site %q in %s: no deploy of it is stored.", site.Slug, p.cfg.Storage)
}

func (p *cliPlatform) createSite(ctx context.Context, e *env, slug, accountSlug string) (context.Context, *igny8.Site, error) {
	accountID, err := p.db.SystemAccountID(ctx)
	if err != nil {
		return nil, nil, err
	}
	if accountSlug != "" {
		acc, err := findAccount(igny8.WithActor(ctx, igny8.Actor{AccountID: accountID, Role: igny8.RoleOwner, System: true}), p.db, accountSlug)
		if err != nil {
			return nil, nil, err
		}
		accountID = acc.ID
	}
	actx := igny8.WithActor(ctx, igny8.Actor{AccountID: accountID, Role: igny8.RoleOwner})
	site := &igny8.Site{Slug: slug, Name: slug}
	if err := p.db.CreateSite(actx, site); err != nil {
		return nil, nil, err
	}
	fmt.Fprintf(e.stderr, "Created site %s (id %d) in account %d\n", slug, site.ID, accountID)
	return actx, site, nil
}

func runDeploy(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "deploy", "DIR|BLUEPRINT --site SLUG", "Uploads a built site folder, or builds a blueprint and uploads it, as a new deploy of\nSLUG, and makes it live. Only files the store lacks are uploaded. A folder's _redirects\nand _headers files become the deploy's rules.\n\nWith DATABASE_URL, the deploy is recorded in the site's deploy history, like one made\nthrough the API; a slug the database does not know becomes a new site (in --account,\nor the system account). Without DATABASE_URL, nothing is recorded, and the site's\nstorage is named after its slug.")
	slug := fs.String("site", "", "site slug (required)")
	account := fs.String("account", "", "with DATABASE_URL: the account (slug) a new site is created in; default the system account")
	theme := fs.String("theme", "", "build a blueprint with this theme instead of its own")
	noPromote := fs.Bool("no-promote", false, "leave the deploy ready but not live")
	previewFor := fs.Duration("preview-expires", 0, "the preview URL stops working this long after the deploy (0: never); a password for it comes from IGNY8_PREVIEW_PASSWORD")
	paths, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(paths) != 1 {
		return usagef("want one folder or blueprint; usage: igny8 deploy DIR|BLUEPRINT --site SLUG")
	}
	if err := checkSlug(*slug); err != nil {
		return err
	}
	p, err := openCLIPlatform(ctx, e)
	if err != nil {
		return err
	}
	defer p.close()
	b, err := deployInput(ctx, e, p.sites, paths[0], *theme)
	if err != nil {
		return err
	}
	ctx, site, err := p.site(ctx, e, *slug, *account, true)
	if err != nil {
		return err
	}
	opts := sites.PublishOptions{NoPromote: *noPromote}
	if pw := e.getenv("IGNY8_PREVIEW_PASSWORD"); pw != "" || *previewFor > 0 {
		opts.Preview = &deployer.PreviewOptions{Password: pw}
		if *previewFor > 0 {
			opts.Preview.ExpiresAt = time.Now().Add(*previewFor)
		}
	}
	if p.db == nil {
		fmt.Fprintln(e.stderr, "DATABASE_URL is not set: this deploy is not recorded in any deploy history.")
	}
	start := time.Now()
	fmt.Fprintf(e.stderr, "Deploying %d files to %s\n", len(b.Files), site.Slug)
	pub, err := p.sites.Publish(ctx, site, b, opts)
	if err != nil && (pub == nil || pub.Manifest == nil) {
		return err
	}
	m, c := pub.Manifest, pub.Counts
	fmt.Fprintf(e.stdout, "Deploy %s: %d files, %s; uploaded %d files (%s), %d already stored, in %s\n",
		m.DeployID, c.Files, humanBytes(c.Bytes), c.UploadedFiles, humanBytes(c.UploadedBytes), c.Files-c.UploadedFiles, time.Since(start).Round(time.Millisecond))
	fmt.Fprintf(e.stdout, "Preview at %s\n", p.sites.PreviewURL(site, m.DeployID))
	if pub.Record != nil {
		fmt.Fprintf(e.stdout, "Recorded as deploy %d of site %d\n", pub.Record.Version, site.ID)
	}
	if err != nil {
		return err
	}
	if *noPromote {
		fmt.Fprintf(e.stdout, "Ready, not live. Make it live: igny8 rollback --site %s --to %s\n", site.Slug, m.DeployID)
		return nil
	}
	fmt.Fprintf(e.stdout, "Live at %s\n", p.sites.SiteURL(site))
	printPurge(e, pub.Swap)
	return nil
}

// printPurge reports what the CDN was asked to purge after a swap.
func printPurge(e *env, sw *sites.Swap) {
	switch {
	case sw == nil:
	case sw.PurgeErr != nil:
		fmt.Fprintf(e.stderr, "warning: the CDN was not purged, so it may serve the previous deploy until its cache expires: %v\n", sw.PurgeErr)
	case sw.PurgedPaths > 0:
		fmt.Fprintf(e.stdout, "CDN purge of %d paths requested\n", sw.PurgedPaths)
	}
}

// deployInput builds a blueprint, or reads a built site folder.
func deployInput(ctx context.Context, e *env, svc *sites.Service, path, theme string) (*sites.Build, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, usageError{err}
	}
	if fi.IsDir() {
		b, err := sites.ReadFolder(path)
		var ve *rules.ValidationError
		if errors.As(err, &ve) || igny8.ErrorCode(err) == igny8.EInvalid {
			return nil, usageError{err}
		}
		return b, err
	}
	bp, err := loadBlueprint(path)
	if err != nil {
		return nil, err
	}
	br, err := loadBlueprintRules(bp, path)
	if err != nil {
		return nil, err
	}
	b, err := svc.BuildBlueprint(ctx, sites.BlueprintInput{
		Blueprint: bp, Source: path, Assets: os.DirFS(filepath.Dir(path)), Theme: theme,
		FileRedirects: br.fileRedirects, Headers: br.Headers,
		Progress: func(stage string) { fmt.Fprintf(e.stderr, "  %s…\n", stage) },
		Meta:     map[string]any{"blueprint": filepath.Base(path)},
	})
	if err != nil {
		return nil, rulesError(err)
	}
	for _, w := range b.Warnings {
		fmt.Fprintf(e.stderr, "warning: %s\n", w)
	}
	return b, nil
}

func runDeploys(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "deploys", "--site SLUG", "Lists a site's ready deploys, newest first; * marks the live one.")
	slug := fs.String("site", "", "site slug (required)")
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := checkSlug(*slug); err != nil {
		return err
	}
	p, err := openCLIPlatform(ctx, e)
	if err != nil {
		return err
	}
	defer p.close()
	ctx, site, err := p.site(ctx, e, *slug, "", false)
	if err != nil {
		return err
	}
	list, err := p.sites.Deployer().Deploys(ctx, site.StorageID)
	if err != nil {
		return err
	}
	if len(list) == 0 {
		fmt.Fprintf(e.stdout, "%s has no deploys yet\n", site.Slug)
		return nil
	}
	for _, di := range list {
		mark := " "
		if di.Live {
			mark = "*"
		}
		fmt.Fprintf(e.stdout, "%s %s  %s\n", mark, di.ID, di.CreatedAt.Format(time.RFC3339))
	}
	return nil
}

func runRollback(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "rollback", "--site SLUG [--to DEPLOY]", "Makes an earlier ready deploy live: content, redirects and headers together.\nWithout --to, undoes the last promote or rollback. With DATABASE_URL, the rollback\nis recorded in the site's deploy history.")
	slug := fs.String("site", "", "site slug (required)")
	to := fs.String("to", "", "deploy id to make live (default: the one live before)")
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := checkSlug(*slug); err != nil {
		return err
	}
	p, err := openCLIPlatform(ctx, e)
	if err != nil {
		return err
	}
	defer p.close()
	ctx, site, err := p.site(ctx, e, *slug, "", false)
	if err != nil {
		return err
	}
	sw, err := p.sites.Rollback(ctx, site, *to)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "%s is live at %s (was %s)\n", sw.Ref.DeployID, p.sites.SiteURL(site), sw.Ref.Previous)
	printPurge(e, sw)
	return nil
}
