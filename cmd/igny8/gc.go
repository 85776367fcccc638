package main

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/igny8/igny8"
	"github.com/igny8/igny8/deployer"
	"github.com/igny8/igny8/domains"
)

func runGC(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "gc", "[--site SLUG]", fmt.Sprintf("Deletes old deploys and the blobs no kept deploy uses. Always kept: the live deploy,\n"+
		"the one before it (the undo target), the newest --keep-last and those of the last\n"+
		"--keep-days days. Blobs younger than --grace are never deleted. --grace is at least\n"+
		"%s, one deploy lease (%s) plus %s of clock margin, since a younger blob may\n"+
		"belong to a deploy still uploading; --grace 0s means that minimum. A site with\n"+
		"deploys in progress is waited for up to --wait (without holding its new deploys\n"+
		"back), then skipped. Without --site, every site (with DATABASE_URL, every site the database\nknows; without it, every storage a host routes to).",
		deployer.MinGrace, deployer.DeployLeaseTTL, deployer.LeaseMargin))
	site := fs.String("site", "", "only this site")
	keepLast := fs.Int("keep-last", 10, "keep the newest N deploys")
	keepDays := fs.Int("keep-days", 30, "keep every deploy of the last N days")
	grace := fs.Duration("grace", deployer.DefaultGrace, fmt.Sprintf("never delete blobs younger than this (at least %s; 0s means %s)", deployer.MinGrace, deployer.MinGrace))
	wait := fs.Duration("wait", time.Minute, "wait this long for a site's deploys in progress before skipping it")
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	switch {
	case *grace == 0:
		*grace = deployer.MinGrace
		fmt.Fprintf(e.stderr, "igny8 gc: --grace 0s means the minimum, %s: %s\n", deployer.MinGrace, minGraceWhy())
	case *grace < deployer.MinGrace:
		return usagef("--grace %s is too short: the minimum is %s, %s", *grace, deployer.MinGrace, minGraceWhy())
	}
	if *site != "" {
		if err := checkSlug(*site); err != nil {
			return err
		}
	}
	p, err := openCLIPlatform(ctx, e)
	if err != nil {
		return err
	}
	defer p.close()
	targets, err := p.gcTargets(ctx, *site)
	if err != nil {
		return err
	}
	d := p.sites.Deployer()
	for _, t := range targets {
		start := time.Now()
		st, err := d.Prune(ctx, t.StorageID, deployer.Retention{KeepLast: *keepLast, KeepDays: *keepDays, Grace: *grace, Wait: *wait})
		s := t.Slug
		if errors.Is(err, deployer.ErrDeploysInProgress) || errors.Is(err, deployer.ErrGCInProgress) {
			fmt.Fprintf(e.stdout, "%s: skipped: %v\n", s, err)
			continue
		} else if err != nil {
			return fmt.Errorf("gc %s: %w", s, err)
		}
		fmt.Fprintf(e.stdout, "%s: kept %d deploys, deleted %d deploys and %d blobs (%s) in %s\n",
			s, st.DeploysKept, st.DeploysDeleted, st.BlobsDeleted, humanBytes(st.BytesDeleted), time.Since(start).Round(time.Millisecond))
	}
	return nil
}

// minGraceWhy says where deployer.MinGrace comes from.
func minGraceWhy() string {
	return fmt.Sprintf("one deploy lease (%s) plus %s of clock margin, since a younger blob may belong to a deploy still uploading",
		deployer.DeployLeaseTTL, deployer.LeaseMargin)
}

// gcTargets are the sites gc prunes: the one named (the database's site of
// that slug; without a database, the storage named after it), or every
// site the database knows, or without one every storage a host routes to
// (named by its storage id).
func (p *cliPlatform) gcTargets(ctx context.Context, slug string) ([]*igny8.Site, error) {
	switch {
	case slug != "" && p.db != nil:
		site, err := p.db.FindSiteBySlug(ctx, slug)
		return []*igny8.Site{site}, err
	case slug != "":
		return []*igny8.Site{{Slug: slug, StorageID: slug}}, nil
	case p.db != nil:
		return p.db.WorkSites(ctx)
	}
	ids, err := domains.NewRoutes(p.store).StorageIDs(ctx)
	var out []*igny8.Site
	for _, id := range ids {
		out = append(out, &igny8.Site{Slug: id, StorageID: id})
	}
	return out, err
}
