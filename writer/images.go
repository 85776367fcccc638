package writer

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/igny8/igny8"
	"github.com/igny8/igny8/ai"
	"github.com/igny8/igny8/blueprints"
)

// Image sizes: the featured image is a social card; in-content images
// are 4:3.
const (
	FeaturedWidth  = 1200
	FeaturedHeight = 630
	ImageWidth     = 1024
	ImageHeight    = 768
)

// Image limits.
const (
	MaxImages = 5   // in-content images of one piece
	MaxAlt    = 150 // characters of alt text
)

var sectionID = regexp.MustCompile(`^s([1-9][0-9]*)$`)

// Sections returns a page's sections in order: its top-level richtext
// blocks with ids s1, s2… (the writer's), which images are placed after.
// A richtext block the owner adds under another id is not a section.
func Sections(page *blueprints.Page) []*blueprints.Block {
	var out []*blueprints.Block
	for _, b := range page.Blocks {
		if b != nil && b.Type == "richtext" && sectionID.MatchString(b.ID) {
			out = append(out, b)
		}
	}
	return out
}

// sectionHeading is the first heading of a section's Markdown, or its
// first words.
func sectionHeading(b *blueprints.Block) string {
	md, _ := b.Props["markdown"].(string)
	for _, line := range strings.Split(md, "\n") {
		if m := atxHeading.FindStringSubmatch(strings.TrimSpace(line)); m != nil {
			return oneLine(m[1])
		}
	}
	words := strings.Fields(markdownText(md))
	return strings.Join(words[:min(len(words), 12)], " ")
}

// ImagePrompts asks the model (ai.PromptImagePrompts) for a featured image
// and at most maxImages in-content images (never more than MaxImages, nor than
// the page has sections) for a written piece, and returns them as rows to
// generate: position 0 the featured image (FeaturedWidth×FeaturedHeight),
// 1… the in-content images in the order of the sections they illustrate
// (ImageWidth×ImageHeight). The answer must have a featured prompt, alt
// texts of 1 to MaxAlt characters, and in-content images on distinct
// existing sections; the repair round is told what is not so.
func ImagePrompts(ctx context.Context, c *ai.Client, site ai.SiteContext, content *igny8.Content, page *blueprints.Page, maxImages int, siteID, jobID int64) ([]*igny8.ContentImage, error) {
	sections := Sections(page)
	headings := make([]string, len(sections))
	for i, s := range sections {
		headings[i] = sectionHeading(s)
	}
	limit := max(min(maxImages, MaxImages, len(sections)), 0)
	in := ai.ImagePromptsInput{
		Site: site, Title: page.Title, Excerpt: page.Description, EntityType: content.EntityType,
		Headings: headings, Max: limit,
	}
	var out ai.ImagePromptsOutput
	prov, err := c.Generate(ctx, ai.Call{
		Prompt: ai.PromptImagePrompts, Input: in, SiteID: siteID, JobID: jobID,
		Check: func(raw []byte) error {
			var o ai.ImagePromptsOutput
			if err := json.Unmarshal(raw, &o); err != nil {
				return err
			}
			return checkImagePrompts(&o, limit, len(sections))
		},
	}, &out)
	if err != nil {
		return nil, err
	}
	row := func(pos int, p ai.ImagePrompt, w, h int) *igny8.ContentImage {
		return &igny8.ContentImage{
			AccountID: content.AccountID, SiteID: siteID, ContentID: content.ID, Position: pos,
			Prompt: strings.TrimSpace(p.Prompt), Alt: oneLine(p.Alt), Section: p.Section, Width: w, Height: h, Provenance: prov,
		}
	}
	featured := out.Featured
	featured.Section = 0
	rows := []*igny8.ContentImage{row(0, featured, FeaturedWidth, FeaturedHeight)}
	imgs := slices.Clone(out.Images)
	slices.SortStableFunc(imgs, func(a, b ai.ImagePrompt) int { return a.Section - b.Section })
	for i, p := range imgs {
		rows = append(rows, row(i+1, p, ImageWidth, ImageHeight))
	}
	return rows, nil
}

