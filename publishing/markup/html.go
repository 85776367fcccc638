package markup

import (
	"strconv"
	"strings"

	"github.com/igny8/igny8/blueprints"
)

// htmlWriter writes clean HTML: a section around each structured block,
// plain elements inside, no classes.
type htmlWriter struct {
	strings.Builder
}

var _ writer = (*htmlWriter)(nil)

func (w *htmlWriter) begin(*blueprints.Block) { w.WriteString("<section>\n") }
func (w *htmlWriter) end(*blueprints.Block)   { w.WriteString("</section>\n") }

func (w *htmlWriter) heading(level int, inline string) {
	n := strconv.Itoa(level)
	w.WriteString("<h" + n + ">" + inline + "</h" + n + ">\n")
}

func (w *htmlWriter) para(inline string) { w.WriteString("<p>" + inline + "</p>\n") }

func (w *htmlWriter) list(ordered bool, items []string) {
	tag := "ul"
	if ordered {
		tag = "ol"
	}
	w.WriteString("<" + tag + ">\n")
	for _, it := range items {
		w.WriteString("<li>" + it + "</li>\n")
	}
	w.WriteString("</" + tag + ">\n")
}

func (w *htmlWriter) markdown(block string) { w.WriteString(block) }

func (w *htmlWriter) figure(f figure) {
	w.WriteString("<figure>" + linkHTML(f.href, imgHTML(f.src, f.alt)))
	if f.caption != "" {
		w.WriteString("<figcaption>" + esc(f.caption) + "</figcaption>")
	}
	w.WriteString("</figure>\n")
}

func (w *htmlWriter) actions(as []action) {
	var links []string
	for _, a := range as {
		links = append(links, linkHTML(a.href, esc(a.label)))
	}
	w.para(strings.Join(links, " · "))
}

// qa shows a question as a heading, not a <details>: answers stay
// visible without a script or stylesheet, and are read by search engines.
func (w *htmlWriter) qa(question, answer string) {
	w.heading(3, question)
	w.WriteString(answer)
}

func (w *htmlWriter) quote(block, cite string) {
	w.WriteString("<blockquote>\n" + block)
	if cite != "" {
		w.WriteString("<p><cite>" + cite + "</cite></p>\n")
	}
	w.WriteString("</blockquote>\n")
}

func (w *htmlWriter) video(provider, id, title, caption string) {
	src, page := videoURLs(provider, id)
	w.WriteString("<figure>")
	if src == "" {
		w.WriteString(linkHTML(page, esc(title)))
	} else {
		w.WriteString(`<iframe src="` + escAttr(src) + `" title="` + escAttr(title) +
			`" width="560" height="315" allow="fullscreen; picture-in-picture" allowfullscreen loading="lazy"></iframe>`)
	}
	if caption != "" {
		w.WriteString("<figcaption>" + esc(caption) + "</figcaption>")
	}
	w.WriteString("</figure>\n")
}

func (w *htmlWriter) gallery(_ int, figs []figure) {
	for _, f := range figs {
		w.figure(f)
	}
}

// columns flattens: without a stylesheet, side by side means in order.
func (w *htmlWriter) columns(children []func() error) error {
	for _, c := range children {
		if err := c(); err != nil {
			return err
		}
	}
	return nil
}

// videoURLs returns a video's privacy-friendly embed URL and its page on
// the provider; both "" for a provider IGNY8 does not know.
func videoURLs(provider, id string) (embed, page string) {
	switch provider {
	case "youtube":
		return "https://www.youtube-nocookie.com/embed/" + id, "https://www.youtube.com/watch?v=" + id
	case "vimeo":
		return "https://player.vimeo.com/video/" + id + "?dnt=1", "https://vimeo.com/" + id
	}
	return "", ""
}
