package pipeline

import (
	"context"
	"encoding/json"
	"io/fs"

	"github.com/igny8/igny8"
	"github.com/igny8/igny8/blueprints"
	"github.com/igny8/igny8/writer"
)

// publish makes approved content pages of the site's blueprint (with its
// generated images as assets), marks it published, and requests one build
// and deploy. Pages are put by id (the content's slug), so publishing the
// same content again replaces its page; the deployment is requested once
// per job.
func (run *jobRun) publish(ctx context.Context, in PublishInput) (*PublishResult, error) {
	st := run.r.cfg.Store
	if len(in.ContentIDs) == 0 {
		return nil, igny8.Errorf(igny8.EInvalid, "A publish job needs content_ids.")
	}
	contents := make([]*igny8.Content, len(in.ContentIDs))
	for i, id := range in.ContentIDs {
		c, err := st.Content(ctx, run.site.ID, id)
		if err != nil {
			return nil, err
		}
		if c.Status != igny8.ContentApproved && c.Status != igny8.ContentPublished {
			return nil, igny8.Errorf(igny8.EInvalid, "Content %d (%q) is %s: approve it before publishing.", c.ID, c.Title, c.Status)
		}
		contents[i] = c
	}
	lib, err := run.r.cfg.Assets.AssetFS(ctx, run.site)
	if err != nil {
		return nil, err
	}
	doc, _, err := st.ActiveBlueprintJSON(ctx, run.site.ID)
	if err != nil {
		return nil, err
	}
	exists, err := pageIDs(doc)
	if err != nil {
		return nil, err
	}
	for _, c := range contents {
		exists[c.Slug] = true
	}
	res := &PublishResult{Pages: []string{}}
	docs := make([]json.RawMessage, 0, len(contents))
	for i, c := range contents {
		if err := run.progress(ctx, "pages", i, len(contents)); err != nil {
			return nil, err
		}
		var page blueprints.Page
		if err := json.Unmarshal(c.Page, &page); err != nil {
			return nil, igny8.Errorf(igny8.EInvalid, "Content %d's page cannot be read: %v.", c.ID, err)
		}
		imgs, err := st.ContentImages(ctx, run.site.ID, c.ID)
		if err != nil {
			return nil, err
		}
		if assets := writer.AttachImages(&page, imgs); len(assets) > 0 {
			if err := st.PutBlueprintAssets(ctx, run.site.ID, assets, nil); err != nil {
				return nil, err
			}
		}
		// Links to pieces the site will not have (approved, not published)
		// are plain text on the site until those are published too.
		unlinkMissing(&page, func(id string) bool { return exists[id] })
		raw, err := json.Marshal(&page)
		if err != nil {
			return nil, err
		}
		docs = append(docs, raw)
		res.Pages = append(res.Pages, page.ID)
	}
	if err := st.PutPages(ctx, run.site.ID, docs, CheckBlueprint(lib)); err != nil {
		return nil, err
	}
	for _, c := range contents {
		if c.Status != igny8.ContentPublished {
			if _, err := st.SetContentStatus(ctx, run.site.ID, c.ID, igny8.ContentPublished); err != nil {
				return nil, err
			}
		}
	}
	if err := run.progress(ctx, "deploy", len(contents), len(contents)); err != nil {
		return nil, err
	}
	d, err := run.r.cfg.Deployer.DeployForJob(ctx, run.site.ID, run.job.ID, false)
	if err != nil {
		return nil, err
	}
	res.DeploymentID = d.ID
	return res, nil
}

// CheckBlueprint returns a check of a whole blueprint document against the
// validator the build uses, with the site's asset library.
func CheckBlueprint(lib fs.FS) func(doc []byte) error {
	return func(doc []byte) error {
		if _, err := blueprints.Load(doc, blueprints.Options{Assets: lib}); err != nil {
			return igny8.Errorf(igny8.EInvalid, "The site's blueprint would not be valid: %v", err)
		}
		return nil
	}
}
