package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/igny8/igny8"
	"github.com/igny8/igny8/builder"
	"github.com/igny8/igny8/deployer"
	"github.com/igny8/igny8/deployer/rules"
	"github.com/igny8/igny8/storage"
)

// slugRE: a slug becomes a host label and, until sites live in Postgres,
// the site id (and so part of a bucket name).
var slugRE = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]{0,38}[a-z0-9])?$`)

func checkSlug(slug string) error {
	if slug == "" {
		return usagef("no site; pass --site SLUG")
	}
	if !slugRE.MatchString(slug) || strings.Contains(slug, "--") {
		return usagef("site %q: a slug is 1-40 lowercase letters, digits and single dashes, starting and ending with a letter or digit", slug)
	}
	return nil
}

func runDeploy(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "deploy", "DIR|BLUEPRINT --site SLUG", "Uploads a built site folder, or builds a blueprint and uploads it, as a new deploy of\nSLUG, and makes it live. Only files the store lacks are uploaded. A new slug\ncreates the site and its <slug>.<IGNY8_SITES_DOMAIN> route. A folder's _redirects\nand _headers files become the deploy's rules.")
	site := fs.String("site", "", "site slug (required)")
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
	if err := checkSlug(*site); err != nil {
		return err
	}
	cfg, store, err := openStore(e)
	if err != nil {
		return err
	}
	logger := cfg.logger(e.stderr)
	d := deployer.New(store, deployer.Config{Logger: logger})
	cdnHook, err := newCDNHook(ctx, e, d, logger)
	if err != nil {
		return err
	}
	files, opts, err := deployInput(ctx, e, paths[0], *theme)
	if err != nil {
		return err
	}
	if pw := e.getenv("IGNY8_PREVIEW_PASSWORD"); pw != "" || *previewFor > 0 {
		opts.Preview = &deployer.PreviewOptions{Password: pw}
		if *previewFor > 0 {
			opts.Preview.ExpiresAt = time.Now().Add(*previewFor)
		}
	}
	live, err := d.Live(ctx, *site)
	if err != nil && igny8.ErrorCode(err) != igny8.ENotFound {
		return err
	}
	start := time.Now()
	fmt.Fprintf(e.stderr, "Deploying %d files to %s\n", len(files), *site)
	m, st, err := d.Deploy(ctx, *site, files, opts)
	if err != nil {
		return err
	}
	if err := ensureRoute(ctx, store, cfg.siteHost(*site), *site); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "Deploy %s: %d files, %s; uploaded %d objects (%s), %d already stored, in %s\n",
		m.DeployID, st.Files, humanBytes(st.Bytes), st.BlobsUploaded, humanBytes(st.BytesUploaded), st.BlobsSkipped, time.Since(start).Round(time.Millisecond))
	fmt.Fprintf(e.stdout, "Preview at %s\n", cfg.previewURL(m.DeployID, *site))
	if *noPromote {
		fmt.Fprintf(e.stdout, "Ready, not live. Make it live: igny8 rollback --site %s --to %s\n", *site, m.DeployID)
		return nil
	}
	ref, err := d.Promote(ctx, *site, m.DeployID, live.DeployID)
	if err != nil {
		return fmt.Errorf("promote %s: %w", m.DeployID, err)
	}
	// Edges first: a CDN that refetched from an edge still serving the old
	// deploy would cache it again. Without REDIS_URL edges switch within
	// their poll interval, which a quick purge can beat.
	cfg.announce(ctx, e, *site)
	fmt.Fprintf(e.stdout, "Live at %s\n", cfg.siteURL(*site))
	purgeCDN(ctx, e, cdnHook, *site, ref)
	return nil
}

// deployInput builds a blueprint or reads a site folder into files and
// deploy options.
func deployInput(ctx context.Context, e *env, path, theme string) ([]deployer.File, deployer.DeployOptions, error) {
	opts := deployer.DeployOptions{URLPolicy: deployer.URLPolicy{TrailingSlash: "always"}}
	fi, err := os.Stat(path)
	if err != nil {
		return nil, opts, usageError{err}
	}
	var files []deployer.File
	if !fi.IsDir() {
		bp, err := loadBlueprint(path)
		if err != nil {
			return nil, opts, err
		}
		br, err := loadBlueprintRules(bp, path)
		if err != nil {
			return nil, opts, err
		}
		opts.Redirects, opts.Headers = br.Redirects, br.Headers
		out, err := builder.New(builder.Config{}).Build(ctx, builder.Input{
			Blueprint: bp, Assets: os.DirFS(filepath.Dir(path)), Theme: theme,
			Progress: func(stage string) { fmt.Fprintf(e.stderr, "  %s…\n", stage) },
		})
		if err != nil {
			return nil, opts, err
		}
		for _, w := range out.Warnings {
			fmt.Fprintf(e.stderr, "warning: %s\n", w)
		}
		for _, f := range out.Files {
			files = append(files, deployer.File{Path: f.Path, Data: f.Data, SHA256: f.SHA256, Size: f.Size})
		}
		opts.Build = map[string]any{"pages": out.Pages, "duration_ms": out.Duration.Milliseconds(), "blueprint": filepath.Base(path)}
	} else {
		if files, opts, err = readSiteDir(path, opts); err != nil {
			return nil, opts, err
		}
	}
	for _, f := range files {
		if f.Path == "404.html" {
			opts.NotFound = "404.html"
		}
	}
	return files, opts, nil
}

// readSiteDir reads a built site. Dotfiles (such as igny8 build's marker)
// are not published; _redirects and _headers become rules.
func readSiteDir(dir string, opts deployer.DeployOptions) ([]deployer.File, deployer.DeployOptions, error) {
	var files []deployer.File
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		if strings.HasPrefix(d.Name(), ".") && rel != "." {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if d.IsDir() || !d.Type().IsRegular() {
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		switch rel = filepath.ToSlash(rel); rel {
		case "_redirects":
			opts.Redirects, err = rules.ParseRedirects(bytes.NewReader(data), filepath.Join(dir, rel))
			return err
		case "_headers":
			opts.Headers, err = rules.ParseHeaders(bytes.NewReader(data))
			return err
		}
		files = append(files, deployer.File{Path: rel, Data: data})
		return nil
	})
	if err != nil {
		var ve *rules.ValidationError
		if errors.As(err, &ve) {
			return nil, opts, usageError{err}
		}
		return nil, opts, err
	}
	if len(files) == 0 {
		return nil, opts, usagef("%s has no files to deploy", dir)
	}
	return files, opts, nil
}

// ensureRoute maps host to the site in the routes bucket, unless another
// site already holds it.
func ensureRoute(ctx context.Context, store storage.Store, host, siteID string) error {
	if err := store.CreateBucket(ctx, deployer.RoutesBucket); err != nil && !errors.Is(err, storage.ErrBucketExists) {
		return fmt.Errorf("routes bucket: %w", err)
	}
	key := deployer.HostKey(host)
	_, err := store.Put(ctx, deployer.RoutesBucket, key, strings.NewReader(siteID), int64(len(siteID)), storage.PutOptions{IfNotExist: true, ContentType: "text/plain"})
	if !errors.Is(err, storage.ErrPrecondition) {
		return err
	}
	rc, _, err := store.Get(ctx, deployer.RoutesBucket, key, storage.GetOptions{})
	if err != nil {
		return err
	}
	defer rc.Close()
	var owner bytes.Buffer
	if _, err := owner.ReadFrom(rc); err != nil {
		return err
	}
	if owner.String() != siteID {
		return igny8.Errorf(igny8.EConflict, "host %s already belongs to site %q", host, owner.String())
	}
	return nil
}

func runDeploys(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "deploys", "--site SLUG", "Lists a site's ready deploys, newest first; * marks the live one.")
	site := fs.String("site", "", "site slug (required)")
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	d, _, err := platformDeployer(e, *site)
	if err != nil {
		return err
	}
	list, err := d.Deploys(ctx, *site)
	if err != nil {
		return err
	}
	if len(list) == 0 {
		fmt.Fprintf(e.stdout, "%s has no deploys\n", *site)
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
	fs := newFlags(e, "rollback", "--site SLUG [--to DEPLOY]", "Makes an earlier ready deploy live: content, redirects and headers together.\nWithout --to, undoes the last promote or rollback.")
	site := fs.String("site", "", "site slug (required)")
	to := fs.String("to", "", "deploy id to make live (default: the one live before)")
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	d, cfg, err := platformDeployer(e, *site)
	if err != nil {
		return err
	}
	cdnHook, err := newCDNHook(ctx, e, d, cfg.logger(e.stderr))
	if err != nil {
		return err
	}
	ref, err := d.Rollback(ctx, *site, *to)
	if err != nil {
		return err
	}
	cfg.announce(ctx, e, *site)
	fmt.Fprintf(e.stdout, "%s is live at %s (was %s)\n", ref.DeployID, cfg.siteURL(*site), ref.Previous)
	purgeCDN(ctx, e, cdnHook, *site, ref)
	return nil
}

func platformDeployer(e *env, site string) (*deployer.Deployer, config, error) {
	if err := checkSlug(site); err != nil {
		return nil, config{}, err
	}
	cfg, store, err := openStore(e)
	if err != nil {
		return nil, cfg, err
	}
	return deployer.New(store, deployer.Config{Logger: cfg.logger(e.stderr)}), cfg, nil
}
