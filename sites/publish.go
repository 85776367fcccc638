package sites

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"

	"github.com/igny8/igny8"
	"github.com/igny8/igny8/deployer"
)

// Upload stores b as a new deploy of the site (not live) and routes the
// site's host to it: only the blobs the store lacks are uploaded, and the
// manifest is written last. progress, when set, hears the counts as files
// are uploaded, possibly from several goroutines. A deleted site refuses
// deploys.
func (s *Service) Upload(ctx context.Context, site *igny8.Site, b *Build, progress func(igny8.DeployCounts)) (*deployer.Manifest, igny8.DeployCounts, error) {
	if _, err := s.Live(ctx, site); errors.Is(err, deployer.ErrSiteDeleted) {
		return nil, igny8.DeployCounts{}, err
	}
	return s.upload(ctx, site, b, progress)
}

// upload is Upload for a caller that has read the live pointer itself.
func (s *Service) upload(ctx context.Context, site *igny8.Site, b *Build, progress func(igny8.DeployCounts)) (*deployer.Manifest, igny8.DeployCounts, error) {
	opts := b.Options
	if progress != nil {
		var mu sync.Mutex
		c := b.Counts()
		opts.OnUpload = func(size int64) {
			mu.Lock()
			c.UploadedFiles++
			c.UploadedBytes += size
			cur := c
			mu.Unlock()
			progress(cur)
		}
	}
	m, st, err := s.deployer.Deploy(ctx, site.StorageID, b.Files, opts)
	if err != nil {
		return nil, igny8.DeployCounts{}, err
	}
	if err := s.route(ctx, site); err != nil {
		return nil, igny8.DeployCounts{}, err
	}
	return m, st.DeployCounts, nil
}

// route makes the site's host route to its storage.
func (s *Service) route(ctx context.Context, site *igny8.Site) error {
	host := s.Host(site)
	if s.cfg.Authoritative {
		return s.routes.Set(ctx, host, site.StorageID)
	}
	return s.routes.Claim(ctx, host, site.StorageID)
}

// DeployBlueprint builds a stored blueprint of the site, with its asset
// library, and uploads it as a new deploy (not live): the build job's
// work. progress hears the counts once built and as files are uploaded.
func (s *Service) DeployBlueprint(ctx context.Context, site *igny8.Site, doc []byte, progress func(igny8.DeployCounts)) (string, igny8.DeployCounts, error) {
	assets, err := s.AssetFS(ctx, site)
	if err != nil {
		return "", igny8.DeployCounts{}, err
	}
	bp, err := LoadBlueprint(doc, assets)
	if err != nil {
		return "", igny8.DeployCounts{}, err
	}
	b, err := s.BuildBlueprint(ctx, BlueprintInput{Blueprint: bp, Source: "blueprint", Assets: assets, Meta: map[string]any{"site_id": site.ID}})
	if err != nil {
		return "", igny8.DeployCounts{}, fmt.Errorf("build: %w", err)
	}
	if progress != nil {
		progress(b.Counts())
	}
	m, c, err := s.Upload(ctx, site, b, progress)
	if err != nil {
		return "", igny8.DeployCounts{}, fmt.Errorf("upload: %w", err)
	}
	return m.DeployID, c, nil
}

// PublishOptions tune Publish.
type PublishOptions struct {
	NoPromote bool // leave the deploy ready, not live
	Preview   *deployer.PreviewOptions
}

// Published is what Publish did.
type Published struct {
	Manifest *deployer.Manifest
	Counts   igny8.DeployCounts
	// Record is the deploy's history row; nil without History.
	Record *igny8.Deployment
	// Swap is the change of the live deploy; nil with NoPromote.
	Swap *Swap
}

// Publish runs the whole sequence for a built site, as the CLI does:
// upload, route, promote (unless NoPromote), announce, purge, and records
// it in the history as one build row when the service has one and the
// site is in it (site.ID set).
func (s *Service) Publish(ctx context.Context, site *igny8.Site, b *Build, opts PublishOptions) (*Published, error) {
	var row *igny8.Deployment
	recording := s.cfg.History != nil && site.ID != 0
	if recording {
		var err error
		if row, err = s.cfg.History.BeginDeployment(ctx, site.ID); err != nil {
			return nil, err
		}
	}
	p, err := s.publish(ctx, site, b, opts, row)
	if err != nil && recording {
		if _, ferr := s.cfg.History.FailDeployment(ctx, row.ID, igny8.ErrorMessage(err)); ferr != nil {
			s.logger.ErrorContext(ctx, "record failed deployment", slog.Any("error", ferr))
		}
	}
	return p, err
}

func (s *Service) publish(ctx context.Context, site *igny8.Site, b *Build, opts PublishOptions, row *igny8.Deployment) (*Published, error) {
	if opts.Preview != nil {
		b.Options.Preview = opts.Preview
	}
	var progress func(igny8.DeployCounts)
	if row != nil {
		progress = igny8.ThrottleProgress(func(c igny8.DeployCounts) {
			if err := s.cfg.History.DeploymentProgress(ctx, row.ID, c); err != nil {
				s.logger.WarnContext(ctx, "record upload progress", slog.Any("error", err))
			}
		})
		progress(b.Counts())
	}
	// The live pointer read once: the promote's expected deploy, and the
	// refusal of a deleted site's deploy (ErrSiteDeleted).
	live, err := s.Live(ctx, site)
	if err != nil {
		return nil, err
	}
	m, c, err := s.upload(ctx, site, b, progress)
	if err != nil {
		return nil, err
	}
	p := &Published{Manifest: m, Counts: c}
	if row != nil {
		if p.Record, err = s.cfg.History.RecordDeploy(ctx, row.ID, m.DeployID, s.PreviewURL(site, m.DeployID), c); err != nil {
			return p, err
		}
	}
	if opts.NoPromote {
		return p, nil
	}
	if p.Swap, err = s.Promote(ctx, site, m.DeployID, live); err != nil {
		return p, fmt.Errorf("promote %s: %w", m.DeployID, err)
	}
	if row != nil {
		if p.Record, err = s.cfg.History.MarkDeploymentLive(ctx, row.ID); err != nil {
			return p, err
		}
	}
	return p, nil
}
