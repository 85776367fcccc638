package ai

import (
	"encoding/json"

	"github.com/igny8/igny8"
)

// The prompts' contracts: each embedded prompt renders its Input type and
// answers with its Output type (as JSON matching the prompt's schema). The
// offline provider generates the Output from the Input directly.

// Prompt names.
const (
	PromptClusterNames  = "cluster_names"
	PromptIdeas         = "ideas"
	PromptContent       = "content"
	PromptImagePrompts  = "image_prompts"
	PromptSiteStructure = "site_structure"
	PromptSitePage      = "site_page"
	PromptOptimize      = "optimize"
)

// SiteContext is what every prompt knows of the site.
type SiteContext struct {
	Name     string `json:"name"`
	Locale   string `json:"locale"` // BCP 47, e.g. en, de-DE
	Industry string `json:"industry,omitempty"`
	Tone     string `json:"tone,omitempty"`
}

// ClusterNamesInput asks to name groups of keywords already grouped by
// the planner.
type ClusterNamesInput struct {
	Site   SiteContext    `json:"site"`
	Groups []KeywordGroup `json:"groups"`
}

// KeywordGroup is one group to name; Keywords are sorted by volume, most
// searched first.
type KeywordGroup struct {
	Index    int      `json:"index"`
	Keywords []string `json:"keywords"`
}

// ClusterNamesOutput names each group.
type ClusterNamesOutput struct {
	Clusters []ClusterName `json:"clusters"`
}

// ClusterName is a group's name, description and pillar keyword (one of
// the group's keywords).
type ClusterName struct {
	Index       int    `json:"index"`
	Name        string `json:"name"`
	Description string `json:"description"`
	Pillar      string `json:"pillar"`
}

// IdeasInput asks for content ideas for one cluster.
type IdeasInput struct {
	Site        SiteContext `json:"site"`
	Cluster     string      `json:"cluster"`
	Description string      `json:"description"`
	Pillar      string      `json:"pillar"`
	Keywords    []string    `json:"keywords"`
	Count       int         `json:"count"`
	// EntityTypes are the entity types wanted (post, page, product,
	// service, taxonomy); empty: any.
	EntityTypes []string `json:"entity_types"`
}

// IdeasOutput is the ideas for a cluster.
type IdeasOutput struct {
	Ideas []IdeaOutput `json:"ideas"`
}

// IdeaOutput is one idea.
type IdeaOutput struct {
	Title             string   `json:"title"`
	Angle             string   `json:"angle"`
	Outline           []string `json:"outline"`
	TargetKeyword     string   `json:"target_keyword"`
	SecondaryKeywords []string `json:"secondary_keywords"`
	Intent            string   `json:"intent"`
	EntityType        string   `json:"entity_type"`
	EstimatedWords    int      `json:"estimated_words"`
}

// ContentInput asks to write one piece of content.
type ContentInput struct {
	Site              SiteContext `json:"site"`
	EntityType        string      `json:"entity_type"`
	Title             string      `json:"title"`
	Angle             string      `json:"angle"`
	Outline           []string    `json:"outline"`
	TargetKeyword     string      `json:"target_keyword"`
	SecondaryKeywords []string    `json:"secondary_keywords"`
	Intent            string      `json:"intent"`
	Cluster           string      `json:"cluster"`
	WordTarget        int         `json:"word_target"`
}

// ContentOutput is a written piece as structured fields; the writer turns
// it into blueprint blocks. Sections' Markdown uses paragraphs, lists and
// emphasis; headings come from Heading only, and links are left to the
// internal linker, which places them on text the piece already has.
type ContentOutput struct {
	Title           string           `json:"title"`
	Slug            string           `json:"slug"`
	MetaTitle       string           `json:"meta_title"`
	MetaDescription string           `json:"meta_description"`
	Excerpt         string           `json:"excerpt"`
	Sections        []ContentSection `json:"sections"`
	FAQ             []FAQItem        `json:"faq"`
	// Product is set for products.
	Product *ProductFields `json:"product"`
	// Service is set for services.
	Service *ServiceFields `json:"service"`
	// CTA is a closing call to action (services, pages, products).
	CTA *CTAFields `json:"cta"`
}

// ContentSection is a heading and its Markdown body.
type ContentSection struct {
	Heading  string `json:"heading"`
	Markdown string `json:"markdown"`
}

// FAQItem is one question and its Markdown answer.
type FAQItem struct {
	Question string `json:"question"`
	Answer   string `json:"answer"`
}

// ProductFields are the commerce facts of a product.
type ProductFields struct {
	Name         string          `json:"name"`
	Description  string          `json:"description"`
	Price        string          `json:"price"`    // decimal, e.g. "24.90"
	Currency     string          `json:"currency"` // ISO 4217
	SKU          string          `json:"sku"`
	Availability string          `json:"availability"` // in_stock, out_of_stock, preorder
	Attributes   []NameValuePair `json:"attributes"`
}

// NameValuePair is a product attribute.
type NameValuePair struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// ServiceFields are the parts of a service page.
type ServiceFields struct {
	Benefits []TitledText `json:"benefits"`
	Process  []TitledText `json:"process"`
}

