// Package linker links a site's content pieces to each other: it finds,
// for each page, the other pages worth linking to, places the links on
// words the page already says, records them, and reports on the site's
// internal links. It is a pure library: pages in, pages and records out;
// the input is never modified.
//
// # Where links go
//
// Links live in the Markdown of the page's blocks, written as
// [anchor](page:<page-id>), so the site build, the publishing adapters and
// the JSON-LD all see them. Only two kinds of text are linkable: a
// richtext block's markdown and a FAQ answer (items/<i>/answer), in blocks
// at any depth. The linker never links inside a heading (ATX or Setext),
// an existing link or image, an autolink, inline code or a code block,
// strikethrough, a table's header row, a footnote, a paragraph with raw
// HTML, an HTML block, or the first sentence of a FAQ answer (up to its
// first ".", "!" or "?" followed by a space and not by a lower-case word
// or a digit, or the whole first paragraph if it has none); nor in any
// other block or prop (hero, cta buttons, features…). It finds linkable
// text with Goldmark's parser, configured as the site build parses, and
// inserts "[" and "](page:<id>)" at byte offsets of the source; it then
// parses the result again and keeps only links that came out as planned,
// with the same visible text.
//
// # Anchors
//
// A link's text is always an occurrence already in the page, verbatim:
// one of the target's keywords (Doc.Keywords) or a close variant of it,
// never new words. Matching is case-insensitive, Unicode aware and by
// whole words; plural and singular match by an English suffix rule
// (coffee/coffees, berry/berries, box/boxes), and the words of a keyword
// may be separated by spaces, a line break or a hyphen. Chinese and
// Japanese are matched character by character. An anchor never spans
// emphasis or other markup, and never touches a hyphenated word, a
// contraction or possessive, an address, a domain or a path. Where a
// shorter keyword of a target occurs inside a longer one, the longer is
// the anchor. A secondary keyword that is another linkable piece's target
// keyword (its first) anchors links to that piece only, so two pages are
// not linked with the same words. No anchor on a page says all the
// words of the page's own target keyword: such a link would tell search
// engines that another page is about it (a competing link, which the
// analyzer flags), so a page about "night train" gets no link on "night
// train guide". Keywords under three letters are not used.
//
// # Targets and their order
//
// A page may link to every other content piece of the same site that is
// published or approved, never to itself; the page itself may have any
// status. Relevance is the cosine similarity of TF-IDF vectors (over the
// visible text of all the site's pages, with the same word keys as
// anchors) between the source page's text and the target's keywords and
// title, raised by half when both are in the same cluster and by half
// again when the target is that cluster's pillar. Targets whose anchors
// occur on the page are taken in this order, while the page's budget
// lasts: the pillar page of the source's cluster (unless
// Rules.IgnorePillar), then pages no other page links to yet, so that a
// site run leaves as few orphans as it can, then by relevance, then by ID.
//
// # Rules (see Rules; zero means the default)
//
//   - No link to the page itself; only published or approved targets.
//   - MaxPerTarget (1): links from one page to the same target.
//   - WordsPerLink (150): a page of w visible words in its linkable text
//     carries at most w/150 internal links, rounded down; MaxLinks (15)
//     caps that for long pages (15 links is 2,250 words at the default
//     density). This is the page's budget. A page under 150 words gets no
//     links from the linker.
//   - The author's page: links count toward the budget and toward
//     MaxPerTarget, so the linker adds only what is left. The linker never
//     changes them, nor any link to another URL.
//   - Anchor variety: of the occurrences a target could be linked on in a
//     page, the linker takes the anchor text (compared case-insensitively)
//     that links to that target least often across the site so far, then
//     the earliest. Pages are linked in order of Doc ID, so a site's links
//     to one target spread over the variants its pages use instead of all
//     saying the same words. RepeatAnchors turns this off (earliest
//     occurrence always).
//
// # Records and re-runs
//
// Every link the linker keeps or places is a Link record, stamped with
// Version. A run is given the records of the previous one (Site.Placed)
// and recognises its own links by them (source, block, field, target page
// and anchor). A recorded link stays while it is valid; it is unwrapped
// back to its text when its target left the site or is no longer published
// or approved, when its anchor is no longer one of the target's keywords,
// or when it now breaks a rule (the author added links to the same target
// or past the budget, or moved it into a heading). Links without a record
// are the author's, and stay. The freed text may be linked again in the
// same run, to another target.
//
// Running the linker on its own output, with its records, changes
// nothing: every placed link is valid again, and everything that kept a
// link from being placed the first time still does. Runs are
// deterministic.
//
// LinkSite links every page; LinkPiece places one page's outbound links
// (other pages link to it when they are linked in turn).
//
// # Related blocks
//
// Words decide where a contextual link can go, so a page whose keyword no
// other page says gets none: an orphan. With Rules.RelatedBlock, the
// linker also keeps a related block (id RelatedBlockID, type "related",
// which the themes render as a list of pages with their titles and
// images) on each page it links, listing Rules.Related other published or
// approved pages. The lists are chosen for the whole site: orphans first,
// each listed by the page most relevant to it that has room, then the
// most relevant pages each page does not link to in its text yet (see
// relatedLists). They depend only on the text links and the text, so a
// rerun writes the same blocks; the linker changes only its own block (a
// block of the author's with that id stops it) and removes it when the
// list is empty. Its entries are Link records of TypeRelated.
//
// # Report
//
// Report reads the pages as they are and lists orphan pages (no inbound
// link from another page, in its text or a related block), pages with
// too few links in their text (fewer than MinLinks, default 2, or than
// their budget when that is smaller) and too many (more than their
// budget), per page counts in and out, and each page's related-content
// list: its related blocks' pages, or without one the Rules.Related
// (default 3) most relevant pages it does not link to yet.
package linker