// checkImagePrompts says what is wrong with an image prompts answer, in
// words the model can act on.
func checkImagePrompts(o *ai.ImagePromptsOutput, limit, sections int) error {
	var errs []string
	check := func(at string, p ai.ImagePrompt) {
		if strings.TrimSpace(p.Prompt) == "" {
			errs = append(errs, at+"/prompt: describe the image to generate; it is empty")
		}
		switch alt := oneLine(p.Alt); {
		case alt == "":
			errs = append(errs, at+"/alt: write alt text that says what the image shows; it is empty")
		case utf8.RuneCountInString(alt) > MaxAlt:
			errs = append(errs, fmt.Sprintf("%s/alt: %d characters; alt text may have at most %d", at, utf8.RuneCountInString(alt), MaxAlt))
		}
	}
	check("/featured", o.Featured)
	if len(o.Images) > limit {
		errs = append(errs, fmt.Sprintf("/images: %d in-content images; give at most %d", len(o.Images), limit))
	}
	seen := map[int]int{}
	for i, p := range o.Images {
		at := "/images/" + strconv.Itoa(i)
		check(at, p)
		switch j, dup := seen[p.Section]; {
		case p.Section < 1 || p.Section > sections:
			errs = append(errs, fmt.Sprintf("%s/section: %d is not a section; the sections are numbered 1 to %d, in the order of the headings", at, p.Section, sections))
		case dup:
			errs = append(errs, fmt.Sprintf("%s/section: /images/%d illustrates section %d already; give each image its own section", at, j, p.Section))
		default:
			seen[p.Section] = i
		}
	}
	if len(errs) > 0 {
		return errors.New(strings.Join(errs, "; "))
	}
	return nil
}

// AssetID is the blueprint asset id of a content piece's image at a
// position: "ai-<slug>-<position>", unique in a site because slugs are.
// A slug too long for an id (64 characters) is cut and given a hash of
// the whole, so two long slugs that share a beginning stay apart.
func AssetID(contentSlug string, position int) string {
	suffix := "-" + strconv.Itoa(position)
	id := "ai-" + contentSlug + suffix
	if len(id) <= MaxSlug {
		return id
	}
	sum := sha256.Sum256([]byte(contentSlug))
	hash := "-" + hex.EncodeToString(sum[:4])
	return "ai-" + cutSlug(contentSlug, MaxSlug-len("ai-")-len(hash)-len(suffix)) + hash + suffix
}

// AssetPath is where a generated image is stored in the site's asset
// library: "ai/<slug>/<position>-<sha[:12]>.<ext>". The content hash makes
// a regenerated image a new file, so a cached old one is never served in
// its place. ext may have its dot or not.
func AssetPath(contentSlug string, position int, sha string, ext string) string {
	if len(sha) > 12 {
		sha = sha[:12]
	}
	return fmt.Sprintf("ai/%s/%d-%s.%s", contentSlug, position, sha, strings.TrimPrefix(ext, "."))
}

// imageBlockID is the id of the image block of the image at position.
func imageBlockID(position int) string { return "image-" + strconv.Itoa(position) }

// AttachImages puts a piece's generated images on its page: the featured
// image (position 0) becomes the page's image, and each in-content image
// an image block after the section it illustrates (or, if the page has
// an image block for that position already, wherever the owner moved it,
// that block shows it). Images not generated yet (no AssetPath), and
// in-content images whose section is gone, are skipped. It returns the asset entries the site's blueprint must gain,
// by id (see AssetID). Attaching the same images again changes nothing.
func AttachImages(page *blueprints.Page, imgs []*igny8.ContentImage) map[string]json.RawMessage {
	assets := map[string]json.RawMessage{}
	sections := Sections(page)
	for _, img := range imgs {
		if img == nil || img.AssetPath == "" {
			continue
		}
		id := AssetID(page.ID, img.Position)
		alt := oneLine(img.Alt)
		entry, err := marshal(struct {
			Path string `json:"path"`
			Alt  string `json:"alt"`
		}{img.AssetPath, alt})
		if err != nil {
			continue // two strings always encode
		}
		props := map[string]any{"image": map[string]any{"asset": id, "alt": alt}}
		switch i := slices.IndexFunc(page.Blocks, func(b *blueprints.Block) bool { return b != nil && b.ID == imageBlockID(img.Position) }); {
		case img.Position == 0:
			page.Image = &blueprints.Image{Asset: id, Alt: &alt}
		case i >= 0:
			page.Blocks[i].Props = props
		case img.Section >= 1 && img.Section <= len(sections):
			after := slices.Index(page.Blocks, sections[img.Section-1])
			page.Blocks = slices.Insert(page.Blocks, after+1, newBlock(imageBlockID(img.Position), "image", props))
		default:
			continue // its section is gone, so the page does not use it
		}
		assets[id] = entry
	}
	return assets
}
