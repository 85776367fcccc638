// Package optimizer analyzes a content piece (a blueprint page) for a
// focus keyword, as the leading WordPress SEO plugins do, and fixes what
// rules can fix without an AI.
//
// Analyze is pure and synchronous: a page in, a 0–100 score and a list of
// checks out, each with a verdict (good, improve, problem), a message a
// site owner understands and the numbers behind it. It takes well under a
// millisecond for a 1,200-word article, so an editor can run it on every
// keystroke. Fix applies rule-based fixes (the offline provider's
// optimization) and keeps the page's block structure.
//
// # What is analyzed
//
// The text is what a reader sees of the page's blocks, in order: the
// Markdown of richtext blocks and of other Markdown props (hero text, FAQ
// answers, feature texts…) parsed as the site build parses it, block
// headings, FAQ questions, captions and quotes; labels such as buttons,
// names and prices count as words only. Code blocks and raw HTML are left
// out. The page title is the H1 (on a page other than a post, product
// or service that opens with a hero, the hero's heading is, as the themes
// show it). The SEO title is the page's SEO title,
// else its title; the meta description its SEO description, else its
// description. Links are Markdown links and block hrefs: page:, a path or
// the site's own host are internal, other http(s) hosts outbound. Images
// are the featured image, image props (image, photo, poster, avatar) and
// Markdown images; an image without its own alt text takes its asset's.
//
// Text is split into words (letters and digits; "don't", "well-known" and
// "24.90" are one word each; each Chinese or Japanese character is one)
// and sentences (at . ! ? … followed by a space and no lower-case letter,
// except after the language's abbreviations and single-letter initials).
// The keyphrase is matched per word, as Yoast SEO does: it occurs where
// all its content words (its words less function words such as "the",
// "how", "to") appear in a sentence, in any order and either number
// ("train" matches "trains"); in double quotes it must appear as written.
// Synonyms count in the introduction, meta description, subheadings and
// image alt texts.
//
// # The checks
//
// SEO (the thresholds are Yoast SEO's, the free version, unless said):
//
//   - keyphrase_length: a focus keyword is set, of 1–4 content words
//     (good), 5–8 (improve) or more (problem); none, or one of function
//     words only, is a problem. Languages without function words: 1–6,
//     7–9.
//   - keyphrase_in_title: the exact keyphrase starts the SEO title (only
//     function words may precede it: good); it is elsewhere in the title,
//     or only all its words are (improve); it is not (problem).
//   - keyphrase_in_introduction: the keyphrase (or a synonym) is in one
//     sentence of the first paragraph (good), its words are spread over
//     the paragraph (improve), or it is missing (problem).
//   - keyphrase_in_meta_description: once or twice (good); never, or more
//     than twice (problem).
//   - keyphrase_in_slug: all content words in the slug (for keyphrases of
//     three or more words, more than half), accents folded; else improve.
//     Not run on the home page.
//   - keyphrase_in_subheadings: 30–75% of the H2 and H3 subheadings (block
//     headings included) reflect the keyphrase or a synonym, or the only
//     one does (good); fewer, none or more (problem). A subheading reflects
//     it with more than half of its content words (all of them in
//     languages without function words). A text of 300 words or more
//     without subheadings is a problem.
//   - keyphrase_density: occurrences per 100 words, weighted by the
//     keyphrase length (× 0.7 + words/3): under 0.5 or a single occurrence
//     (problem, scored 4), 0.5–3 or two occurrences where two are enough
//     (good), 3–4 (problem, 2), over 4 (problem, 0). Texts under 100 words
//     need 1 occurrence (2 over 50 words).
//   - keyphrase_in_image_alt: with fewer than 5 images one alt text with
//     the keyphrase (at least half of its content words) is good; with 5,
//     2–4; with more, 30–75%; else improve. Not run without images.
//   - keyphrase_used_before: no other page of the site has the keyphrase
//     (good), one has (improve), more have (problem).
//   - competing_links: no internal link has the keyphrase as its text
//     (good); any does (problem).
//   - seo_title_width: the title as the site build writes it (template
//     applied) measures 400–600 pixels (good), under 400 (improve; Yoast
//     now passes short titles), over 600 (problem); see TitleWidth for
//     the measure.
//   - meta_description_length: 120–156 characters (good), shorter or
//     longer (improve), none (problem).
//   - text_length: by entity type, words recommended / slightly below /
//     below / far below: posts, pages and services 300/250/200/100,
//     products 200/150/100/50, taxonomies 250/200/100/50 (Yoast's older
//     taxonomy values; Yoast now asks 30 words of a term description).
//   - internal_links, outbound_links: at least one (good), none
//     (problem). Markdown has no nofollow, so Yoast's nofollow grades do
//     not apply.
//   - images: at least one (good), none (problem).
//   - image_alt_text: every image has alt text (good), some lack it
//     (improve), all do (problem). Not a Yoast check: Rank Math's.
//   - single_h1: the page title is the only H1 (good); a "# " heading in
//     the text is a second one (problem).
//
// Readability:
//
//   - flesch_reading_ease: the language's formula over the whole text:
//     English Flesch (206.835 − 1.015 ASL − 84.6 ASW), German Amstad
//     (180 − ASL − 58.5 ASW), French Kandel–Moles (207 − 1.015 ASL −
//     73.6 ASW), Spanish Fernández Huerta (206.84 − 0.60 P − 1.02 ASL),
//     Dutch Douma (206.835 − 0.93 ASL − 77 ASW), Italian Flesch–Vacca
//     (217 − 1.3 ASL − 0.6 P), where ASL is words per sentence, ASW
//     syllables per word and P syllables per 100 words. 60 or more is
//     good, 50–60 improve, under 50 a problem. Syllables are estimated:
//     vowel groups, with English's silent e and -es/-ed, German and
//     Dutch diphthongs, French silent final e, Spanish and Italian
//     hiatus. Not run for other languages.
//   - sentence_length: at most 25% of sentences longer than 20 words (25
//     in Spanish and Italian) is good, up to 30% improve, more a problem.
//   - paragraph_length: no paragraph over 150 words (good), the longest
//     150–200 (improve), over 200 (problem).
//   - subheading_distribution: in a text over 300 words, no section (text
//     between subheadings, or before the first) over 300 words (good),
//     the longest 300–350 (improve), longer (problem); none at all is a
//     problem.
//   - passive_voice (English and German): at most 10% of sentences
//     passive (good), up to 15% (improve), more (problem). English: a form
//     of "be" or "get", then within three words (adverbs, "not") a past
//     participle: -ed but for a list of look-alikes ("hundred"), or one
//     of about 200 irregular participles. German: a form of "werden" and
//     a word shaped like a participle (ge…t, ein-ge-laden, ver…t, …iert).
//   - transition_words (English and German): at least 30% of sentences
//     with a transition word or phrase (good), 20–30% (improve), fewer
//     (problem); texts under 200 words pass.
//   - consecutive_sentences: three or more sentences in a row starting
//     with the same word (after an article or numeral, the same two
//     words) is a problem.
//
// Sentence statistics count the prose (paragraphs, list items, FAQ
// questions…), not headings or labels; reading ease reads the whole text,
// headings included, as Yoast does.
//
// Left out of Yoast's analysis: the premium assessments (keyphrase
// distribution, word complexity, lists, text alignment), morphology
// beyond singular and plural, cornerstone thresholds, nofollow grades,
// inclusive language, the "text presence" check (text_length covers it)
// and passive voice and transition words in languages other than English
// and German.
//
// # The score
//
// Each check scores 0 to 9: 9 when met, 6 (or 5–7) when it can improve,
// 0–4 for a problem; a check's verdict follows its score (8–9 good, 5–7
// improve, 0–4 problem). Yoast's negative scores (keyword stuffing,
// very thin text) become 0–2. The score is
//
//	round(100 × Σ scores / (9 × number of checks run))
//
// over every check that ran, and SEOScore and ReadabilityScore are the
// same over each group. Every check weighs the same, so fixing any
// failing check raises the score. Without a focus keyword every keyword
// check runs and scores 0.
//
// # Fixes
//
// Fix performs the fixes the offline provider offers: the SEO title gets
// the keyphrase at its start and is cut to fit at a word boundary; a
// short SEO title of the page's own gets the site's title template, or,
// where no template applies (and not on the home page), the site's name
// ("Night trains – Slow Miles", as Yoast's default "%title% -
// %sitename%"), when that fits and makes it wider; the meta description
// is written from the description or the first paragraph when missing,
// given the keyphrase, extended from the first paragraph when short and
// cut at a word boundary when long; a sentence with the keyphrase (in the
// page's language: English, German, French, Spanish, Dutch or Italian) is
// added to the first paragraph; when too few subheadings have the
// keyphrase, it is appended ("What to pack: night train", written as the
// page title writes it) to as many as the check asks for at least, spread
// over those that end in no punctuation and whose text Fix can locate
// (block headings and one-line "#" headings, not the hero heading that is
// the H1), unless that would make the keyphrase density worse; images
// without alt text get one from their caption, section heading or the
// page title (and the keyphrase, as far as the image check asks); and
// paragraphs over 150 words are split at sentence boundaries. Every block
// keeps its id and type, so the page still validates.
package optimizer
