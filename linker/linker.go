package linker

import (
	"github.com/igny8/igny8"
	"github.com/igny8/igny8/blueprints"
)

// Version is the version of the linking rules, stamped on every Link. It
// changes whenever the same site would be linked differently, so records
// placed by an older linker can be told apart.
const Version = "2"

// RelatedBlockID is the id of the related block the linker keeps on a
// page (Rules.RelatedBlock). A block with another id is the author's.
const RelatedBlockID = "related-content"

// blockState is how a page stands with the linker's related block.
type blockState int8

const (
	blockNone    blockState = iota // the page has no block with RelatedBlockID
	blockOwn                       // a related block with RelatedBlockID: the linker's
	blockForeign                   // another block uses the id: the linker writes none
)

// Link types.
const (
	// TypeContextual is a link placed in the text on an anchor that
	// occurs there.
	TypeContextual = "contextual"
	// TypePillar is a contextual link to the pillar page of the source's
	// own cluster.
	TypePillar = "pillar"
	// TypeRelated is an entry of the related block the linker keeps on
	// a page (Rules.RelatedBlock): Block is RelatedBlockID, Field
	// "pages/<i>", Offset i, and Anchor the target's title, the text the
	// theme shows.
	TypeRelated = "related"
)

// Doc is one content piece of a site: its page and what the linker needs
// to know about it.
type Doc struct {
	ID     int64
	PageID string           // the blueprint page id; "" means Page.ID
	Page   *blueprints.Page // never modified; changed pages come back in Result
	// Keywords are the anchors other pages may link to this one with:
	// its target keyword first, then its secondary keywords.
	Keywords []string
	Cluster  int64  // 0: in no cluster
	Pillar   bool   // it targets its cluster's pillar keyword
	Status   string // igny8.ContentDraft … igny8.ContentPublished
}

// linkable reports whether d may be linked to: only published and
// approved pieces, which the site build publishes.
func (d *Doc) linkable() bool {
	return d.Status == igny8.ContentPublished || d.Status == igny8.ContentApproved
}

// Site is every content piece of one site, with the site's rules.
type Site struct {
	Docs  []Doc
	Rules Rules
	// Placed are the links the linker placed on the previous run: the
	// Links of its last Result (for every source it linked). The linker
	// recognises its own links by them and removes those whose target
	// left the site (or is no longer published or approved) or that now
	// break a rule. A page: link without a record is the author's: it
	// counts toward the rules but is never changed.
	Placed []Link
}

// Rules are a site's linking rules. The zero value of each field means
// its default (see DefaultRules); -1 turns a limit off where that makes
// sense.
type Rules struct {
	// WordsPerLink is the density bound: a page of w words carries at
	// most w/WordsPerLink internal links (rounded down). Default 150; -1
	// for no bound.
	WordsPerLink int `json:"words_per_link,omitempty"`
	// MaxLinks caps the internal links of any page, however long.
	// Default 15; -1 for no cap.
	MaxLinks int `json:"max_links,omitempty"`
	// MinLinks is the report's "too few": a page with fewer outbound
	// internal links than this (or than its budget, when that is
	// smaller) is listed. Default 2; -1 for no minimum.
	MinLinks int `json:"min_links,omitempty"`
	// MaxPerTarget is how many links one page may carry to the same
	// target. Default 1.
	MaxPerTarget int `json:"max_per_target,omitempty"`
	// Related is the length of each page's related-content list: in the
	// report, and in its related block when RelatedBlock is set. Default
	// 3; -1 for none.
	Related int `json:"related,omitempty"`
	// RelatedBlock has the linker keep a related block (RelatedBlockID)
	// on each page it links, listing Related other pages, so that no
	// published page is left without inbound links (see the package
	// documentation). Off, the linker leaves pages' blocks alone.
	RelatedBlock bool `json:"related_block,omitempty"`
	// IgnorePillar turns off the pillar preference: by default a page
	// links its cluster's pillar page first, and the pillar ranks higher.
	IgnorePillar bool `json:"ignore_pillar,omitempty"`
	// RepeatAnchors turns off anchor variety: by default, of the anchors
	// a target could get on a page, the linker takes the one the site
	// uses least for that target.
	RepeatAnchors bool `json:"repeat_anchors,omitempty"`
}

// Defaults of Rules.
const (
	DefaultWordsPerLink = 150
	DefaultMaxLinks     = 15
	DefaultMinLinks     = 2
	DefaultMaxPerTarget = 1
	DefaultRelated      = 3
)

