package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sort"
	"time"

	"github.com/igny8/igny8/deployer"
	"github.com/igny8/igny8/storage"
)

func runGC(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "gc", "[--site SLUG]", fmt.Sprintf("Deletes old deploys and the blobs no kept deploy uses. Always kept: the live deploy,\n"+
		"the one before it (the undo target), the newest --keep-last and those of the last\n"+
		"--keep-days days. Blobs younger than --grace are never deleted. --grace is at least\n"+
		"%s, one deploy lease (%s) plus %s of clock margin, since a younger blob may\n"+
		"belong to a deploy still uploading; --grace 0s means that minimum. A site with\n"+
		"deploys in progress is waited for up to --wait (without holding its new deploys\n"+
		"back), then skipped. Without --site, every routed site.",
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
	cfg, store, err := openStore(e)
	if err != nil {
		return err
	}
	sites := []string{*site}
	if *site == "" {
		if sites, err = routedSites(ctx, store); err != nil {
			return err
		}
	} else if err := checkSlug(*site); err != nil {
		return err
	}
	d := deployer.New(store, deployer.Config{Logger: cfg.logger(e.stderr)})
	for _, s := range sites {
		start := time.Now()
		st, err := d.Prune(ctx, s, deployer.Retention{KeepLast: *keepLast, KeepDays: *keepDays, Grace: *grace, Wait: *wait})
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

// routedSites returns the ids of the sites that have a host route.
func routedSites(ctx context.Context, store storage.Store) ([]string, error) {
	seen := map[string]bool{}
	for obj, err := range storage.All(ctx, store, deployer.RoutesBucket, deployer.HostPrefix) {
		if err != nil {
			return nil, err
		}
		rc, _, err := store.Get(ctx, deployer.RoutesBucket, obj.Key, storage.GetOptions{})
		if err != nil {
			return nil, err
		}
		id, err := io.ReadAll(io.LimitReader(rc, 256))
		rc.Close()
		if err != nil {
			return nil, err
		}
		seen[string(id)] = true
	}
	sites := make([]string, 0, len(seen))
	for s := range seen {
		sites = append(sites, s)
	}
	sort.Strings(sites)
	return sites, nil
}