// TitledText is a short titled paragraph (a benefit, a process step).
type TitledText struct {
	Title string `json:"title"`
	Text  string `json:"text"`
}

// CTAFields is a call to action.
type CTAFields struct {
	Heading string `json:"heading"`
	Text    string `json:"text"`
	Button  string `json:"button"`
}

// ImagePromptsInput asks for a featured-image prompt and up to Max
// in-content prompts for a written piece.
type ImagePromptsInput struct {
	Site       SiteContext `json:"site"`
	Title      string      `json:"title"`
	Excerpt    string      `json:"excerpt"`
	EntityType string      `json:"entity_type"`
	Headings   []string    `json:"headings"` // section headings, in order
	Max        int         `json:"max"`      // in-content prompts, at most 5
}

// ImagePromptsOutput is the featured prompt and the in-content ones.
type ImagePromptsOutput struct {
	Featured ImagePrompt   `json:"featured"`
	Images   []ImagePrompt `json:"images"`
}

// ImagePrompt describes one image to generate and its alt text; Section is
// the 1-based section it illustrates (0 for the featured image).
type ImagePrompt struct {
	Prompt  string `json:"prompt"`
	Alt     string `json:"alt"`
	Section int    `json:"section"`
}

// SiteStructureInput asks for a site's structure from a brief.
type SiteStructureInput struct {
	Brief BriefInput `json:"brief"`
}

// BriefInput is a business brief as the prompts see it.
type BriefInput = igny8.Brief

// SiteStructureOutput is a site's settings and page list.
type SiteStructureOutput struct {
	Tagline     string        `json:"tagline"`
	Description string        `json:"description"`
	Primary     string        `json:"primary_color"` // #rrggbb
	Accent      string        `json:"accent_color"`  // #rrggbb
	Pages       []PagePlanOut `json:"pages"`
}

// PagePlanOut is one planned page.
type PagePlanOut struct {
	ID      string `json:"id"`   // lower-case slug, "home" for the home page
	Type    string `json:"type"` // home, page, service, product, post, landing
	Title   string `json:"title"`
	Purpose string `json:"purpose"`
}

// SitePageInput asks for one page's content.
type SitePageInput struct {
	Brief   BriefInput  `json:"brief"`
	Page    PagePlanOut `json:"page"`
	Tagline string      `json:"tagline"`
	Others  []string    `json:"others"` // the other pages' ids, for links (page:<id>)
}

// SitePageOutput is a page as sections the writer turns into blocks.
type SitePageOutput struct {
	Title       string           `json:"title"`
	Description string           `json:"description"`
	Hero        HeroFields       `json:"hero"`
	Features    []TitledText     `json:"features"`
	Sections    []ContentSection `json:"sections"`
	FAQ         []FAQItem        `json:"faq"`
	CTA         *CTAFields       `json:"cta"`
}

// HeroFields is a page's hero.
type HeroFields struct {
	Heading    string `json:"heading"`
	Subheading string `json:"subheading"`
	Button     string `json:"button"`
	Target     string `json:"target"` // page id the button links to
}

// OptimizeInput asks to rewrite a content piece toward the SEO and
// readability checks it fails, keeping its blocks: the answer edits the
// text of blocks the page has, nothing else.
type OptimizeInput struct {
	Site       SiteContext `json:"site"`
	Keyword    string      `json:"keyword"`     // the focus keyword
	EntityType string      `json:"entity_type"` // post, page, product, service, taxonomy
	// TitleTemplate is the site's SEO title template ("%s · Site"), ""
	// when it has none.
	TitleTemplate string `json:"title_template"`
	// Page is the page as the blueprint has it: id, title, description,
	// seo and blocks (each with id, type and props).
	Page json.RawMessage `json:"page"`
	// Checks are the checks the page fails, worst first.
	Checks []OptimizeCheck `json:"checks"`
	// Suggested are the mechanical fixes IGNY8's rules propose for those
	// checks (meta description, keyword in the title, introduction and
	// subheadings, alt texts, long paragraphs), in the answer's form: the
	// model may keep, improve or leave them out. The offline provider
	// answers with them.
	Suggested OptimizeOutput `json:"suggested"`
}

// OptimizeCheck is one failing check.
type OptimizeCheck struct {
	ID      string `json:"id"`
	Verdict string `json:"verdict"` // improve or problem
	Message string `json:"message"` // what is wrong and what to do
}

// OptimizeOutput is the rewrite: new SEO fields ("" keeps the page's) and
// text edits.
type OptimizeOutput struct {
	SEOTitle        string     `json:"seo_title"`
	MetaDescription string     `json:"meta_description"`
	Edits           []TextEdit `json:"edits"`
}

// TextEdit replaces one text prop of one block.
type TextEdit struct {
	// Block is the block's id; "" with Prop "/image/alt" is the alt text
	// of the page's own image.
	Block string `json:"block"`
	// Prop is a JSON pointer into the block's props, to a text the page
	// already has: /markdown, /heading, /items/2/answer.
	Prop string `json:"prop"`
	Text string `json:"text"` // the whole new text; Markdown where the prop is Markdown
}
