/*
Package markup turns a blueprint page's blocks into the markup other
platforms store and back.

HTML renders clean, semantic HTML for any CMS; Gutenberg renders WordPress
block markup; Assets lists the images either one shows, for uploading
first; Blocks and BlocksWith parse HTML or block markup into blocks, for
import and for syncing edits made on the platform back.

# Mapping

Headings a block adds are <h2>, its items' headings <h3>: the platform
prints the page title as the <h1>. Markdown is rendered with goldmark and
the extensions of blueprints.MarkdownParser; raw HTML in it is dropped, as
the site build drops it. page: links go through Options.Link, asset:
images through Options.Image.

	block          HTML                                  Gutenberg                               back (Blocks)
	richtext       Markdown as HTML                      core paragraph, heading, list,          richtext (Markdown)
	                                                     quote, code, table, separator; html
	image          <figure><img><figcaption>             core/image                              image (Asset hook), else richtext ![alt](url)
	hero v1, v2    <section>: eyebrow <p>, <h2>, text,   group carrying the block: paragraph,    the block, while its markup is unchanged;
	               <figure>, links in a <p>              heading, image, buttons                 else richtext of its content
	cta            <section>: <h2>, text, links          group: heading, paragraphs, buttons     (as hero)
	faq            <section>: <h3> question, answer      group: heading, core/details per item   (as hero)
	features       <section>: <h2>, intro, <h3> + text   group: headings and paragraphs          (as hero)
	stats          <section>: <ul> of value and label    group: list                             (as hero)
	team           <section>: <h3> name, role, photo,    group: heading, paragraph, image        (as hero)
	               bio, links
	testimonials   <section>: <blockquote> with <cite>   group: core/quote with citation         (as hero)
	pricing        <section>: <h3> plan, price, list,    group: heading, paragraph, list,        (as hero)
	               link                                  buttons
	logos          <section>: <ul> of linked logos       group: list                             (as hero)
	gallery        <section>: a <figure> per image       group: core/gallery                     (as hero)
	video          <figure><iframe> (youtube-nocookie,   group: core/embed                       (as hero)
	               player.vimeo.com with dnt)
	columns        the children in order                 group: core/columns, a column each      (as hero, children included)
	contact        <section>: <h2>, text, details;       group: heading, paragraph               (as hero)
	               no form (forms do not transfer)
	post-list      <section>: <ul> of links (Options.    group: heading, list, buttons           (as hero)
	               Posts), the "more" link
	product-grid   <section>: <ul> of product links      group: heading, list                    (as hero)
	related        <section>: <ul> of page links         group: heading, list                    (as hero)

# Carried blocks

A block WordPress has no equivalent of becomes a core/group whose
attributes carry it:

	<!-- wp:group {"metadata":{"name":"IGNY8 faq","igny8":{"id":…,"type":"faq","v":1,"props":{…},"sum":…}},"className":"igny8-faq"} -->

The block rides in metadata, an attribute every block type declares, so
the block editor keeps it when the post is saved again. sum is a hash of
the group's inner markup as Gutenberg wrote it: Blocks restores the block
exactly while the markup is unchanged, and reads an edited group's content
as rich text instead, so an edit made in WordPress is never lost to a
stale copy.

# Round trips

With BlocksOptions that undo the Options (URL to page, URL to asset),
Gutenberg(BlocksWith(Gutenberg(p))) is Gutenberg(p) byte for byte for
every example page; without them it settles after one round (a remote
image stays a Markdown image). For a page of richtext and image blocks
the blocks come back with the same types and props, Markdown byte-equal
for the writer's style, with these exceptions: ids are renumbered s1,
s2…; richtext blocks next to each other come back as one (their
footnotes then move to its end); a loose list comes back tight (a
core/list-item has no paragraphs); Markdown spelt differently from the
converter's style (_em_, * bullets, setext headings, reference links)
comes back in that style, rendering the same; raw HTML in Markdown is
gone, as the site build drops it.

# Determinism

The same page and options give the same bytes: props are read by name,
JSON attributes are written with sorted keys, and nothing depends on map
order or time. Destinations hash the markup to skip unchanged pieces.
*/
package markup