// DefaultRules returns the default rules.
func DefaultRules() Rules { return Rules{}.WithDefaults() }

// WithDefaults returns r with every zero field set to its default.
func (r Rules) WithDefaults() Rules {
	def := func(v *int, d int) {
		if *v == 0 {
			*v = d
		}
	}
	def(&r.WordsPerLink, DefaultWordsPerLink)
	def(&r.MaxLinks, DefaultMaxLinks)
	def(&r.MinLinks, DefaultMinLinks)
	def(&r.MaxPerTarget, DefaultMaxPerTarget)
	def(&r.Related, DefaultRelated)
	return r
}

func (r Rules) validate() error {
	for _, f := range []struct {
		name string
		v    int
		off  bool // -1 allowed
	}{
		{"words_per_link", r.WordsPerLink, true},
		{"max_links", r.MaxLinks, true},
		{"min_links", r.MinLinks, true},
		{"max_per_target", r.MaxPerTarget, false},
		{"related", r.Related, true},
	} {
		if f.v < 0 && !(f.off && f.v == -1) {
			if f.off {
				return igny8.Errorf(igny8.EInvalid, "Linking rule %s is %d; it must be a positive number, 0 for the default or -1 for none.", f.name, f.v)
			}
			return igny8.Errorf(igny8.EInvalid, "Linking rule %s is %d; it must be a positive number or 0 for the default.", f.name, f.v)
		}
	}
	return nil
}

// budget is how many internal links a page of words words may carry.
func (r Rules) budget(words int) int {
	b := int(^uint(0) >> 1)
	if r.WordsPerLink > 0 {
		b = words / r.WordsPerLink
	}
	if r.MaxLinks > 0 {
		b = min(b, r.MaxLinks)
	}
	return b
}

// Link is one internal link the linker placed: in the text, or (of
// TypeRelated) in the page's related block.
type Link struct {
	Source     int64  `json:"source"`      // the Doc the link is on
	Target     int64  `json:"target"`      // the Doc it goes to
	TargetPage string `json:"target_page"` // the target's page id: the link is [Anchor](page:TargetPage)
	Anchor     string `json:"anchor"`      // the link text, verbatim from the source
	Block      string `json:"block"`       // the id of the block that holds it
	// Field is the prop of the block that holds it: "markdown" for a
	// richtext block, "items/<i>/answer" for a FAQ answer.
	Field string `json:"field"`
	// Offset is the byte offset of Anchor in the field's Markdown after
	// linking: Markdown[Offset:Offset+len(Anchor)] is the anchor and the
	// byte before it is the link's "[".
	Offset  int    `json:"offset"`
	Type    string `json:"type"`    // TypeContextual, TypePillar or TypeRelated
	Version string `json:"version"` // Version of the linker that placed it
}

// Change is a page the linker changed.
type Change struct {
	Doc  int64
	Page *blueprints.Page // a new page; the Doc's page is left as it was
}

// Result is what a linker run did.
type Result struct {
	// Changed are the pages that changed, by Doc ID. Unchanged pages are
	// left out.
	Changed []Change
	// Links are all the linker's links on the pages it linked, kept and
	// new, by source ID, then as they stand on the page. Store them in
	// place of the previous records of those sources, and pass them (with
	// the other sources' records) as Site.Placed next time.
	Links []Link
	// Added are the links this run placed (a subset of Links).
	Added []Link
	// Removed are the links this run took out, unwrapping them back to
	// their text; their Offset is in the Markdown as it was before.
	Removed []Link
}

// LinkSite links every content piece of the site: each page gets links
// to the others, under the site's rules.
func LinkSite(site Site) (*Result, error) {
	e, err := newEngine(site)
	if err != nil {
		return nil, err
	}
	return e.run(e.docs), nil
}

// LinkPiece links one content piece (the Doc with ID id) against the rest
// of the site: it places outbound links on its page only. Pages that
// should link to it get those links when they are linked in turn.
func LinkPiece(site Site, id int64) (*Result, error) {
	e, err := newEngine(site)
	if err != nil {
		return nil, err
	}
	d := e.byID[id]
	if d == nil {
		return nil, igny8.Errorf(igny8.ENotFound, "Content %d is not among the site's content to link.", id)
	}
	return e.run([]*docState{d}), nil
}
