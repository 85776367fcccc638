package pipeline

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"mime"

	"github.com/igny8/igny8"
	"github.com/igny8/igny8/ai"
	"github.com/igny8/igny8/blueprints"
	"github.com/igny8/igny8/credits"
	"github.com/igny8/igny8/writer"
)

// DefaultInContentImages is how many in-content images a piece gets when
// the job does not say.
const DefaultInContentImages = 2

// imagePrompts writes the image prompts of each content piece: one metered
// request (2 credits) per piece, once.
func (run *jobRun) imagePrompts(ctx context.Context, in ImagePromptsInput) (*ImagePromptsResult, error) {
	st := run.r.cfg.Store
	n := DefaultInContentImages
	if in.Max != nil {
		n = *in.Max
	}
	if n < 0 || n > credits.MaxImagesPerRequest-1 {
		return nil, igny8.Errorf(igny8.EInvalid, "max must be 0 to %d in-content images (plus the featured image), not %d.", credits.MaxImagesPerRequest-1, n)
	}
	sc, _, err := run.siteContext(ctx)
	if err != nil {
		return nil, err
	}
	res := &ImagePromptsResult{}
	for i, id := range in.ContentIDs {
		if err := run.progress(ctx, "image_prompts", i, len(in.ContentIDs)); err != nil {
			return nil, err
		}
		c, err := st.Content(ctx, run.site.ID, id)
		if err != nil {
			return nil, err
		}
		var saved []*igny8.ContentImage
		_, err = run.meter(ctx, igny8.OpImagePrompts, credits.Key("image_prompts", c.ID), 2, func(ctx context.Context) (credits.Outcome, error) {
			have, err := st.ContentImages(ctx, run.site.ID, c.ID)
			if err != nil {
				return credits.Outcome{}, err
			}
			if len(have) > 0 {
				saved = have
				return credits.Outcome{Units: 1, Detail: run.usage("content", c.ID, have[0].Provenance, nil)}, nil
			}
			var page blueprints.Page
			if err := json.Unmarshal(c.Page, &page); err != nil {
				return credits.Outcome{}, err
			}
			imgs, err := writer.ImagePrompts(ctx, run.r.cfg.AI, sc, c, &page, n, run.site.ID, run.job.ID)
			if err != nil {
				return credits.Outcome{}, err
			}
			if saved, err = st.SaveImagePrompts(ctx, run.site.ID, c.ID, imgs); err != nil {
				return credits.Outcome{}, err
			}
			return credits.Outcome{Units: 1, Detail: run.usage("content", c.ID, imgs[0].Provenance, map[string]any{"prompts": len(imgs)})}, nil
		})
		if err != nil {
			if stop(err) {
				return nil, err
			}
			res.Failed = append(res.Failed, ItemFailure{ID: id, Message: userMessage(err)})
			continue
		}
		res.Images += len(saved)
	}
	return res, run.progress(ctx, "image_prompts", len(in.ContentIDs), len(in.ContentIDs))
}

// images generates the prompted images of each content piece, one
// provider call and one metered operation (5 credits) per image, at most
// credits.MaxImagesPerRequest per piece, and stores each in the site's
// asset library, content-addressed.
func (run *jobRun) images(ctx context.Context, in ImagesInput) (*ImagesResult, error) {
	st := run.r.cfg.Store
	type todo struct {
		c   *igny8.Content
		img *igny8.ContentImage
	}
	var work []todo
	for _, id := range in.ContentIDs {
		c, err := st.Content(ctx, run.site.ID, id)
		if err != nil {
			return nil, err
		}
		imgs, err := st.ContentImages(ctx, run.site.ID, id)
		if err != nil {
			return nil, err
		}
		if len(imgs) == 0 {
			return nil, igny8.Errorf(igny8.EInvalid, "Content %d has no image prompts yet: run an image_prompts job for it first.", id)
		}
		if err := credits.CheckImages(len(imgs)); err != nil {
			return nil, err
		}
		for _, img := range imgs {
			work = append(work, todo{c, img})
		}
	}
	res := &ImagesResult{}
	for i, w := range work {
		if err := run.progress(ctx, "images", i, len(work)); err != nil {
			return nil, err
		}
		img := w.img
		_, err := run.meter(ctx, igny8.OpImage, credits.Key("image", img.ID), 5, func(ctx context.Context) (credits.Outcome, error) {
			if img.AssetPath != "" {
				return credits.Outcome{Units: 1, Detail: run.usage("content_image", img.ID, img.Provenance, nil)}, nil
			}
			out, prov, err := run.r.cfg.AI.Image(ctx, ai.ImageCall{Prompt: img.Prompt, Width: img.Width, Height: img.Height, SiteID: run.site.ID, JobID: run.job.ID})
			if errors.Is(err, ai.ErrUnsupported) {
				return credits.Outcome{}, igny8.Errorf(igny8.EInvalid,
					"The AI provider (%s) makes no images: the operator sets IGNY8_AI_IMAGE_MODEL to one of its image models.", run.r.cfg.AI.Provider.Name())
			}
			if err != nil {
				return credits.Outcome{}, err
			}
			sum := sha256.Sum256(out.Data)
			sha := hex.EncodeToString(sum[:])
			ext := ".png"
			if exts, _ := mime.ExtensionsByType(out.ContentType); len(exts) > 0 {
				ext = exts[0]
			}
			if out.ContentType == "image/jpeg" {
				ext = ".jpg"
			}
			p := writer.AssetPath(w.c.Slug, img.Position, sha, ext)
			if _, _, err := run.r.cfg.Assets.PutAsset(ctx, run.site, p, out.ContentType, bytes.NewReader(out.Data)); err != nil {
				return credits.Outcome{}, err
			}
			img.AssetPath, img.SHA256, img.ContentType = p, sha, out.ContentType
			img.Provenance = prov
			if out.Width > 0 {
				img.Width, img.Height = out.Width, out.Height
			}
			if err := st.SetImageGenerated(ctx, run.site.ID, img); err != nil {
				return credits.Outcome{}, err
			}
			return credits.Outcome{Units: 1, Detail: run.usage("content_image", img.ID, prov, map[string]any{"content_id": w.c.ID, "bytes": len(out.Data)})}, nil
		})
		if err != nil {
			if stop(err) {
				return nil, err
			}
			res.Failed = append(res.Failed, ItemFailure{ID: img.ID, Message: userMessage(err)})
			continue
		}
		res.Generated++
	}
	return res, run.progress(ctx, "images", len(work), len(work))
}
