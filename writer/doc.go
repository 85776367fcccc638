// Package writer turns the AI's written answers into blueprint pages: an
// approved idea becomes a page of typed blocks (never HTML) that validates
// in the site's blueprint exactly as the site build will validate it, the
// page's facts are derived for the pipeline, image prompts are asked for
// and the generated images attached, and a business brief becomes a whole
// site's blueprint.
//
// The model answers in structured fields (ai.ContentOutput and the like);
// the writer, not the model, decides the blocks. Every answer is checked
// by building its page and validating it, and what is wrong goes back to
// the model, located in the answer's own fields, for one repair round.
package writer
